import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEvent } from './describe-event.js';
import { extractEntities } from './entities.js';
import { auditEvent } from './test-fixtures.js';

// Synthetic events throughout.

test('pod create: user, IP, cluster, namespace, pod and every container image', () => {
  const ev = auditEvent({
    auditID: 'a1',
    verb: 'create',
    user: { username: 'eve@contoso.example' },
    sourceIPs: ['198.51.100.7', '10.0.0.1'],
    objectRef: { resource: 'pods', namespace: 'default' },
    requestObject: {
      metadata: { name: 'priv-shell' },
      spec: {
        containers: [{ image: 'alpine:3.20' }, { image: 'busybox:1.36' }],
        initContainers: [{ image: 'init:1' }],
      },
    },
  });
  const e = extractEntities([ev]);
  assert.deepEqual(e.users, ['eve@contoso.example']);
  assert.deepEqual(e.ips, ['198.51.100.7', '10.0.0.1']);
  assert.deepEqual(e.namespaces, ['default']);
  assert.deepEqual(
    e.pods,
    ['default/priv-shell'],
    'name comes from the body when objectRef has none (generateName)',
  );
  assert.deepEqual(e.images, ['alpine:3.20', 'busybox:1.36', 'init:1']);
  assert.equal(e.clusters?.[0], ev.cluster!.id!.toLowerCase());
});

test('workload template images, RBAC subjects, impersonation and the pod behind a SA token', () => {
  const deploy = auditEvent({
    auditID: 'a2',
    verb: 'patch',
    user: { username: 'dev@contoso.example' },
    objectRef: { resource: 'deployments', namespace: 'web', name: 'storefront' },
    requestObject: { spec: { template: { spec: { containers: [{ image: 'acr.example/storefront:2' }] } } } },
  });
  const binding = auditEvent({
    auditID: 'a3',
    verb: 'create',
    user: { username: 'dev@contoso.example' },
    impersonatedUser: { username: 'admin' },
    objectRef: { resource: 'clusterrolebindings', name: 'x' },
    requestObject: {
      subjects: [
        { kind: 'ServiceAccount', name: 'backup', namespace: 'default' },
        { kind: 'User', name: 'bob' },
      ],
    },
  });
  const token = auditEvent({
    auditID: 'a4',
    verb: 'list',
    user: {
      username: 'system:serviceaccount:web:api',
      extra: { 'authentication.kubernetes.io/pod-name': ['api-7f'] },
    },
    objectRef: { resource: 'secrets', namespace: 'web' },
  });
  const e = extractEntities([deploy, binding, token]);
  assert.deepEqual(e.workloads, ['Deployment/web/storefront']);
  assert.deepEqual(e.images, ['acr.example/storefront:2']);
  assert.deepEqual(e.subjects, ['system:serviceaccount:default:backup', 'bob']);
  assert.deepEqual(e.impersonated, ['admin']);
  assert.deepEqual(e.pods, ['web/api-7f']);
  assert.deepEqual(
    e.users,
    ['dev@contoso.example', 'system:serviceaccount:web:api'],
    'users are not repeated',
  );
});

test('Activity Log record: UPN claim, caller IP, cluster id in the same case as AKS records', () => {
  const arm =
    '/subscriptions/00000000-0000-4000-8000-00000000c0de/resourceGroups/RG-SYNTHETIC/providers/Microsoft.Kubernetes/connectedClusters/arc-1';
  const ev = auditEvent(
    {},
    {
      kind: 'activity',
      format: 'azure-activity',
      provider: 'arc',
      audit: undefined,
      cluster: undefined,
      activity: {
        operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE',
        resourceId: `${arm}/pods/default/priv-shell`,
        callerIpAddress: '198.51.100.7',
        identity: {
          claims: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'eve@contoso.example' },
        },
        resultType: 'Success',
      },
    },
  );
  const e = extractEntities([ev]);
  assert.deepEqual(e.users, ['eve@contoso.example']);
  assert.deepEqual(e.ips, ['198.51.100.7']);
  assert.deepEqual(e.clusters, [arm.toLowerCase()]);
  assert.deepEqual(e.pods, ['default/priv-shell']);
  assert.match(
    describeEvent(ev),
    /^eve@contoso\.example MICROSOFT\.KUBERNETES\/CONNECTEDCLUSTERS\/PODS\/DELETE/,
  );
});

test('describeEvent names the actor, verb, object and code', () => {
  const ev = auditEvent({
    verb: 'get',
    user: { username: 'eve' },
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p' },
    responseStatus: { code: 101 },
  });
  assert.equal(describeEvent(ev), 'eve get pods/exec default/p (101)');
});
