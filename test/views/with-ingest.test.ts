import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readEvents, readText } from '../../src/ingest/index.js';
import type { AuditEvent } from '../../src/model/event.js';
import {
  ecsDocument,
  ecsFieldResolver,
  ecsFieldResolverFor,
  ecsGet,
} from '../../src/views/ecs/ecs-document.js';
import { renderView } from '../../src/views/registry.js';
import { sigmaFieldResolver, sigmaLogsourceApplies } from '../../src/views/sigma-fields.js';
import { getTable, listTables } from '../../src/views/tables/tables.js';
import { corpus } from '../corpus.js';
import { corpusRecords as corpusRecordsOf } from './make-events.js';

/** The views over events produced by the real ingest (src/ingest), end to end on corpus files. */

type Obj = Record<string, unknown>;
const read = (rel: string): Promise<AuditEvent[]> => readEvents([corpus(rel)]);

function leaves(v: unknown, prefix: string[] = [], out: [string[], unknown][] = []): [string[], unknown][] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Obj)) leaves(x, [...prefix, k], out);
  } else out.push([prefix, v]);
  return out;
}

test('ingest -> ECS: AKS record matches Elastic expected output', async () => {
  const rel = 'elastic-integrations/kubernetes-audit_logs/test-kube-audit.log';
  const [ev] = await read(rel);
  assert.ok(ev);
  const expected = (JSON.parse(readFileSync(corpus(rel + '-expected.json'), 'utf8')) as { expected: Obj[] })
    .expected[0]!;
  const doc = ecsDocument(ev, 'kubernetes.audit_logs');
  for (const [path, value] of leaves(expected)) {
    if (path[0] === 'tags' || path.join('.') === 'event.ingested') continue;
    let v: unknown = doc;
    for (const k of path) v = v && typeof v === 'object' ? (v as Obj)[k] : undefined;
    assert.deepEqual(v, value, path.join('.'));
  }
});

test('ingest -> mixed Elastic kubernetes test-audit.log: raw, GKE and AKS records all get ECS and Sigma fields', async () => {
  const evs = await read('elastic-integrations/kubernetes-audit_logs/test-audit.log');
  assert.equal(evs.length, 5);
  const providers = evs.map((e) => e.provider);
  assert.ok(providers.includes('gke') && providers.includes('aks') && providers.includes('k8s'));
  const sigma = sigmaFieldResolver({ product: 'kubernetes', service: 'audit' });
  for (const ev of evs) {
    assert.equal(ecsFieldResolver('data_stream.dataset')(ev), 'kubernetes.audit_logs');
    assert.ok(sigmaLogsourceApplies({ product: 'kubernetes', service: 'audit' }, ev));
    assert.equal(sigma('verb')!(ev), ev.audit?.verb);
  }
  const gke = evs.find((e) => e.provider === 'gke')!;
  assert.equal(ecsFieldResolver('orchestrator.cluster.name')(gke), 'test-cluster');
  assert.equal(ecsFieldResolver('orchestrator.cluster.id')(gke), 'elastic-siem');
  assert.equal(ecsFieldResolver('kubernetes.audit.protoPayload.methodName')(gke), 'io.k8s.get');
  assert.equal(
    sigmaFieldResolver({ product: 'gcp', service: 'gcp.audit' })('gcp.audit.method_name')!(gke),
    'io.k8s.get',
  );
  const aks = evs.find((e) => e.provider === 'aks')!;
  assert.equal(
    ecsFieldResolverFor('azure.platformlogs')('azure.platformlogs.category')(aks),
    'kube-audit-admin',
  );
  assert.equal(ecsFieldResolver('kubernetes.audit.aks_metadata.category')(aks), 'kube-audit-admin');
});

test('ingest -> tables: typed rows for AKS, Activity and GKE events', async () => {
  const evs = [
    ...(await read('datadog-azure-log-forwarding-orchestration/aks_logs.json')),
    ...(await read('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log')),
    ...(await read('elastic-integrations/gcp-audit/test-audit.log.k8s-io-excerpt.jsonl')),
  ];
  assert.ok(evs.length > 21);
  for (const t of listTables()) {
    for (const ev of evs) {
      if (!t.accepts(ev)) continue;
      const row = t.row(ev);
      for (const c of t.columns) {
        const v = row[c.name];
        assert.ok(v !== undefined, `${t.name}.${c.name} undefined`);
        if (v !== null && c.type === 'datetime')
          assert.ok(v instanceof Date && !Number.isNaN(v.getTime()), `${t.name}.${c.name}`);
        if (v !== null && c.type === 'string') assert.equal(typeof v, 'string', `${t.name}.${c.name}`);
      }
    }
  }
  const cae = getTable('CloudAuditEvents')!;
  const gke = evs.find((e) => e.provider === 'gke')!;
  assert.equal(cae.row(gke).DataSource, 'Google Kubernetes Engine');
  assert.equal(
    cae.row(gke).GcpFullResourceName,
    '//container.googleapis.com/projects/elastic-siem/locations/us-central1-a/clusters/analysis-cluster',
  );
  const act = evs.find((e) => e.kind === 'activity')!;
  assert.equal(
    renderView('AzureActivity')!(act)!.OperationNameValue,
    'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION',
  );
  assert.equal(renderView('AzureDiagnostics')!(evs[0]!)!.Category, 'kube-audit');
});

