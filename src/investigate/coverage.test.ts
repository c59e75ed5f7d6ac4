import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpus, repoRoot } from '../../test/corpus.js';
import { envelope, type TestFormat } from '../detect/testing/envelopes.js';
import { readEvents, readText } from '../ingest/ingest.js';
import { coverageOf } from './coverage.js';

const aksBlob = corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json');
const samples = join(repoRoot, 'samples', 'aks-attack');
const adminOnly = join(samples, 'insights-logs-kube-audit-admin');
const now = Date.parse('2026-11-20T12:00:00Z');

const answer = (r: ReturnType<typeof coverageOf>, question: string, cluster?: string) =>
  r.questions.find((q) => q.question === question && (cluster === undefined || q.cluster.includes(cluster)));

test('real AKS blob: kube-audit is present, reads are visible, the Activity Log is missing', async () => {
  const r = coverageOf(await readEvents([aksBlob]), now);
  assert.equal(r.clusters.length, 1);
  const c = r.clusters[0]!;
  assert.equal(c.name, 'MIKE-AZURE-AKS');
  assert.equal(c.provider, 'aks');
  assert.equal(c.sources['kube-audit'], 21);
  assert.equal(c.sources['kube-audit-admin'], undefined);
  assert.ok((c.levels.Metadata ?? 0) > 0 && (c.levels.RequestResponse ?? 0) > 0);
  assert.equal(c.from, '2024-11-15T21:00:00.154217Z');
  assert.deepEqual(c.gaps, []);
  assert.equal(answer(r, 'who read secrets')?.answer, 'yes');
  assert.equal(answer(r, 'who fetched cluster credentials')?.answer, 'no');
  // Two years before `now`: past Log Analytics' 30 days.
  assert.equal(r.retention.find((x) => x.source === 'kube-audit')?.risk, 'expired');
});

test('kube-audit-admin only (synthetic sample): secret reads cannot be seen, and the fix says so', async () => {
  const r = coverageOf(await readEvents([adminOnly]), now);
  const q = answer(r, 'who read secrets');
  assert.equal(q?.answer, 'no');
  assert.match(q?.why ?? '', /kube-audit-admin/);
  assert.match(q?.fix ?? '', /enable kube-audit \(not only kube-audit-admin\)/);
  assert.equal(answer(r, "who exec'd into pods")?.answer, 'partial');
  assert.ok(r.fixes.some((f) => /not only kube-audit-admin/.test(f)));
  // Writes carry bodies in this sample.
  assert.equal(answer(r, 'were privileged pods created')?.answer, 'yes');
  assert.equal(answer(r, 'were events deleted')?.answer, 'yes');
});

test('both AKS categories and the Activity Log (synthetic sample): duplicates count once, Arc cluster is separate', async () => {
  const r = coverageOf(await readEvents([samples]), now);
  const aks = r.clusters.find((c) => c.name === 'AKS-SYNTHETIC-SHOP');
  assert.deepEqual(Object.keys(aks?.sources ?? {}).sort(), [
    'activity-log',
    'kube-audit',
    'kube-audit-admin',
  ]);
  assert.equal(answer(r, 'were events deleted', 'aks-synthetic-shop')?.why, '1 event deletion logged');
  assert.equal(answer(r, 'who fetched cluster credentials', 'aks-synthetic-shop')?.answer, 'yes');
  const arc = r.clusters.find((c) => c.name === 'ARC-SYNTHETIC-EDGE-01');
  assert.equal(arc?.provider, 'arc');
  assert.equal(answer(r, 'who read secrets', 'arc-synthetic-edge-01')?.answer, 'no');
  assert.equal(answer(r, 'were events deleted', 'arc-synthetic-edge-01')?.answer, 'yes');
});

