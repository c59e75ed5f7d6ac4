// Each corpus query and new_terms rule fires on a true positive and stays silent on a near-miss.
// All events here are synthetic (hand-built partial audit Events / Activity records, completed
// with defaults and read through the real ingest and ECS view).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { loadRules } from '../../src/detect/load-rules.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus } from '../corpus.js';
import { activity, allow, audit, forbid, loadCorpusRule, ms, run } from './synthetic.js';

const T = '2026-11-20T09:00:00.000000Z';

function load(rel: string): Detection {
  const r = loadCorpusRule(rel);
  assert.deepEqual(r.diagnostics, [], rel);
  assert.equal(r.detections.length, 1, rel);
  return r.detections[0]!;
}

type Ev = Record<string, unknown>;
const pod = (spec: Ev, ns = 'default'): Ev => ({
  verb: 'create',
  objectRef: { resource: 'pods', namespace: ns, name: 'p1' },
  requestObject: { kind: 'Pod', spec },
});
const nginx = (extra: Ev = {}): Ev => ({ name: 'c', image: 'nginx:1.27', ...extra });

/** [rule file, true positive, near-miss]; activity records are marked with `activity: true`. */
const queryCases: [string, Ev, Ev][] = [
  [
    'azure/defense_evasion_kubernetes_events_deleted.toml',
    { activity: true, operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/DELETE' },
    {
      activity: true,
      operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/DELETE',
      resultType: 'Failure',
    },
  ],
  [
    'azure/impact_kubernetes_pod_deleted.toml',
    { activity: true, operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE' },
    { activity: true, operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/WRITE' },
  ],
  [
    'azure/privilege_escalation_kubernetes_aks_rolebinding_created.toml',
    {
      activity: true,
      operationName:
        'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/RBAC.AUTHORIZATION.K8S.IO/CLUSTERROLEBINDINGS/WRITE',
    },
    {
      activity: true,
      operationName:
        'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/RBAC.AUTHORIZATION.K8S.IO/CLUSTERROLEBINDINGS/WRITE',
      resultType: 'Failure',
    },
  ],
  [
    'kubernetes/credential_access_kubernetes_secret_access_scripting_http_clients.toml',
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'prod', name: 'db' },
      userAgent: 'curl/8.5.0',
    },
    { verb: 'get', objectRef: { resource: 'secrets', namespace: 'prod', name: 'db' } },
  ],
  [
    'kubernetes/credential_access_kubernetes_secret_read_by_node_or_pod_service_account.toml',
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'prod', name: 'db' },
      user: {
        username: 'system:serviceaccount:prod:app',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:prod'],
      },
    },
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'kyverno', name: 'db' },
      user: {
        username: 'system:serviceaccount:kyverno:kyverno',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kyverno'],
      },
    },
  ],
  [
    'kubernetes/credential_access_kubernetes_secrets_list_cluster_and_sensitive_namespaces.toml',
    { verb: 'list', objectRef: { resource: 'secrets' }, user: { username: 'alice' } },
    { verb: 'list', objectRef: { resource: 'secrets', namespace: 'team-a' }, user: { username: 'alice' } },
  ],
  [
    'kubernetes/credential_access_kubernetes_service_account_token_created_via_tokenrequest.toml',
    {
      verb: 'create',
      objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'prod', name: 'app' },
      user: { username: 'alice' },
    },
    {
      verb: 'create',
      objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'prod', name: 'app' },
      user: { username: 'system:kube-controller-manager' },
    },
  ],
  [
    'kubernetes/impact_kubernetes_coredns_or_kube_dns_configuration_modified.toml',
    {
      verb: 'update',
      objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'coredns' },
      user: { username: 'alice' },
    },
    {
      verb: 'update',
      objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'coredns' },
      user: { username: 'system:node:node-1' },
    },
  ],
  [
    'kubernetes/persistence_cluster_admin_rolebinding_created.toml',
    {
      verb: 'create',
      objectRef: { resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'pwn' },
      requestObject: { roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } },
    },
    {
      verb: 'create',
      objectRef: { resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'pwn' },
      requestObject: { roleRef: { kind: 'ClusterRole', name: 'view' } },
    },
  ],
  [
    'kubernetes/persistence_exposed_service_created_with_type_nodeport.toml',
    {
      verb: 'create',
      objectRef: { resource: 'services', namespace: 'default', name: 's' },
      requestObject: { spec: { type: 'NodePort' } },
    },
    {
      verb: 'create',
      objectRef: { resource: 'services', namespace: 'default', name: 's' },
      requestObject: { spec: { type: 'ClusterIP' } },
    },
  ],
  [
    'kubernetes/persistence_kubernetes_admission_webhook_created_or_modified.toml',
    {
      verb: 'create',
      objectRef: { resource: 'mutatingwebhookconfigurations', name: 'evil-hook' },
      user: { username: 'alice' },
    },
    {
      verb: 'create',
      objectRef: { resource: 'mutatingwebhookconfigurations', name: 'pod-identity-webhook' },
      user: { username: 'alice' },
    },
  ],
  [
    'kubernetes/persistence_kubernetes_client_certificate_signing_request_created_or_approved.toml',
    {
      verb: 'create',
      objectRef: { resource: 'certificatesigningrequests', name: 'csr-1' },
      user: { username: 'alice' },
    },
    {
      verb: 'create',
      objectRef: { resource: 'certificatesigningrequests', name: 'csr-1' },
      user: { username: 'system:kube-controller-manager' },
    },
  ],
  [
    'kubernetes/persistence_kubernetes_eks_aws_auth_configmap_modified.toml',
    {
      verb: 'patch',
      objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth' },
      user: { username: 'alice' },
    },
    {
      verb: 'patch',
      objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth' },
      user: { username: 'eks:kms-storage-migrator' },
    },
  ],
  [
    'kubernetes/persistence_service_account_bound_to_clusterrole.toml',
    {
      verb: 'create',
      objectRef: { resource: 'clusterrolebindings', name: 'b' },
      requestObject: { spec: { serviceAccountName: 'attacker' } },
    },
    {
      verb: 'create',
      objectRef: { resource: 'clusterrolebindings', name: 'b' },
      requestObject: { subjects: [{ kind: 'User', name: 'bob' }] },
    },
  ],
  [
    'kubernetes/privilege_escalation_api_proxy_to_node.toml',
    {
      verb: 'get',
      objectRef: { resource: 'nodes', subresource: 'proxy', name: 'node-1' },
      user: { username: 'alice' },
    },
    {
      verb: 'get',
      objectRef: { resource: 'nodes', subresource: 'proxy', name: 'node-1' },
      requestURI: '/api/v1/nodes/node-1/proxy/metrics',
      user: { username: 'alice' },
    },
  ],
  [
    'kubernetes/privilege_escalation_container_created_with_excessive_linux_capabilities.toml',
    pod({ containers: [nginx({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })] }),
    pod(
      { containers: [nginx({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })] },
      'kube-system',
    ),
  ],
  [
    'kubernetes/privilege_escalation_kubernetes_api_request_impersonating_privileged_identity.toml',
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'prod' },
      user: { username: 'alice' },
      impersonatedUser: { username: 'system:admin' },
    },
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'prod' },
      user: { username: 'aksService' },
      impersonatedUser: { username: 'system:admin' },
    },
  ],
  [
    'kubernetes/privilege_escalation_kubernetes_ephemeral_container_added_to_pod.toml',
    {
      verb: 'patch',
      objectRef: { resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'prod', name: 'p1' },
      user: { username: 'alice' },
    },
    {
      verb: 'get',
      objectRef: { resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'prod', name: 'p1' },
      user: { username: 'alice' },
    },
  ],
  [
    'kubernetes/privilege_escalation_pod_created_with_hostipc.toml',
    pod({ hostIPC: true, containers: [nginx()] }),
    pod({
      hostIPC: true,
      containers: [{ name: 'a', image: 'docker.elastic.co/beats/elastic-agent:8.15.0' }],
    }),
  ],
  [
    'kubernetes/privilege_escalation_pod_created_with_hostnetwork.toml',
    pod({ hostNetwork: true, containers: [nginx()] }),
    pod({ hostNetwork: true, containers: [nginx()] }, 'kube-system'),
  ],
  [
    'kubernetes/privilege_escalation_pod_created_with_hostpid.toml',
    pod({ hostPID: true, containers: [nginx()] }),
    pod({ hostPID: false, containers: [nginx()] }),
  ],
  [
    'kubernetes/privilege_escalation_pod_created_with_sensitive_hostpath_volume.toml',
    pod({ volumes: [{ name: 'v', hostPath: { path: '/etc/kubernetes' } }], containers: [nginx()] }),
    pod({ volumes: [{ name: 'v', hostPath: { path: '/data' } }], containers: [nginx()] }),
  ],
  [
    'kubernetes/privilege_escalation_privileged_pod_created.toml',
    pod({ containers: [nginx({ securityContext: { privileged: true } })] }),
    pod({ containers: [nginx({ securityContext: { privileged: false } })] }),
  ],
  [
    'kubernetes/privilege_escalation_service_account_rbac_write_operation.toml',
    {
      verb: 'create',
      objectRef: { resource: 'roles', namespace: 'prod', name: 'r' },
      user: { username: 'system:serviceaccount:prod:app' },
    },
    {
      verb: 'create',
      objectRef: { resource: 'roles', namespace: 'prod', name: 'r' },
      user: { username: 'system:serviceaccount:kube-system:generic-garbage-collector' },
    },
  ],
  [
    'kubernetes/privilege_escalation_suspicious_assignment_of_controller_service_account.toml',
    pod({ serviceAccountName: 'replicaset-controller', containers: [nginx()] }, 'kube-system'),
    pod({ serviceAccountName: 'default', containers: [nginx()] }, 'kube-system'),
  ],
];