test('ingest -> dotted user.extra keys (service-account pod binding) resolve in ECS and Sigma', async () => {
  const evs = await read('datadog-azure-log-forwarding-orchestration/aks_logs.json');
  const withExtra = evs.filter((e) => e.audit?.user?.extra?.['authentication.kubernetes.io/pod-name']);
  assert.ok(withExtra.length > 0);
  const ecs = ecsFieldResolver('kubernetes.audit.user.extra.authentication.kubernetes.io/pod-name');
  const sigma = sigmaFieldResolver({ product: 'kubernetes', service: 'audit' })(
    'user.extra.authentication.kubernetes.io/pod-name',
  )!;
  for (const ev of withExtra) {
    const expected = ev.audit!.user!.extra!['authentication.kubernetes.io/pod-name'];
    assert.deepEqual(ecs(ev), expected);
    assert.deepEqual(sigma(ev), expected);
  }
  const without = evs.filter((e) => !e.audit?.user?.extra);
  assert.ok(without.length > 0 && without.every((ev) => ecs(ev) === undefined && sigma(ev) === undefined));
});

test('ingest -> EKS (synthetic CloudWatch subscription envelope around a real Falco Event)', () => {
  const message = readFileSync(corpus('falcosecurity-falco-k8s_audit/create_secret.json'), 'utf8').trim();
  const envelope = {
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup: '/aws/eks/synthetic-demo/cluster',
    logStream: 'kube-apiserver-audit-0000',
    subscriptionFilters: ['synthetic'],
    logEvents: [{ id: '1', timestamp: Date.parse('2020-04-21T17:57:05.548Z'), message }],
  };
  const { events } = readText(JSON.stringify(envelope), 'synthetic-eks.json');
  assert.equal(events.length, 1);
  const ev = events[0]!;
  assert.equal(ev.provider, 'eks');
  const row = getTable('CloudAuditEvents')!.row(ev);
  assert.equal(row.DataSource, 'Amazon Elastic Kubernetes Service');
  assert.equal(row.AwsResourceName, 'synthetic-demo');
  assert.equal(row.OperationName, 'create');
  assert.equal((row.RawEventData as Obj).RequestURI, '/api/v1/namespaces/default/secrets');
  assert.equal(ecsFieldResolver('cloud.provider')(ev), 'aws');
  assert.equal(ecsFieldResolver('kubernetes.audit.objectRef.resource')(ev), 'secrets');
  assert.ok(sigmaLogsourceApplies({ product: 'kubernetes', service: 'audit' }, ev));
  assert.ok(!sigmaLogsourceApplies({ product: 'gcp', service: 'gcp.audit' }, ev));
  assert.equal(getTable('AKSAudit')!.accepts(ev), false);
});

test('ingest -> Arc / AKS data-plane Activity records (Panther synthetic tests) in every view', () => {
  const recs = corpusRecordsOf('panther-analysis/azure-monitor-activity.rule-tests.jsonl')
    .map((r) => r.log as Obj)
    .filter((l) => /CONNECTEDCLUSTERS|MANAGEDCLUSTERS/i.test(String(l.operationName)));
  assert.ok(recs.length >= 4);
  const { events } = readText(recs.map((r) => JSON.stringify(r)).join('\n'), 'panther-activity.jsonl');
  assert.equal(events.length, recs.length);
  const sigma = sigmaFieldResolver({ product: 'azure', service: 'activitylogs' });
  for (const [i, ev] of events.entries()) {
    const op = recs[i]!.operationName;
    assert.equal(ev.kind, 'activity');
    assert.equal(sigma('operationName')!(ev), op);
    assert.equal(ecsFieldResolver('azure.activitylogs.operation_name')(ev), op);
    const row = getTable('AzureActivity')!.row(ev);
    assert.equal(row.OperationNameValue, op);
    assert.equal(row.ResourceId, recs[i]!.resourceId);
    assert.equal(row.ResourceGroup, String(recs[i]!.resourceId).split('/')[4]);
    assert.equal(getTable('CloudAuditEvents')!.row(ev).DataSource, 'Azure Resource Manager');
    assert.equal(getTable('ArcK8sAudit')!.accepts(ev), false);
  }
});

