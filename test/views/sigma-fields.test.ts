import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { K8sAudit } from '../../src/model/event.js';
import {
  parseSigmaFieldMappings,
  sigmaFieldResolver,
  sigmaLogsourceApplies,
  sigmaTarget,
} from '../../src/views/sigma-fields.js';
import { corpus } from '../corpus.js';
import { corpusRecords, fromActivity, fromAksRecord, fromGkeEntry, fromK8sEvent } from './make-events.js';

const k8s = { product: 'kubernetes', service: 'audit', category: 'application' };
const azure = { product: 'azure', service: 'activitylogs' };
const gcp = { product: 'gcp', service: 'gcp.audit' };

const falco = (name: string) =>
  fromK8sEvent(JSON.parse(readFileSync(corpus(`falcosecurity-falco-k8s_audit/${name}`), 'utf8')) as K8sAudit);

test('kubernetes/audit: raw dotted names read the Event', () => {
  const r = sigmaFieldResolver(k8s);
  const ev = falco('exec_pod.json');
  assert.equal(r('verb')!(ev), 'create');
  assert.equal(r('objectRef.resource')!(ev), 'pods');
  assert.equal(r('objectRef.subresource')!(ev), 'exec');
  assert.equal(r('objectRef.namespace')!(ev), 'default');
  assert.equal(r('responseStatus.code')!(ev), 101);
  assert.match(String(r('requestURI')!(ev)), /command=bash/);
  // dotted annotation keys, through the fallback
  assert.equal(r('annotations.authorization.k8s.io/decision')!(ev), 'allow');
  assert.equal(r('objectRef.name')!(ev), 'nginx-deployment-7998647bdf-phvq7');
});

test('kubernetes/audit: legacy short names', () => {
  const r = sigmaFieldResolver(k8s);
  const ev = falco('create_clusterrolebinding.json');
  assert.equal(r('resource')!(ev), 'clusterrolebindings');
  assert.equal(r('apiGroup')!(ev), 'rbac.authorization.k8s.io');
  assert.equal(r('apiGroup')!(ev), r('objectRef.apiGroup')!(ev));
  assert.equal(r('username')!(ev), ev.audit?.user?.username);
  assert.equal(r('namespace')!(ev), undefined);
});

test('kubernetes/audit: hostPath and privileged read every container/volume of the pod spec', () => {
  const r = sigmaFieldResolver(k8s);
  const mount = falco('create_nginx_pod_sensitive_mount_2nd_container.json');
  const hp = r('hostPath')!(mount);
  assert.ok(Array.isArray(hp) && hp.includes('/etc'), `hostPath values: ${JSON.stringify(hp)}`);
  assert.equal(r('hostPath')!(falco('create_nginx_pod_unprivileged.json')), undefined);
  const priv = r('privileged')!(falco('create_nginx_pod_privileged_2nd_container.json'));
  assert.ok(Array.isArray(priv) && priv.includes(true), `privileged values: ${JSON.stringify(priv)}`);
});

test('kubernetes/audit: capabilities in a Deployment pod template (synthetic)', () => {
  const r = sigmaFieldResolver(k8s);
  const ev = fromK8sEvent({
    verb: 'create',
    objectRef: { resource: 'deployments', apiGroup: 'apps' },
    requestObject: {
      kind: 'Deployment',
      spec: {
        template: {
          spec: {
            initContainers: [{ name: 'i', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
            containers: [
              { name: 'c', securityContext: { capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] } } },
            ],
          },
        },
      },
    },
  });
  assert.deepEqual(r('capabilities')!(ev), ['SYS_ADMIN', 'NET_ADMIN']);
});

test('kubernetes/audit: unknown fields resolve to undefined; AKS events read the parsed log', () => {
  const r = sigmaFieldResolver(k8s);
  assert.equal(r('no_such_field'), undefined);
  assert.equal(r('CommandLine'), undefined);
  const aks = corpusRecords('datadog-azure-log-forwarding-orchestration/aks_logs.json').map((x) =>
    fromAksRecord(x),
  );
  const verbs = new Set(aks.map((ev) => r('verb')!(ev)));
  assert.ok(verbs.size > 1 && [...verbs].every((v) => typeof v === 'string'));
  assert.ok(aks.every((ev) => sigmaLogsourceApplies(k8s, ev)));
});

