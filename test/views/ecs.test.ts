import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { K8sAudit } from '../../src/model/event.js';
import {
  ecsDatasets,
  ecsDatasetsForIndex,
  ecsDocument,
  ecsFieldResolver,
  ecsFieldResolverFor,
  ecsGet,
  ecsIndexNames,
  indexPatternMatches,
} from '../../src/views/ecs/ecs-document.js';
import { corpus } from '../corpus.js';
import {
  corpusLine,
  corpusRecords,
  fromActivity,
  fromAksRecord,
  fromGkeEntry,
  fromK8sEvent,
} from './make-events.js';

type Obj = Record<string, unknown>;

/** Every leaf of `expected` (arrays compared whole), as [dotted path, value]. */
function leaves(v: unknown, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Obj)) leaves(x, prefix ? `${prefix}\u0000${k}` : k, out);
  } else out.push([prefix, v]);
  return out;
}
function at(doc: unknown, path: string): unknown {
  let v = doc;
  for (const k of path.split('\u0000')) v = v && typeof v === 'object' ? (v as Obj)[k] : undefined;
  return v;
}

const INGEST_TIME = new Set(['event\u0000ingested', 'tags', 'ecs\u0000version']);

test('kubernetes.audit_logs: AKS record matches Elastic expected output field by field', () => {
  const rel = 'elastic-integrations/kubernetes-audit_logs/test-kube-audit.log';
  const raw = corpusLine(rel, 1);
  const ev = fromAksRecord(JSON.parse(raw) as Obj, raw);
  const expected = (JSON.parse(readFileSync(corpus(rel + '-expected.json'), 'utf8')) as { expected: Obj[] })
    .expected[0]!;
  const doc = ecsDocument(ev, 'kubernetes.audit_logs');
  const checked = leaves(expected).filter(([p]) => !INGEST_TIME.has(p));
  assert.ok(checked.length > 40);
  for (const [path, value] of checked) {
    assert.deepEqual(at(doc, path), value, `field ${path.replaceAll('\u0000', '.')}`);
  }
  // nothing the expected output leaves out by rule: empty reason dropped, metadata {} dropped
  const audit = (doc!.kubernetes as Obj).audit as Obj;
  assert.deepEqual(audit.annotations, { 'authorization_k8s_io/decision': 'allow' });
  assert.deepEqual(audit.responseStatus, { code: 200 });
});

test('kubernetes.audit_logs: raw Falco exec event, resolver with fan-out and dotted keys', () => {
  const text = readFileSync(
    corpus('falcosecurity-falco-k8s_audit/create_nginx_pod_privileged_2nd_container.json'),
    'utf8',
  );
  const ev = fromK8sEvent(JSON.parse(text) as K8sAudit, text);
  assert.equal(ecsFieldResolver('kubernetes.audit.verb')(ev), 'create');
  assert.equal(ecsFieldResolver('event.action')(ev), 'create');
  assert.equal(ecsFieldResolver('event.outcome')(ev), 'success');
  assert.equal(ecsFieldResolver('kubernetes.audit.annotations.authorization_k8s_io/decision')(ev), 'allow');
  assert.equal(ecsFieldResolver('data_stream.dataset')(ev), 'kubernetes.audit_logs');
  const images = ecsFieldResolver('kubernetes.audit.requestObject.spec.containers.image')(ev);
  assert.ok(Array.isArray(images) && images.length === 2, JSON.stringify(images));
  assert.deepEqual(
    ecsFieldResolver('kubernetes.audit.requestObject.spec.containers.securityContext.privileged')(ev),
    [false, true],
  );
  // metadata of the request body is removed
  assert.equal(ecsFieldResolver('kubernetes.audit.requestObject.metadata')(ev), undefined);
  assert.ok(Array.isArray(ecsFieldResolver('source.ip')(ev)));
  assert.equal(ecsFieldResolver('cloud.provider')(ev), undefined);
  // cached: the same object on the second call
  assert.equal(ecsDocument(ev), ecsDocument(ev));
  // flattened keys with dots resolve too
  assert.equal(ecsGet({ 'kubernetes.audit.verb': 'get' }, 'kubernetes.audit.verb'), 'get');
  assert.equal(ecsGet({ kubernetes: { 'audit.verb': 'get' } }, 'kubernetes.audit.verb'), 'get');
});

