import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Alert } from '../../src/alerts/alert.js';
import { createSigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import { readEvents } from '../../src/ingest/ingest.js';
import { corpus } from '../corpus.js';
import { run } from './events.js';

/**
 * The SigmaHQ rules over the real corpus samples as the ingest library reads them (raw Events,
 * AKS diagnostic records, GKE LogEntries, Activity Log records): which rules fire on which sample.
 */
function loadSigmaHQ() {
  const loader = createSigmaLoader();
  return ['application/kubernetes/audit', 'cloud/azure/activity_logs', 'cloud/gcp/audit'].flatMap((d) => {
    const dir = corpus(join('sigmahq-rules/rules', d));
    return readdirSync(dir).flatMap(
      (n) => loader.load(join(dir, n), readFileSync(join(dir, n), 'utf8')).detections,
    );
  });
}

const byFile = (alerts: Alert[]) => {
  const m = new Map<string, Set<string>>();
  for (const a of alerts)
    for (const e of a.events) {
      const f = e.source.file.split('/').pop()!;
      const s = m.get(f) ?? new Set<string>();
      s.add(a.rule.name);
      m.set(f, s);
    }
  return m;
};

test('SigmaHQ rules over ingested Falco captures fire where the capture shows the behaviour', async () => {
  const events = await readEvents([corpus('falcosecurity-falco-k8s_audit')]);
  assert.ok(events.length > 40);
  const hits = byFile(run(loadSigmaHQ(), events).alerts);
  const expect: [string, string][] = [
    ['exec_pod.json', 'Potential Remote Command Execution In Pod Container'],
    ['create_pod_kube_system_namespace.json', 'Creation Of Pod In System Namespace'],
    ['create_nginx_pod_sensitive_mount.json', 'Container With A hostPath Mount Created'],
    ['delete_deployment.json', 'Deployment Deleted From Kubernetes Cluster'],
    ['create_secret.json', 'Kubernetes Secrets Modified or Deleted'],
    ['delete_secret.json', 'Kubernetes Secrets Modified or Deleted'],
    ['create_serviceaccount.json', 'New Kubernetes Service Account Created'],
    ['create_clusterrolebinding.json', 'Kubernetes Rolebinding Modification'],
    ['delete_clusterrolebinding.json', 'Kubernetes Rolebinding Modification'],
  ];
  for (const [file, rule] of expect) assert.ok(hits.get(file)?.has(rule), `${rule} on ${file}`);
  // Silent where the behaviour is absent.
  assert.equal(hits.get('create_configmap.json'), undefined);
  assert.equal(hits.get('create_nginx_pod_unprivileged.json'), undefined);
  assert.ok(!hits.get('attach_pod.json')?.has('Potential Remote Command Execution In Pod Container'));
});

test('SigmaHQ rules over every ingested corpus format never throw, and route by log source', async () => {
  const events = await readEvents([
    corpus('elastic-integrations'),
    corpus('datadog-azure-log-forwarding-orchestration'),
  ]);
  const kinds = new Set(events.map((e) => `${e.kind}/${e.provider}`));
  assert.ok(
    kinds.has('activity/azure') && kinds.has('audit/aks') && kinds.has('audit/gke'),
    [...kinds].join(' '),
  );
  const { alerts, reports } = run(loadSigmaHQ(), events);
  assert.deepEqual(reports, []);
  // The GKE sample with a 403 response is the one unauthorized request in these files.
  assert.deepEqual(
    alerts.map((a) => `${a.rule.name} <- ${a.events[0]!.provider}`),
    ['Kubernetes Unauthorized or Unauthenticated Access <- gke'],
  );
  for (const a of alerts) {
    const azureRule = a.rule.file?.includes('/azure/') ?? false;
    assert.equal(a.events[0]!.kind === 'activity', azureRule, `${a.rule.name} on ${a.events[0]!.kind}`);
  }
});
