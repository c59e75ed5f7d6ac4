import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { collectEvidence, type Manifest, verifyBundle } from '../../src/collect/collect-evidence.js';
import { collectPlan, formatPlan } from '../../src/collect/collect-plan.js';
import { cliPath, corpus } from '../corpus.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** An evidence folder shaped like a responder's: an AKS blob at its real (long) storage path, Falco traces, a kubectl snapshot. */
function evidenceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-collect-'));
  const blobDir = join(
    dir,
    'evidence/storage-account-stcontosoauditlogs001-export-2026-11-20/insights-logs-kube-audit/resourceId=/SUBSCRIPTIONS/0B62A232-0000-0000-0000-000000000000/RESOURCEGROUPS/MIKE-AZURE/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/MIKE-AZURE-AKS/y=2024/m=11/d=15/h=21/m=00',
  );
  mkdirSync(blobDir, { recursive: true });
  copyFileSync(
    corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'),
    join(blobDir, 'PT1H.json'),
  );
  mkdirSync(join(dir, 'evidence/falco'));
  for (const f of ['attach_pod.json', 'create_nginx_pod_privileged.json'])
    copyFileSync(corpus(`falcosecurity-falco-k8s_audit/${f}`), join(dir, 'evidence/falco', f));
  // synthetic kubectl snapshot (hand-written for this test)
  writeFileSync(
    join(dir, 'evidence/kubectl-events.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        {
          metadata: { name: 'p.1', namespace: 'default', creationTimestamp: '2024-11-15T21:00:03Z' },
          involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
          reason: 'Killing',
          message: 'Stopping container c',
          type: 'Normal',
          source: { component: 'kubelet' },
          lastTimestamp: '2024-11-15T21:00:03Z',
        },
      ],
    }),
  );
  writeFileSync(join(dir, 'evidence/notes.txt'), 'not a log\n');
  return dir;
}

describe('collect: evidence bundles', () => {
  test('the bundle round-trips through the system tar, with a manifest that describes each file', async () => {
    const dir = evidenceDir();
    const out = join(dir, 'case.tar.gz');
    const m = await collectEvidence([join(dir, 'evidence')], {
      out,
      caseId: 'INC-7',
      version: '9.9.9',
      now: Date.parse('2026-11-20T12:00:00Z'),
    });
    const x = join(dir, 'x');
    mkdirSync(x);
    execFileSync('tar', ['-xzf', out, '-C', x]);
    const extracted = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8')) as Manifest;
    assert.deepEqual(extracted, m);
    assert.equal(m.caseId, 'INC-7');
    assert.equal(m.tool.version, '9.9.9');
    assert.equal(m.collectedAt, '2026-11-20T12:00:00.000Z');
    assert.equal(m.files.length, 5);
    for (const f of m.files) {
      const data = readFileSync(join(x, f.path));
      assert.equal(sha(data), f.sha256, f.path);
      assert.equal(data.length, f.size);
      assert.equal(sha(readFileSync(f.source)), f.sha256);
    }
    const blob = m.files.find((f) => f.path.endsWith('PT1H.json'))!;
    assert.ok(blob.path.length > 255, 'the long storage path needs a PAX header');
    assert.deepEqual(blob.formats, { 'aks-diagnostic': 21 });
    assert.equal(blob.events, 21);
    assert.equal(blob.firstEvent, '2024-11-15T21:00:00.154Z');
    const events = m.files.find((f) => f.path.endsWith('kubectl-events.json'))!;
    assert.equal(events.events, 1);
    const notes = m.files.find((f) => f.path.endsWith('notes.txt'))!;
    assert.equal(notes.events, 0);
    assert.equal(notes.quarantined, 1);
    assert.ok(Object.keys(notes.quarantinedByReason).length === 1);
    const v = await verifyBundle(out);
    assert.equal(v.ok, true, JSON.stringify(v.problems));
    assert.equal(v.checked, 5);
  });

  test('a tampered bundle fails --verify, naming the file', async () => {
    const dir = evidenceDir();
    const out = join(dir, 'case.tar.gz');
    await collectEvidence([join(dir, 'evidence')], { out, version: '0' });
    const tar = gunzipSync(readFileSync(out));
    const at = tar.indexOf(Buffer.from('Stopping container c'));
    assert.ok(at > 0);
    tar[at] = 's'.charCodeAt(0); // one byte of the kubectl snapshot changed, size kept
    const bad = join(dir, 'tampered.tar.gz');
    writeFileSync(bad, gzipSync(tar));
    const v = await verifyBundle(bad);
    assert.equal(v.ok, false);
    assert.deepEqual(
      v.problems.map((p) => p.path),
      ['evidence/evidence/kubectl-events.json'],
    );
    assert.match(v.problems[0]!.problem, /SHA-256/);
    const truncated = join(dir, 'truncated.tar.gz');
    writeFileSync(truncated, gzipSync(tar.subarray(0, 2048)));
    assert.equal((await verifyBundle(truncated)).ok, false);
  });

  test('--from/--to leave out files with no event in the window, and say so', async () => {
    const dir = evidenceDir();
    const m = await collectEvidence([join(dir, 'evidence')], {
      out: join(dir, 'w.tar.gz'),
      version: '0',
      from: Date.parse('2024-11-15T00:00:00Z'),
      to: Date.parse('2024-11-16T00:00:00Z'),
    });
    assert.deepEqual(m.window, { from: '2024-11-15T00:00:00.000Z', to: '2024-11-16T00:00:00.000Z' });
    assert.equal(m.skipped.length, 2); // the 2018 Falco traces
    assert.ok(m.skipped.every((s) => /falco/.test(s.source) && /window/.test(s.reason)));
    assert.ok(m.files.some((f) => f.path.endsWith('PT1H.json')));
  });
});

