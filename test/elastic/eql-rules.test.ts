// The corpus EQL rules on synthetic events (read through the real ingest and ECS view).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { allow, at, audit, forbid, loadCorpusRule, ms, run } from './synthetic.js';

type Ev = Record<string, unknown>;

function load(rel: string): Detection {
  const r = loadCorpusRule(`kubernetes/${rel}`);
  assert.deepEqual(r.diagnostics, []);
  return r.detections[0]!;
}

const single: [string, Ev, Ev][] = [
  [
    'defense_evasion_events_deleted.toml',
    { verb: 'delete', objectRef: { resource: 'events', namespace: 'default', name: 'e1' } },
    {
      verb: 'delete',
      objectRef: { resource: 'events', namespace: 'default', name: 'e1' },
      stage: 'ResponseStarted',
    },
  ],
  [
    'execution_anonymous_create_update_patch_pod_request.toml',
    {
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'default' },
      user: { username: 'system:anonymous' },
    },
    {
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'default' },
      user: { username: 'System:Anonymous' },
    },
  ],
  [
    'execution_forbidden_creation_request.toml',
    { verb: 'create', objectRef: { resource: 'pods', namespace: 'default' }, annotations: forbid },
    { verb: 'create', objectRef: { resource: 'pods', namespace: 'default' }, annotations: allow },
  ],
  [
    'execution_user_exec_to_pod.toml',
    {
      verb: 'create',
      level: 'Request',
      objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web-1' },
    },
    {
      verb: 'create',
      level: 'Request',
      objectRef: {
        resource: 'pods',
        subresource: 'exec',
        namespace: 'trident',
        name: 'trident-controller-7',
      },
    },
  ],
];

for (const [rel, tp, miss] of single) {
  test(`eql rule ${rel}: fires on a true positive, silent on a near-miss`, () => {
    const det = load(rel);
    const hit = audit({ annotations: allow, ...tp });
    assert.equal(run(det, [hit], ms(1)).alerts.length, 1);
    assert.equal(run(det, [audit({ annotations: allow, ...miss })], ms(1)).alerts.length, 0);
  });
}

test('anonymous pod request rule: a missing user name matches `== null`', () => {
  const det = load('execution_anonymous_create_update_patch_pod_request.toml');
  const ev = audit({
    verb: 'patch',
    annotations: allow,
    objectRef: { resource: 'pods', namespace: 'd', name: 'p' },
    user: null,
  });
  assert.equal(run(det, [ev], ms(1)).alerts.length, 1);
});

const rbac = (user: string, time: string, extra: Ev = {}): Ev => ({
  verb: 'create',
  annotations: allow,
  objectRef: { resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io', name: 'r' },
  user: { username: user, groups: ['system:authenticated'] },
  stageTimestamp: time,
  ...extra,
});
const deploy = (user: string, time: string, groups = ['system:authenticated']): Ev => ({
  verb: 'patch',
  annotations: allow,
  objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'prod', name: 'web' },
  user: { username: user, groups },
  stageTimestamp: time,
});

test('sequence rule: RBAC change then workload change by the same user within 5m alerts once with both events', () => {
  const det = load('privilege_escalation_sensitive_rbac_change_followed_by_workload_modification.toml');
  const a = audit(rbac('mallory', at(0)), at(0));
  const b = audit(deploy('mallory', at(3)), at(3));
  const { alerts } = run(det, [a, b]);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.events, [a, b]);
  assert.ok(alerts[0]!.details?.['kibana.alert.group.id']);
});

test('sequence rule: other user, wrong order, too late, or system:masters do not alert', () => {
  const det = load('privilege_escalation_sensitive_rbac_change_followed_by_workload_modification.toml');
  const rb = (u: string, m: number) => audit(rbac(u, at(m)), at(m));
  const dp = (u: string, m: number, g?: string[]) => audit(deploy(u, at(m), g), at(m));
  assert.equal(run(det, [rb('mallory', 0), dp('alice', 1)]).alerts.length, 0, 'other user');
  assert.equal(run(det, [dp('mallory', 0), rb('mallory', 1)]).alerts.length, 0, 'wrong order');
  assert.equal(run(det, [rb('mallory', 0), dp('mallory', 6)]).alerts.length, 0, 'beyond maxspan');
  assert.equal(
    run(det, [rb('mallory', 0), dp('mallory', 1, ['system:masters'])]).alerts.length,
    0,
    'masters',
  );
  // Input order does not matter: events are replayed in time order.
  assert.equal(run(det, [dp('mallory', 2), rb('mallory', 0)]).alerts.length, 1, 'out of order input');
});
