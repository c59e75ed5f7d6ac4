// The corpus Elastic rules over real audit Events (Falco's minikube traces, Apache-2.0): the rule
// each attack trace should fire, and the benign twins that must stay silent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { loadRules } from '../../src/detect/load-rules.js';
import { readEvents } from '../../src/ingest/index.js';
import { corpus } from '../corpus.js';

let rules: Detection[] | undefined;
async function corpusRules(): Promise<Detection[]> {
  rules ??= (await loadRules([corpus('elastic-detection-rules/rules')])).detections;
  return rules;
}

async function fired(trace: string): Promise<string[]> {
  const events = await readEvents([corpus(`falcosecurity-falco-k8s_audit/${trace}`)]);
  assert.ok(events.length > 0, trace);
  const names = new Set<string>();
  for (const d of await corpusRules()) {
    const r = d.createRunner({ emit: (a) => names.add(a.rule.name), report: () => {} });
    for (const ev of events) if (d.applies(ev)) r.push(ev);
    r.flush();
  }
  return [...names].sort();
}

const expected: [string, string[]][] = [
  ['attach_cluster_admin_role.json', ['Kubernetes Cluster-Admin Role Binding Created']],
  ['create_cluster_role_wildcard_verbs.json', ['Kubernetes Creation or Modification of Sensitive Role']],
  ['create_cluster_role_wildcard_resources.json', ['Kubernetes Creation or Modification of Sensitive Role']],
  ['create_nginx_pod_hostnetwork.json', ['Kubernetes Pod Created With HostNetwork']],
  ['create_nginx_pod_privileged.json', ['Kubernetes Privileged Pod Created']],
  ['create_nginx_pod_privileged_2nd_container.json', ['Kubernetes Privileged Pod Created']],
  ['create_nginx_pod_sensitive_mount.json', ['Kubernetes Pod Created with a Sensitive hostPath Volume']],
  ['create_nginx_service_nodeport.json', ['Kubernetes Exposed Service Created With Type NodePort']],
  ['exec_pod.json', ['Kubernetes User Exec into Pod']],
  // Benign twins.
  ['create_nginx_pod_unprivileged.json', []],
  ['create_nginx_pod_nohostnetwork.json', []],
  ['create_nginx_pod_unsensitive_mount.json', []],
  ['create_nginx_service_nonodeport.json', []],
  ['create_clusterrole.json', []],
];

for (const [trace, names] of expected) {
  test(`real trace ${trace} fires ${names.length ? names.join(', ') : 'nothing'}`, async () => {
    assert.deepEqual(await fired(trace), names);
  });
}
