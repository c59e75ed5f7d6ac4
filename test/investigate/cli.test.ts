import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, corpus, repoRoot } from '../corpus.js';

// Runs the real binary (dist/) on corpus data and on the bundled synthetic samples.

const samples = join(repoRoot, 'samples', 'aks-attack');
const falco = corpus('falcosecurity-falco-k8s_audit');
const aksBlob = corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ndjson = (s: string) =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('timeline --user minikube-user: the exec comes before the cluster-admin binding', () => {
  const r = cli('timeline', falco, '--user', 'minikube-user', '--output', 'ndjson', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const rows = ndjson(r.stdout);
  const targets = rows.map((x) => `${x.action} ${x.target}`);
  const exec = targets.findIndex((t) => t.startsWith('create pods/exec'));
  const bind = targets.lastIndexOf('create clusterrolebindings some-reader-binding');
  assert.ok(exec >= 0 && bind > exec, targets.join('\n'));
});

test('timeline table across cluster and cloud logs for the attacker (synthetic samples)', () => {
  const r = cli('timeline', samples, '--user', 'EVE@contoso.onmicrosoft.com');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^TIME\s+SOURCE\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME/);
  assert.ok(lines.some((l) => /azure-activity\/arc/.test(l) && /EVENTS/.test(l)));
  assert.ok(lines.some((l) => /deletecollection\s+events default/.test(l)));
  assert.match(r.stdout, /timeline: \d+ lines \(\d+ events, \d+ duplicate stages or feed copies merged\)/);
  const csv = cli(
    'timeline',
    samples,
    '--user',
    'eve@contoso.onmicrosoft.com',
    '--resource',
    'pods',
    '--output',
    'csv',
    '-q',
  );
  assert.equal(
    csv.stdout.split('\n')[0],
    'TIME,SOURCE,ACTOR,ACTION,TARGET,OUTCOME,SOURCE IP,USER AGENT,COUNT,LOCATION',
  );
});

test('coverage on the real AKS blob says kube-audit is present; on kube-audit-admin only, secret reads are invisible', () => {
  const blob = cli('coverage', aksBlob, '--output', 'ndjson', '--quiet', '--now', '2024-11-16T00:00:00Z');
  assert.equal(blob.code, 0, blob.stderr);
  const rows = ndjson(blob.stdout);
  const cluster = rows.find((x) => x.type === 'cluster');
  assert.deepEqual(cluster?.sources, { 'kube-audit': 21 });
  assert.equal(rows.find((x) => x.type === 'question' && x.question === 'who read secrets')?.answer, 'yes');

  const admin = cli('coverage', join(samples, 'insights-logs-kube-audit-admin'));
  assert.equal(admin.code, 0, admin.stderr);
  assert.match(admin.stdout, /who read secrets\s+AKS-SYNTHETIC-SHOP\s+no\s+only kube-audit-admin/);
  assert.match(
    admin.stdout,
    /\d+\. enable kube-audit \(not only kube-audit-admin\) in the AKS diagnostic setting/,
  );
});

test('rbac says it is built from the logs and lists the cluster-admin service account with evidence', () => {
  const r = cli('rbac', samples);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /not a query of a live cluster/);
  assert.match(r.stdout, /critical\s+system:serviceaccount:default:backup\s+holds cluster-admin/);
  assert.match(r.stdout, /PT1H\.json:\d+/);
  assert.match(r.stdout, /Fixes/);
});

test('report writes one self-contained HTML file with alerts, incident, timeline and coverage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-report-'));
  try {
    const out = join(dir, 'incident.html');
    const r = cli('report', samples, '--out', out, '--now', '2026-11-20T12:00:00Z', '--quiet');
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(!/<script/i.test(html), 'readable without scripts');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external assets');
    assert.match(html, /Kubernetes Privileged Container Created/);
    assert.match(html, /T1098\.006/);
    assert.match(html, /related alerts involving eve@contoso\.onmicrosoft\.com/);
    assert.match(html, /id="timeline"/);
    // The attacker timeline includes the Activity Log credential fetch and the events deletion.
    const tl = html.slice(html.indexOf('id="timeline"'), html.indexOf('id="coverage"'));
    assert.match(tl, /LISTCLUSTERUSERCREDENTIAL/);
    assert.match(tl, /deletecollection/);
    assert.ok(!tl.includes('dev@contoso.onmicrosoft.com'));
    assert.match(html, /who read secrets/);
    assert.match(html, /Investigation guide/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(cli('report', samples).code, 2, '--out is required');
});