test('round trip: AKSAudit / AzureActivity / AzureDiagnostics rows exported as JSON are read back by ingest into the same rows', () => {
  for (const [table, rel] of [
    ['AKSAudit', 'datadog-azure-log-forwarding-orchestration/aks_logs.json'],
    ['AzureActivity', 'elastic-integrations/azure-activitylogs/test-activitylogs-raw.log'],
    ['AzureDiagnostics', 'datadog-azure-log-forwarding-orchestration/aks_logs.json'],
  ] as const) {
    const t = getTable(table)!;
    const first = readText(readFileSync(corpus(rel), 'utf8'), rel).events.filter((e) => t.accepts(e));
    const rows = first.map((e) => t.row(e));
    const back = readText(rows.map((r) => JSON.stringify(r)).join('\n'), `${table}-export.json`);
    assert.deepEqual(back.quarantined, []);
    const again = back.events.map((e) => t.row(e));
    assert.equal(again.length, rows.length);
    for (let i = 0; i < rows.length; i++)
      for (const c of t.columns) {
        if (c.name === '_BilledSize') continue; // size of the raw record, which differs by design
        assert.deepEqual(again[i]![c.name], rows[i]![c.name], `${table}.${c.name} row ${i}`);
      }
  }
});

test('ingest -> KubeEvents from a synthetic `kubectl get events -A -o json` list', () => {
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { resourceVersion: '' },
    items: [
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web-1.17a', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
        involvedObject: {
          kind: 'Pod',
          namespace: 'default',
          name: 'web-1',
          fieldPath: 'spec.containers{web}',
        },
        reason: 'Pulled',
        message: 'Container image "nginx" already present on machine',
        type: 'Normal',
        count: 2,
        source: { component: 'kubelet', host: 'node-1' },
        firstTimestamp: '2024-01-01T00:00:00Z',
        lastTimestamp: '2024-01-01T00:05:00Z',
        eventTime: null,
      },
    ],
  };
  const { events } = readText(JSON.stringify(list), 'synthetic-events.json');
  assert.equal(events.length, 1);
  const ev = events[0]!;
  assert.equal(ev.kind, 'k8s-event');
  const row = renderView('KubeEvents')!(ev)!;
  assert.deepEqual(
    [row.Namespace, row.Name, row.ObjectKind, row.Reason, row.KubeEventType, row.Count, row.SourceComponent],
    ['default', 'web-1', 'Pod', 'Pulled', 'Normal', 2, 'kubelet'],
  );
  assert.deepEqual(row.LastSeen, new Date('2024-01-01T00:05:00Z'));
  assert.equal(getTable('CloudAuditEvents')!.accepts(ev), false);
  assert.equal(renderView('sigma')!(ev), undefined);
  assert.equal(ecsFieldResolver('kubernetes.event.reason')(ev), 'Pulled');
});

test('ingest -> ECS for a GKE LogEntry: the values of Elastic pipeline-test output for test-audit.log line 4', async () => {
  const evs = await read('elastic-integrations/kubernetes-audit_logs/test-audit.log');
  const gke = evs.find((e) => e.provider === 'gke')!;
  const doc = ecsDocument(gke)!;
  const get = (f: string) => ecsGet(doc, f);
  // values as in elastic/integrations test-audit.log-expected.json (stored version, not copied)
  assert.deepEqual(get('orchestrator.cluster'), { id: 'elastic-siem', name: 'test-cluster' });
  assert.deepEqual(get('orchestrator.resource'), { name: 'readyz', type: 'k8s_cluster' });
  assert.equal(get('orchestrator.type'), 'kubernetes');
  assert.equal(get('event.outcome'), 'success');
  assert.equal(get('event.kind'), 'event');
  assert.equal(get('kubernetes.audit.auditID'), '1234abcd');
  assert.equal(
    get('kubernetes.audit.logName'),
    'projects/elastic-siem/logs/cloudaudit.googleapis.com%2Fdata_access',
  );
  assert.deepEqual(get('kubernetes.audit.operation'), {
    id: '1234abcd',
    producer: 'k8s.io',
    first: true,
    last: true,
  });
  // deviation (documented in ecs-k8s.ts): Elastic writes the gRPC code (0) to responseStatus.code;
  // we keep the ingest's HTTP-style code there and the gRPC code under protoPayload.status
  assert.equal(get('kubernetes.audit.responseStatus.code'), gke.audit?.responseStatus?.code);
  assert.equal(get('kubernetes.audit.protoPayload.status.code'), 0);
  assert.equal(get('kubernetes.audit.stageTimestamp'), '2025-07-13T08:38:39.127266Z');
  assert.equal(get('kubernetes.audit.annotations.authorization_k8s_io/decision'), 'allow');
  assert.equal(
    get('kubernetes.audit.protoPayload.authenticationInfo.principalEmail'),
    'system:gke-master-healthcheck',
  );
  assert.deepEqual(get('kubernetes.audit.resource.labels'), {
    cluster_name: 'test-cluster',
    location: 'us-central1',
    project_id: 'elastic-siem',
  });
});