/** Synthetic raw audit lines. */
function line(t: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${t}`,
    stage: 'ResponseComplete',
    verb: 'update',
    user: { username: 'system:kube-scheduler' },
    objectRef: { resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
    ...over,
  });
}

test('GKE Data Access only (Elastic sample): reads are visible, writes are not', async () => {
  const r = coverageOf(await readEvents([corpus('elastic-integrations/gcp-audit')]), now);
  const c = r.clusters.find((x) => x.name === 'analysis-cluster');
  assert.equal(c?.provider, 'gke');
  assert.deepEqual(Object.keys(c?.sources ?? {}), ['gke-data-access']);
  assert.equal(answer(r, 'who read secrets', 'analysis-cluster')?.answer, 'yes');
  const del = answer(r, 'were events deleted', 'analysis-cluster');
  assert.equal(del?.answer, 'no');
  assert.match(del?.fix ?? '', /Admin Activity/);
});

test('Metadata-only policy (synthetic): privileged pods and cluster-admin bindings cannot be answered; gaps are found', () => {
  const text = [
    line('2026-01-01T00:10:00Z'),
    line('2026-01-01T01:10:00Z', {
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'default', name: 'x' },
      responseStatus: { code: 201 },
    }),
    line('2026-01-01T01:20:00Z', {
      verb: 'create',
      objectRef: { resource: 'clusterrolebindings', name: 'b' },
      responseStatus: { code: 201 },
    }),
    // 02:00-04:59 missing
    line('2026-01-01T05:10:00Z'),
  ].join('\n');
  const r = coverageOf(readText(text, 'synthetic-audit.log').events, Date.parse('2026-01-02T00:00:00Z'));
  const pods = answer(r, 'were privileged pods created');
  assert.equal(pods?.answer, 'no');
  assert.match(pods?.why ?? '', /Metadata level only/);
  assert.equal(answer(r, 'who created cluster-admin bindings')?.answer, 'no');
  assert.equal(answer(r, 'who read secrets')?.answer, 'unknown');
  assert.deepEqual(r.clusters[0]?.gaps, [
    { from: '2026-01-01T02:00:00.000Z', to: '2026-01-01T05:00:00.000Z', hours: 3 },
  ]);
});

test('a kubectl events snapshot alone (synthetic) cannot show deleted events and expires after an hour', () => {
  const ev = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    reason: 'Pulled',
    message: 'pulled',
    type: 'Normal',
    lastTimestamp: '2026-01-01T00:00:00Z',
  });
  const r = coverageOf(readText(ev, 'synthetic-events.json').events, Date.parse('2026-01-01T03:00:00Z'));
  assert.equal(r.clusters[0]?.sources['kube-events'], 1);
  assert.equal(answer(r, 'were events deleted')?.answer, 'no');
  assert.equal(r.retention[0]?.risk, 'expired');
});

test('every provider envelope (synthetic): the cluster, provider and feed are named', () => {
  const ev = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'cov-1',
    stage: 'ResponseComplete',
    verb: 'list',
    user: { username: 'synthetic-user' },
    objectRef: { resource: 'secrets', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
    stageTimestamp: '2026-01-01T00:00:00.100000Z',
  };
  const cases: [TestFormat, string, string, string][] = [
    ['aks', 'aks', 'kube-audit', 'AKS-SYNTHETIC'],
    ['aks-admin', 'aks', 'kube-audit-admin', 'AKS-SYNTHETIC'],
    ['la-aksaudit', 'aks', 'kube-audit', 'aks-synthetic'],
    ['eks', 'eks', 'eks-audit', 'eks-synthetic'],
    ['gke', 'gke', 'gke-data-access', 'gke-synthetic'],
    ['k8s', 'k8s', 'k8s-audit', '(unidentified)'],
  ];
  for (const [format, provider, feed, name] of cases) {
    const r = coverageOf(readText(envelope(format, ev), `synthetic-${format}.json`).events, now);
    const c = r.clusters[0];
    assert.equal(c?.provider, provider, format);
    if (feed) assert.deepEqual(Object.keys(c?.sources ?? {}), [feed], format);
    if (name) assert.equal(c?.name.toLowerCase(), name.toLowerCase(), format);
    // A secret read that is in the logs is counted whatever the feed (real kube-audit-admin never carries one).
    assert.equal(answer(r, 'who read secrets')?.answer, 'yes', format);
  }
});