describe('collect --plan', () => {
  test('AKS: storage download, AKSAudit export, activity log, kubectl snapshot', () => {
    const id =
      '/subscriptions/0b62a232-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1';
    const text = formatPlan(
      'aks',
      collectPlan('aks', { resourceId: id, from: '2026-11-01T00:00:00Z', to: '2026-11-20T00:00:00Z' }),
      { resourceId: id },
    );
    assert.match(text, /az storage blob download-batch .*--source insights-logs-kube-audit/);
    assert.match(text, /MANAGEDCLUSTERS\/AKS1\/\*/);
    assert.match(
      text,
      /AKSAudit \| where TimeGenerated between \(datetime\(2026-11-01T00:00:00Z\) \.\. datetime\(2026-11-20T00:00:00Z\)\)/,
    );
    assert.match(
      text,
      /az monitor activity-log list --subscription 0b62a232-0000-0000-0000-000000000000 --resource-group rg1/,
    );
    assert.match(text, /kubectl get events -A -o json/);
  });
  test('EKS, GKE, Arc', () => {
    const eks = formatPlan('eks', collectPlan('eks', { cluster: 'prod', region: 'eu-west-1' }), {});
    assert.match(
      eks,
      /aws logs filter-log-events --region eu-west-1 --log-group-name \/aws\/eks\/prod\/cluster --log-stream-name-prefix kube-apiserver-audit-/,
    );
    const gke = formatPlan('gke', collectPlan('gke', { cluster: 'c1', project: 'p1' }), {});
    assert.match(gke, /gcloud logging read 'protoPayload.serviceName="k8s.io"/);
    assert.match(gke, /--project p1/);
    const arc = formatPlan('arc', collectPlan('arc', {}), {});
    assert.match(arc, /ArcK8sAudit/);
    assert.match(arc, /<SUBSCRIPTION_ID>/);
  });
});

describe('collect CLI', () => {
  test('collect, --verify ok, --verify tampered, --plan', () => {
    const dir = evidenceDir();
    const out = join(dir, 'b.tar.gz');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [cliPath, 'collect', ...args], { encoding: 'utf8' });
    const c = run(join(dir, 'evidence'), '--out', out, '--case', 'INC-9');
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /wrote .*b\.tar\.gz: 5 files, .* case INC-9/);
    const v = run('--verify', out);
    assert.equal(v.status, 0, v.stdout);
    assert.match(v.stdout, /OK: 5 files match/);
    const tar = gunzipSync(readFileSync(out));
    tar[tar.indexOf(Buffer.from('Stopping'))] = 0x73;
    writeFileSync(out, gzipSync(tar));
    const bad = run('--verify', out);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /FAIL evidence\/evidence\/kubectl-events.json: SHA-256/);
    const p = run('--plan', '--cluster-type', 'gke', '--cluster', 'c');
    assert.equal(p.status, 0);
    assert.match(p.stdout, /gcloud logging read/);
    assert.equal(run('--plan').status, 2);
  });
});
