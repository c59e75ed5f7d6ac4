import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import type { AuditEvent, K8sAudit } from '../../src/model/event.js';
import { corpus } from '../corpus.js';
import { activityEvent, auditEvent, falco, panther, run, syntheticGke } from './events.js';

/**
 * Every SigmaHQ rule in the shared corpus loads without errors, fires on a true-positive event and
 * stays silent on a near miss. Events come from the corpus (Falco captures, Panther rule-test
 * payloads) where it has one; otherwise they are hand-built and marked `synthetic`.
 */

const rulesDir = corpus('sigmahq-rules/rules');
const dirs = {
  k8s: join(rulesDir, 'application/kubernetes/audit'),
  azure: join(rulesDir, 'cloud/azure/activity_logs'),
  gcp: join(rulesDir, 'cloud/gcp/audit'),
};

/** Synthetic audit Event (hand-built). */
const synth = (a: K8sAudit): AuditEvent =>
  auditEvent({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', ...a }, 'synthetic');
/** Synthetic Activity record (hand-built). */
const op = (operationName: string): AuditEvent =>
  activityEvent(
    { time: '2025-01-01T00:00:00Z', operationName, category: 'Administrative', resultType: 'Success' },
    'synthetic',
  );
/** A corpus event with one field changed to make a near miss (the change is the point of the test). */
const tweak = (ev: AuditEvent, f: (a: K8sAudit) => K8sAudit): AuditEvent => ({ ...ev, audit: f(ev.audit!) });

const cases: Record<string, { tp: () => AuditEvent; miss: () => AuditEvent }> = {
  // kubernetes/audit (16)
  'kubernetes_audit_change_admission_controller.yml': {
    tp: () => panther('aks-kube-audit.rule-tests.jsonl', 1),
    miss: () => panther('eks-audit.rule-tests.jsonl', 18), // update, but no apiGroup recorded
  },
  'kubernetes_audit_cronjob_modification.yml': {
    tp: () =>
      synth({
        verb: 'create',
        objectRef: {
          resource: 'cronjobs',
          apiGroup: 'batch',
          apiVersion: 'v1',
          namespace: 'default',
          name: 'x',
        },
      }),
    miss: () => panther('eks-audit.rule-tests.jsonl', 39), // get on cronjobs
  },
  'kubernetes_audit_deployment_deleted.yml': {
    tp: () => falco('delete_deployment.json'),
    miss: () => falco('create_deployment.json'),
  },
  'kubernetes_audit_events_deleted.yml': {
    tp: () => synth({ verb: 'delete', objectRef: { resource: 'events', namespace: 'default', name: 'e1' } }),
    miss: () => synth({ verb: 'list', objectRef: { resource: 'events', namespace: 'default' } }),
  },
  'kubernetes_audit_exec_into_container.yml': {
    tp: () => falco('exec_pod.json'),
    miss: () => falco('attach_pod.json'),
  },
  'kubernetes_audit_hostpath_mount.yml': {
    tp: () => falco('create_nginx_pod_sensitive_mount.json'),
    miss: () => falco('create_nginx_pod_unprivileged.json'),
  },
  'kubernetes_audit_pod_in_system_namespace.yml': {
    tp: () => falco('create_pod_kube_system_namespace.json'),
    miss: () => falco('create_pod_kube_public_namespace.json'),
  },
  // The rule compares responseStatus.code with 'ALLOW' (a value the API server never writes there),
  // so only a synthetic event that carries it literally can fire it.
  'kubernetes_audit_potential_enumeration_activity.yml': {
    tp: () =>
      synth({
        verb: 'get',
        userAgent: 'trufflehog/3.0',
        responseStatus: { code: 'ALLOW' as unknown as number },
      }),
    miss: () =>
      synth({
        verb: 'get',
        userAgent: 'kubectl/v1.28',
        requestURI: '/api/v1/pods',
        responseStatus: { code: 'ALLOW' as unknown as number },
      }),
  },
  'kubernetes_audit_privileged_pod_creation.yml': {
    tp: () => panther('eks-audit.rule-tests.jsonl', 73), // SYS_ADMIN capability
    miss: () => panther('eks-audit.rule-tests.jsonl', 75), // pod without capabilities
  },
  'kubernetes_audit_rbac_permisions_listing.yml': {
    tp: () =>
      synth({
        verb: 'create',
        objectRef: {
          resource: 'selfsubjectrulesreviews',
          apiGroup: 'authorization.k8s.io',
          apiVersion: 'v1',
        },
      }),
    miss: () =>
      synth({
        verb: 'create',
        objectRef: {
          resource: 'selfsubjectaccessreviews',
          apiGroup: 'authorization.k8s.io',
          apiVersion: 'v1',
        },
      }),
  },
  'kubernetes_audit_rolebinding_modification.yml': {
    tp: () => falco('create_clusterrolebinding.json'),
    miss: () => falco('create_clusterrole.json'),
  },
  'kubernetes_audit_secrets_enumeration.yml': {
    tp: () => panther('eks-audit.rule-tests.jsonl', 132),
    miss: () => panther('eks-audit.rule-tests.jsonl', 131), // get, not list
  },
  'kubernetes_audit_secrets_modified_or_deleted.yml': {
    tp: () => falco('create_secret.json'),
    miss: () => falco('create_configmap.json'),
  },
  'kubernetes_audit_serviceaccount_creation.yml': {
    tp: () => falco('create_serviceaccount.json'),
    miss: () => falco('delete_serviceaccount.json'),
  },
  'kubernetes_audit_sidecar_injection.yml': {
    tp: () =>
      synth({
        verb: 'patch',
        objectRef: {
          resource: 'deployments',
          apiGroup: 'apps',
          apiVersion: 'v1',
          namespace: 'default',
          name: 'web',
        },
      }),
    miss: () => tweak(falco('delete_deployment.json'), (a) => ({ ...a, verb: 'patch' })), // apiGroup 'extensions'
  },
  'kubernetes_audit_unauthorized_unauthenticated_actions.yml': {
    tp: () => panther('eks-audit.rule-tests.jsonl', 4), // 403
    miss: () => panther('eks-audit.rule-tests.jsonl', 132), // 200
  },
  // azure/activitylogs (10)
  'azure_kubernetes_admission_controller.yml': {
    tp: () =>
      op(
        'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/ADMISSIONREGISTRATION.K8S.IO/MUTATINGWEBHOOKCONFIGURATIONS/WRITE',
      ),
    miss: () =>
      op(
        'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/ADMISSIONREGISTRATION.K8S.IO/MUTATINGWEBHOOKCONFIGURATIONS/READ',
      ),
  },
  'azure_kubernetes_cluster_created_or_deleted.yml': {
    tp: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/WRITE'),
    miss: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/READ'),
  },
  'azure_kubernetes_cronjob.yml': {
    tp: () => op('MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/BATCH/CRONJOBS/WRITE'),
    miss: () => op('MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/BATCH/CRONJOBS/DELETE'),
  },
  'azure_kubernetes_events_deleted.yml': {
    tp: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/DELETE'),
    miss: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/READ'),
  },
  'azure_kubernetes_network_policy_change.yml': {
    tp: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/NETWORKING.K8S.IO/NETWORKPOLICIES/WRITE'),
    miss: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/NETWORKING.K8S.IO/NETWORKPOLICIES/READ'),
  },
  'azure_kubernetes_pods_deleted.yml': {
    tp: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE'),
    miss: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/WRITE'),
  },
  'azure_kubernetes_role_access.yml': {
    tp: () =>
      op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/RBAC.AUTHORIZATION.K8S.IO/CLUSTERROLES/ESCALATE/ACTION'),
    miss: () =>
      panther(
        'azure-monitor-activity.rule-tests.jsonl',
        pantherLine('ROLES/WRITE', 'MICROSOFT.CONTAINERSERVICE'),
      ),
  },
  'azure_kubernetes_rolebinding_modified_or_deleted.yml': {
    tp: () =>
      panther(
        'azure-monitor-activity.rule-tests.jsonl',
        pantherLine('CONNECTEDCLUSTERS/RBAC.AUTHORIZATION.K8S.IO/ROLEBINDINGS/WRITE'),
      ),
    miss: () =>
      panther(
        'azure-monitor-activity.rule-tests.jsonl',
        pantherLine('MANAGEDCLUSTERS/RBAC.AUTHORIZATION.K8S.IO/ROLEBINDINGS/WRITE'),
      ),
  },
  'azure_kubernetes_secret_or_config_object_access.yml': {
    tp: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/SECRETS/WRITE'),
    miss: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/SECRETS/READ'),
  },
  'azure_kubernetes_service_account_modified_or_deleted.yml': {
    tp: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/SERVICEACCOUNTS/IMPERSONATE/ACTION'),
    miss: () => op('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/SERVICEACCOUNTS/READ'),
  },
  // gcp/gcp.audit (4). The method names these rules expect differ from what GKE writes
  // (`io.k8s.batch.v1.cronjobs.create`), so true positives are synthetic LogEntries carrying them.
  'gcp_kubernetes_admission_controller.yml': {
    tp: () => syntheticGke('admissionregistration.k8s.io.v1.mutatingwebhookconfigurations.create'),
    miss: () =>
      panther(
        'gke-k8s-io.rule-tests.jsonl',
        pantherLine('mutatingwebhookconfigurations.create', undefined, 'gke-k8s-io.rule-tests.jsonl'),
      ),
  },
  'gcp_kubernetes_cronjob.yml': {
    tp: () => syntheticGke('io.k8s.api.batch.v1.CronJob'),
    miss: () =>
      panther(
        'gke-k8s-io.rule-tests.jsonl',
        pantherLine('cronjobs.create', undefined, 'gke-k8s-io.rule-tests.jsonl'),
      ),
  },
  'gcp_kubernetes_rolebinding.yml': {
    tp: () => syntheticGke('io.k8s.authorization.rbac.v1.rolebindings.create'),
    miss: () =>
      panther(
        'gke-k8s-io.rule-tests.jsonl',
        pantherLine('clusterrolebindings.create', undefined, 'gke-k8s-io.rule-tests.jsonl'),
      ),
  },
  'gcp_kubernetes_secrets_modified_or_deleted.yml': {
    tp: () => syntheticGke('io.k8s.core.v1.secrets.delete'),
    miss: () =>
      panther(
        'gke-k8s-io.rule-tests.jsonl',
        pantherLine('io.k8s.core.v1.secrets.list', undefined, 'gke-k8s-io.rule-tests.jsonl'),
      ),
  },
};

/** 1-based line of the first Panther row whose text contains `needle` (and `also`). */
function pantherLine(
  needle: string,
  also?: string,
  file = 'azure-monitor-activity.rule-tests.jsonl',
): number {
  const lines = readFileSync(corpus(`panther-analysis/${file}`), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle) && (also === undefined || l.includes(also)));
  if (i < 0) throw new Error(`no Panther row with ${needle}`);
  return i + 1;
}

const files = Object.entries(dirs).flatMap(([k, d]) =>
  readdirSync(d)
    .filter((n) => n.endsWith('.yml'))
    .map((n) => ({ group: k, name: n, path: join(d, n) })),
);

test('the corpus has 16 kubernetes, 10 azure and 4 gcp Sigma rules, each with a test case', () => {
  const count = (g: string) => files.filter((f) => f.group === g).length;
  assert.deepEqual([count('k8s'), count('azure'), count('gcp')], [16, 10, 4]);
  assert.deepEqual(files.map((f) => f.name).sort(), Object.keys(cases).sort());
});

for (const f of files) {
  test(`SigmaHQ ${f.group}/${f.name}: loads, fires on a true positive, silent on a near miss`, () => {
    const loader = createSigmaLoader();
    const r = loader.load(f.path, readFileSync(f.path, 'utf8'));
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    assert.equal(r.detections.length, 1);
    const c = cases[f.name]!;
    const tp = c.tp();
    const miss = c.miss();
    const hit = run(r.detections, [tp]);
    assert.equal(hit.alerts.length, 1, 'true positive must alert');
    assert.equal(hit.alerts[0]!.events[0], tp);
    assert.equal(run(r.detections, [miss]).alerts.length, 0, 'near miss must stay silent');
  });
}