test('kubernetes.audit_logs: forbid decision gives failure outcome (synthetic)', () => {
  const ev = fromK8sEvent({ verb: 'get', annotations: { 'authorization.k8s.io/decision': 'forbid' } });
  assert.equal(ecsFieldResolver('event.outcome')(ev), 'failure');
  assert.equal(ecsFieldResolver('event.outcome')(fromK8sEvent({ verb: 'get' })), undefined);
});

test('azure.platformlogs: AKS record as the Azure integration sees it', () => {
  const [rec] = corpusRecords('elastic-integrations/azure-platformlogs/test-platformlogs-kube.log');
  const ev = fromAksRecord(rec!);
  assert.deepEqual(ecsDatasets(ev), ['kubernetes.audit_logs', 'azure.platformlogs']);
  const get = ecsFieldResolverFor('azure.platformlogs');
  // values from Elastic's expected output for this input (not copied; checked field by field here)
  assert.equal(get('@timestamp')(ev), '2020-11-09T10:57:31.000Z');
  assert.equal(get('event.action')(ev), 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read');
  assert.equal(get('azure.subscription_id')(ev), '70BD6E77-4B1E-4835-8896-DB77B8EEF364');
  assert.equal(get('azure.resource.name')(ev), 'OBSKUBE');
  assert.equal(get('azure.resource.group')(ev), 'OBS-INFRASTRUCTURE');
  assert.equal(get('azure.resource.provider')(ev), 'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS');
  assert.equal(get('azure.platformlogs.category')(ev), 'kube-audit');
  assert.equal(get('azure.platformlogs.ccpNamespace')(ev), '5e4bf4baee195b00017cdbfa');
  assert.equal(get('azure.platformlogs.Cloud')(ev), 'AzureCloud');
  assert.equal(get('azure.platformlogs.event_category')(ev), 'Administrative');
  assert.equal(get('azure.platformlogs.properties.pod')(ev), 'kube-apiserver-666bd4b459-hjgdc');
  assert.equal(get('azure.platformlogs.properties.log.kind')(ev), 'Event');
  assert.equal(get('data_stream.dataset')(ev), 'azure.platformlogs');
  assert.equal(get('cloud.provider')(ev), 'azure');
  // a raw event is not in this dataset
  assert.equal(get('event.action')(fromK8sEvent({ verb: 'get' })), undefined);
});

test('azure.activitylogs: Activity record fields', () => {
  const [rec] = corpusRecords('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log');
  const ev = fromActivity(rec!);
  const get = (f: string) => ecsFieldResolver(f)(ev);
  assert.equal(get('data_stream.dataset'), 'azure.activitylogs');
  assert.equal(
    get('azure.activitylogs.operation_name'),
    'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION',
  );
  assert.equal(get('event.action'), get('azure.activitylogs.operation_name'));
  assert.equal(get('azure.activitylogs.result_type'), 'Start');
  assert.equal(get('event.outcome'), undefined, 'Start is neither success nor failure');
  assert.deepEqual(get('event.type'), ['change']);
  assert.equal(get('event.duration'), 0);
  assert.equal(get('azure.activitylogs.event_category'), 'Administrative');
  assert.equal(get('azure.activitylogs.identity.authorization.evidence.principal_type'), 'ServicePrincipal');
  assert.equal(get('azure.activitylogs.identity.claims.appidacr'), '2');
  assert.equal(
    get('azure.activitylogs.identity.claims.http://schemas_microsoft_com/identity/claims/objectidentifier'),
    '8a4de8b5-095c-47d0-a96f-a75130c61d53',
  );
  assert.equal(get('azure.resource.provider'), 'MICROSOFT.EVENTHUB');
  assert.equal(get('azure.resource.group'), 'SA-HEMA');
  assert.equal(get('azure.correlation_id'), rec!.correlationId);
  assert.equal(get('source.ip'), rec!.callerIpAddress);
  assert.equal(get('log.level'), 'Information');
  assert.equal(get('@timestamp'), '2019-10-24T00:13:46.355Z');
});

test('azure.activitylogs: outcome from resultType, case-insensitive; durationMs as string', () => {
  for (const rec of corpusRecords(
    'elastic-integrations/azure-activitylogs/test-azure-activitylogs-duration-as-string-sample.log',
  )) {
    const ev = fromActivity(rec);
    const rt = String(rec.resultType ?? '').toLowerCase();
    const outcome = ecsFieldResolver('event.outcome')(ev);
    assert.equal(outcome, rt === 'success' || rt === 'failure' ? rt : undefined);
    assert.equal(
      ecsFieldResolver('event.duration')(ev),
      rec.durationMs === undefined ? undefined : Number(rec.durationMs) * 1e6,
    );
  }
  const ev = fromActivity({ operationName: 'X/Y/DELETE', resultType: 'Success' }); // synthetic
  assert.equal(ecsFieldResolver('event.outcome')(ev), 'success');
  assert.deepEqual(ecsFieldResolver('event.type')(ev), ['deletion']);
});

test('GKE: Elastic fields plus the converted Event fields', () => {
  const ev = fromGkeEntry(
    corpusRecords('elastic-integrations/gcp-audit/test-audit.log.k8s-io-excerpt.jsonl')[0]!,
  );
  const get = (f: string) => ecsFieldResolver(f)(ev);
  assert.equal(get('orchestrator.cluster.name'), 'analysis-cluster');
  assert.equal(get('orchestrator.cluster.id'), 'elastic-siem');
  assert.equal(
    get('kubernetes.audit.protoPayload.methodName'),
    'io.k8s.authorization.v1beta1.subjectaccessreviews.create',
  );
  assert.equal(get('kubernetes.audit.protoPayload.status.code'), 0);
  assert.equal(get('kubernetes.audit.protoPayload.request'), undefined);
  assert.equal(get('kubernetes.audit.verb'), 'create');
  assert.equal(get('cloud.provider'), 'gcp');
});

test('index names and index pattern matching', () => {
  const raw = fromK8sEvent({ verb: 'get' });
  const act = fromActivity({ operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE' });
  assert.deepEqual(ecsIndexNames(raw), ['logs-kubernetes.audit_logs-default']);
  assert.ok(ecsIndexNames(act).some((n) => indexPatternMatches(['logs-azure*'], n)));
  assert.ok(ecsIndexNames(act).some((n) => indexPatternMatches(['filebeat-*'], n)));
  assert.ok(indexPatternMatches(['logs-kubernetes.audit_logs-*'], 'logs-kubernetes.audit_logs-default'));
  assert.ok(!indexPatternMatches(['logs-azure*'], 'logs-kubernetes.audit_logs-default'));
  assert.ok(!indexPatternMatches(['logs-*', '-logs-kubernetes*'], 'logs-kubernetes.audit_logs-default'));
  assert.ok(indexPatternMatches(['remote:logs-*'], 'logs-kubernetes.audit_logs-default'));
  assert.deepEqual(ecsDatasetsForIndex(act, ['logs-kubernetes.audit_logs-*']), []);
  const aks = fromAksRecord(
    corpusRecords('elastic-integrations/kubernetes-audit_logs/test-kube-audit.log')[0]!,
  );
  assert.deepEqual(ecsDatasetsForIndex(aks, ['logs-azure.platformlogs-*']), ['azure.platformlogs']);
  assert.deepEqual(ecsDatasetsForIndex(aks, ['logs-kubernetes.audit_logs-*']), ['kubernetes.audit_logs']);
});