test('azure/activitylogs: operationName and AzureActivity column names', () => {
  const r = sigmaFieldResolver(azure);
  const [rec] = corpusRecords('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log');
  const ev = fromActivity(rec!);
  assert.equal(r('operationName')!(ev), 'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION');
  assert.equal(r('OperationNameValue')!(ev), r('operationName')!(ev));
  assert.equal(r('ResourceProviderValue')!(ev), 'MICROSOFT.EVENTHUB');
  assert.equal(r('CategoryValue')!(ev), 'Administrative');
  assert.equal(r('ResourceId')!(ev), rec!.resourceId);
  assert.equal(r('identity.authorization.evidence.role')!(ev), 'Azure EventGrid Service BuiltIn Role');
  assert.equal(
    r('identity.claims.http://schemas.microsoft.com/identity/claims/objectidentifier')!(ev),
    '8a4de8b5-095c-47d0-a96f-a75130c61d53',
  );
  assert.equal(r('Image'), undefined);
  assert.ok(sigmaLogsourceApplies(azure, ev));
  assert.ok(!sigmaLogsourceApplies(k8s, ev));
});

test('azure/activitylogs: properties.message (synthetic Arc record, properties as a string)', () => {
  const r = sigmaFieldResolver(azure);
  const ev = fromActivity({
    operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/SECRETS/WRITE',
    resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1',
    properties: JSON.stringify({ message: 'secret written', eventCategory: 'Administrative' }) as never,
  });
  assert.equal(r('properties.message')!(ev), 'secret written');
  assert.equal(r('ResourceProviderValue')!(ev), 'Microsoft.Kubernetes');
});

test('gcp/gcp.audit: method name from the LogEntry envelope, request from the Event', () => {
  const r = sigmaFieldResolver(gcp);
  const evs = corpusRecords('elastic-integrations/gcp-audit/test-audit.log.k8s-io-excerpt.jsonl').map((x) =>
    fromGkeEntry(x),
  );
  const ev = evs[0]!;
  assert.equal(r('gcp.audit.method_name')!(ev), 'io.k8s.authorization.v1beta1.subjectaccessreviews.create');
  assert.equal(r('data.protoPayload.methodName')!(ev), r('gcp.audit.method_name')!(ev));
  assert.equal(
    r('protoPayload.authenticationInfo.principalEmail')!(ev),
    'system:serviceaccount:cert-manager:cert-manager-webhook',
  );
  assert.equal(r('protoPayload.request.kind')!(ev), 'SubjectAccessReview');
  assert.equal(r('resource.labels.cluster_name')!(ev), 'analysis-cluster');
  assert.ok(evs.every((e) => sigmaLogsourceApplies(gcp, e) && sigmaLogsourceApplies(k8s, e)));
  assert.ok(!sigmaLogsourceApplies(gcp, falco('exec_pod.json')));
});

test('gcp/gcp.audit: method name rebuilt from the Event when no LogEntry is kept', () => {
  const r = sigmaFieldResolver(gcp);
  const ev = { ...falco('create_clusterrolebinding.json'), provider: 'gke' as const };
  assert.equal(r('gcp.audit.method_name')!(ev), 'io.k8s.authorization.rbac.v1.clusterrolebindings.create');
});

test('user mappings override and extend the built-in table', () => {
  const { mappings, problems } = parseSigmaFieldMappings({
    fieldmappings: { PodName: 'audit.objectRef.name', Who: ['audit.impersonatedUser.username', 'username'] },
    logsources: [
      { product: 'kubernetes', service: 'audit', fieldmappings: { verb: 'audit.objectRef.resource' } },
    ],
  });
  assert.deepEqual(problems, []);
  const r = sigmaFieldResolver(k8s, mappings);
  const ev = falco('exec_pod.json');
  assert.equal(r('PodName')!(ev), 'nginx-deployment-7998647bdf-phvq7');
  assert.equal(r('Who')!(ev), ev.audit?.user?.username);
  assert.equal(r('verb')!(ev), 'pods');
  // the logsource-scoped override does not leak to other log sources
  assert.equal(sigmaFieldResolver(azure, mappings)('verb'), undefined);
});

test('parseSigmaFieldMappings reports problems instead of throwing', () => {
  assert.equal(parseSigmaFieldMappings('nope').problems.length, 1);
  const { problems } = parseSigmaFieldMappings({ fieldmappings: { a: 3 }, logsources: [{ product: 1 }] });
  assert.equal(problems.length, 3);
});

test('sigmaTarget: unsupported log sources', () => {
  assert.equal(sigmaTarget({ product: 'windows', category: 'process_creation' }), undefined);
  assert.equal(sigmaTarget({ product: 'Kubernetes', service: 'Audit' }), 'kubernetes/audit');
});

test('user mapping targets may be Sigma names of the same log source (aliases) or bracketed paths', () => {
  const { mappings } = parseSigmaFieldMappings({
    fieldmappings: {
      HostNet: 'requestObject.spec.hostNetwork',
      Decision: 'audit.annotations[authorization.k8s.io/decision]',
      Unknown: 'no.such.thing',
    },
  });
  const r = sigmaFieldResolver(k8s, mappings);
  assert.equal(r('HostNet')!(falco('create_nginx_pod_hostnetwork.json')), true);
  assert.equal(r('Decision')!(falco('exec_pod.json')), 'allow');
  assert.equal(r('Unknown'), undefined);
});
