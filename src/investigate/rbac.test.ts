import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpus, repoRoot } from '../../test/corpus.js';
import { readEvents, readText } from '../ingest/ingest.js';
import { rbacOf } from './rbac.js';

const falco = corpus('falcosecurity-falco-k8s_audit');
const samples = join(repoRoot, 'samples', 'aks-attack');

test('falco traces: minikube holds cluster-admin through some-reader-binding, with the file:line evidence', async () => {
  const r = rbacOf(await readEvents([falco]));
  assert.match(r.disclaimer, /not a query of a live cluster/);
  const admin = r.findings.find((f) => f.kind === 'cluster-admin' && f.subject === 'minikube');
  assert.ok(admin, 'cluster-admin holder found');
  assert.match(admin.via, /ClusterRoleBinding some-reader-binding -> ClusterRole cluster-admin/);
  assert.ok(admin.evidence.some((e) => e.endsWith('attach_cluster_admin_role.json:1')));
  // The wildcard versions of ClusterRole some-reader were replaced later but are still reported.
  const wild = r.findings.find((f) => f.kind === 'wildcard-role' && f.subject === 'ClusterRole some-reader');
  assert.ok(wild);
  assert.ok(wild.evidence.some((e) => e.endsWith('create_cluster_role_wildcard_verbs.json:1')));
  // minikube-user acts with system:masters.
  assert.ok(
    r.findings.some(
      (f) => f.kind === 'masters-group' && f.subject === 'minikube-user' && f.severity === 'high',
    ),
  );
  assert.ok(r.fixes.length > 0);
});

test('samples (synthetic): the backup service account bound to cluster-admin is critical; eve deleted events', async () => {
  const r = rbacOf(await readEvents([samples]));
  const sa = r.findings.filter((f) => f.subject === 'system:serviceaccount:default:backup');
  assert.ok(sa.some((f) => f.kind === 'cluster-admin' && f.severity === 'critical'));
  assert.ok(sa.some((f) => f.kind === 'sa-cluster-role'));
  assert.ok(sa.some((f) => f.kind === 'delete-events'));
  const eve = r.findings.find(
    (f) => f.kind === 'delete-events' && f.subject === 'eve@contoso.onmicrosoft.com',
  );
  assert.ok(eve && eve.evidence.length > 0);
  const aks = r.findings.find((f) => f.subject === 'aksService');
  assert.equal(aks?.severity, 'informational', 'managed platform identity is not a finding to fix');
  assert.equal(r.findings[0]?.severity, 'critical', 'most severe first');
});

test('a binding to system:anonymous and a role that can delete events (synthetic)', () => {
  const write = (obj: Record<string, unknown>, resource: string, name: string, t: string, ns?: string) =>
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID: `a-${name}`,
      stage: 'ResponseComplete',
      verb: 'create',
      user: { username: 'mallory' },
      objectRef: { resource, name, ...(ns ? { namespace: ns } : {}), apiGroup: 'rbac.authorization.k8s.io' },
      responseStatus: { code: 201 },
      requestObject: obj,
      requestReceivedTimestamp: t,
      stageTimestamp: t,
    });
  const text = [
    write(
      {
        metadata: { name: 'event-janitor' },
        rules: [{ apiGroups: [''], resources: ['events'], verbs: ['delete', 'list'] }],
      },
      'clusterroles',
      'event-janitor',
      '2026-01-01T00:00:00Z',
    ),
    write(
      {
        metadata: { name: 'janitor', namespace: 'ops' },
        roleRef: { kind: 'ClusterRole', name: 'event-janitor' },
        subjects: [{ kind: 'ServiceAccount', name: 'cleaner', namespace: 'ops' }],
      },
      'rolebindings',
      'janitor',
      '2026-01-01T00:01:00Z',
      'ops',
    ),
    write(
      {
        metadata: { name: 'open' },
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'system:anonymous' }],
      },
      'clusterrolebindings',
      'open',
      '2026-01-01T00:02:00Z',
    ),
  ].join('\n');
  const r = rbacOf(readText(text, 'synthetic-rbac.log').events);
  const anon = r.findings.find((f) => f.kind === 'anonymous-binding');
  assert.equal(anon?.subject, 'system:anonymous');
  assert.equal(anon?.severity, 'critical');
  assert.deepEqual(anon?.evidence, ['synthetic-rbac.log:3']);
  const del = r.findings.find(
    (f) => f.kind === 'delete-events' && f.subject === 'system:serviceaccount:ops:cleaner',
  );
  assert.ok(del);
  assert.match(del.finding, /in ops/);
  assert.deepEqual(del.evidence, ['synthetic-rbac.log:2', 'synthetic-rbac.log:1']);
  assert.equal(r.rolesSeen, 1);
  assert.equal(r.bindingsSeen, 2);
});