function make(e: Ev, time = T): AuditEvent {
  const { activity: isActivity, ...rest } = e;
  if (isActivity) return activity(rest, time);
  return audit({ annotations: allow, ...rest }, time);
}

test('every corpus rule loads: 25 query, 7 new_terms, 5 eql and 11 esql', async () => {
  const r = await loadRules([corpus('elastic-detection-rules/rules')]);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.skipped, []);
  assert.equal(r.detections.length, 48);
  const types = new Map<string, number>();
  for (const d of r.detections) {
    const t = readFileSync(d.meta.file!, 'utf8').match(/^type = "(\w+)"/m)?.[1] ?? '?';
    types.set(t, (types.get(t) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(types), { query: 25, new_terms: 7, eql: 5, esql: 11 });
  assert.equal(queryCases.length, 25);
  assert.equal(newTermsCases.length, 7);
});

for (const [rel, tp, miss] of queryCases) {
  test(`query rule ${rel}: fires on a true positive, silent on a near-miss`, () => {
    const det = load(rel);
    const hit = make(tp);
    const near = make(miss);
    const now = ms(1);
    const a = run(det, [hit], now).alerts;
    assert.equal(a.length, 1);
    assert.equal(a[0]!.events[0], hit);
    assert.equal(a[0]!.details?.['kibana.alert.rule.name'], det.meta.name);
    assert.equal(run(det, [near], now).alerts.length, 0);
  });
}

/** [rule file, event]: the event's terms are new unless the same terms were seen within history. */
const newTermsCases: [string, Ev, Ev][] = [
  [
    'kubernetes/credential_access_get_secrets_access.toml',
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'prod', name: 'db' },
      user: { username: 'mallory' },
    },
    {
      verb: 'get',
      objectRef: { resource: 'configmaps', namespace: 'prod', name: 'db' },
      user: { username: 'mallory' },
    },
  ],
  [
    'kubernetes/discovery_denied_service_account_request.toml',
    {
      verb: 'list',
      objectRef: { resource: 'secrets' },
      user: { username: 'system:serviceaccount:prod:app' },
      annotations: forbid,
      userAgent: 'evil-enum/0.1',
    },
    {
      verb: 'list',
      objectRef: { resource: 'secrets' },
      user: { username: 'system:serviceaccount:prod:app' },
      annotations: forbid,
      userAgent: 'Prometheus/2.51',
    },
  ],
  [
    'kubernetes/discovery_suspicious_self_subject_review.toml',
    {
      verb: 'create',
      objectRef: { resource: 'selfsubjectrulesreviews', apiGroup: 'authorization.k8s.io' },
      user: { username: 'system:serviceaccount:prod:app' },
    },
    {
      verb: 'create',
      objectRef: { resource: 'selfsubjectrulesreviews', apiGroup: 'authorization.k8s.io' },
      user: { username: 'alice' },
    },
  ],
  [
    'kubernetes/execution_forbidden_request_from_unsual_user_agent.toml',
    {
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'prod' },
      annotations: forbid,
      userAgent: 'evil-enum/0.1',
    },
    {
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'prod' },
      annotations: allow,
      userAgent: 'evil-enum/0.1',
    },
  ],
  [
    'kubernetes/execution_unusual_request_response_by_user_agent.toml',
    { verb: 'get', objectRef: { resource: 'secrets', namespace: 'prod' }, userAgent: 'evil-enum/0.1' },
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'prod' },
      stage: 'RequestReceived',
      userAgent: 'evil-enum/0.1',
    },
  ],
  [
    'kubernetes/initial_access_anonymous_request_authorized.toml',
    { verb: 'get', objectRef: { resource: 'secrets' }, user: { username: 'system:anonymous' } },
    { verb: 'get', requestURI: '/healthz', user: { username: 'system:anonymous' } },
  ],
  [
    'kubernetes/privilege_escalation_sensitive_workload_modification_by_user_agent.toml',
    {
      verb: 'create',
      objectRef: { resource: 'daemonsets', namespace: 'prod', name: 'd' },
      user: { username: 'alice', groups: ['system:authenticated'] },
    },
    {
      verb: 'create',
      objectRef: { resource: 'daemonsets', namespace: 'prod', name: 'd' },
      user: { username: 'alice', groups: ['system:masters'] },
    },
  ],
];

for (const [rel, tp, miss] of newTermsCases) {
  test(`new_terms rule ${rel}: new terms alert, terms seen in the history window do not, near-miss is silent`, () => {
    const det = load(rel);
    const now = ms(1);
    const hit = make(tp);
    const first = run(det, [hit], now).alerts;
    assert.equal(first.length, 1);
    assert.ok(Array.isArray(first[0]!.details?.['kibana.alert.new_terms']));
    // The same terms two days earlier (inside the 7-day history, outside the 6-minute window).
    const seen = make(tp, new Date(ms(-2 * 24 * 60)).toISOString());
    const again = run(det, [seen, make(tp)], now).alerts;
    assert.equal(again.length, 1);
    assert.equal(again[0]!.events[0]!.time.slice(0, 10), '2026-11-18');
    // Terms last seen 15 days earlier (outside every corpus history window: 7d, 10d) are new again.
    const old = make(tp, new Date(ms(-15 * 24 * 60)).toISOString());
    assert.equal(run(det, [old, make(tp)], now).alerts.length, 2);
    assert.equal(run(det, [make(miss)], now).alerts.length, 0);
  });
}
