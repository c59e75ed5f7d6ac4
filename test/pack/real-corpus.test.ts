import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRules } from '../../src/detect/load-rules.js';
import { readAll } from '../../src/ingest/index.js';
import { corpus, repoRoot } from '../corpus.js';

// The pack on real minikube audit captures (falcosecurity/falco trace files, Apache-2.0, read in
// place from the shared corpus). Each file is one request; the table says which of our rules must
// fire on it and which must stay quiet.

const fires: Record<string, readonly string[]> = {
  'exec_pod.json': ['Kubernetes Exec or Attach Into a Container'],
  'attach_pod.json': ['Kubernetes Exec or Attach Into a Container'],
  'create_nginx_pod_privileged.json': ['Kubernetes Privileged Container Created'],
  'create_nginx_pod_privileged_2nd_container.json': ['Kubernetes Privileged Container Created'],
  'create_nginx_pod_hostnetwork.json': ['Kubernetes Workload Shares the Host Network, PID or IPC Namespace'],
  'create_nginx_pod_sensitive_mount.json': ['Kubernetes Workload Mounts a Sensitive Host Path'],
  'create_cluster_role_wildcard_verbs.json': ['Kubernetes Role Grants Wildcard or Escalation Permissions'],
  'create_cluster_role_wildcard_resources.json': [
    'Kubernetes Role Grants Wildcard or Escalation Permissions',
  ],
  'attach_cluster_admin_role.json': ['Kubernetes Binding to cluster-admin or Another Powerful Role'],
  'create_nginx_service_nodeport.json': ['Kubernetes Service Exposed With NodePort or LoadBalancer'],
  'anonymous_creates_namespace_foo.json': ['Kubernetes Anonymous Request Allowed Beyond Health Endpoints'],
  'delete_namespace_foo.json': ['Kubernetes Namespace or Persistent Volume Deleted by a User'],
};

const quiet: Record<string, readonly string[]> = {
  'create_nginx_pod_unprivileged.json': ['Kubernetes Privileged Container Created'],
  'create_nginx_pod_nohostnetwork.json': [
    'Kubernetes Workload Shares the Host Network, PID or IPC Namespace',
  ],
  'create_nginx_pod_unsensitive_mount.json': ['Kubernetes Workload Mounts a Sensitive Host Path'],
  'create_nginx_service_nonodeport.json': ['Kubernetes Service Exposed With NodePort or LoadBalancer'],
  'create_cluster_role_pod_exec.json': ['Kubernetes Role Grants Wildcard or Escalation Permissions'],
  'create_clusterrolebinding.json': ['Kubernetes Binding to cluster-admin or Another Powerful Role'],
  'minikube_creates_namespace_foo.json': ['Kubernetes Anonymous Request Allowed Beyond Health Endpoints'],
  'create_pod_kube_system_namespace.json': [
    'Kubernetes Workload Created in kube-system by a Non-System Identity',
  ],
  'create_deployment.json': [
    'Kubernetes Privileged Container Created',
    'Kubernetes Workload Mounts a Sensitive Host Path',
  ],
};

async function alertsOn(file: string, detections: Awaited<ReturnType<typeof loadRules>>['detections']) {
  const { events } = await readAll([corpus(`falcosecurity-falco-k8s_audit/${file}`)]);
  assert.ok(events.length > 0, `${file} was read`);
  const names = new Set<string>();
  const runners = detections.map((d) =>
    d.createRunner({ emit: (a) => names.add(a.rule.name), report: () => {} }),
  );
  for (const ev of events)
    detections.forEach((d, i) => {
      if (d.applies(ev)) runners[i]!.push(ev);
    });
  for (const r of runners) r.flush();
  return names;
}

test('pack rules fire on real captures of the behaviour and stay quiet on the look-alikes', async () => {
  const { detections } = await loadRules([join(repoRoot, 'rules')]);
  const problems: string[] = [];
  for (const [file, rules] of Object.entries(fires)) {
    const got = await alertsOn(file, detections);
    for (const r of rules)
      if (!got.has(r))
        problems.push(`${file}: '${r}' did not fire (got ${[...got].join(', ') || 'nothing'})`);
  }
  for (const [file, rules] of Object.entries(quiet)) {
    const got = await alertsOn(file, detections);
    for (const r of rules) if (got.has(r)) problems.push(`${file}: '${r}' fired`);
  }
  assert.deepEqual(problems, []);
});

test('a real AKS kube-audit blob of normal cluster activity raises no alert', async () => {
  // DataDog fixture: aksService leases, readinessChecker probes, hcpService scrapes, metrics-server reviews.
  const { detections } = await loadRules([join(repoRoot, 'rules')]);
  const { events } = await readAll([corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json')]);
  assert.ok(events.length >= 20);
  const fired: string[] = [];
  const runners = detections.map((d) =>
    d.createRunner({ emit: (a) => fired.push(a.rule.name), report: () => {} }),
  );
  for (const ev of events)
    detections.forEach((d, i) => {
      if (d.applies(ev)) runners[i]!.push(ev);
    });
  for (const r of runners) r.flush();
  assert.deepEqual(fired, []);
});
