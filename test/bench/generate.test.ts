// Tests of the SYNTHETIC data generator (bench/generate.ts): determinism, format shape, mix.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateFile, synthLines } from '../../bench/generate.js';

const take = (n: number, format: 'aks' | 'raw' | 'activity', seed = 1) =>
  [...synthLines({ events: n, format, seed })].map((x) => x.line);

test('same seed gives the same lines, another seed other lines', () => {
  assert.deepEqual(take(300, 'aks'), take(300, 'aks'));
  assert.notDeepEqual(take(300, 'aks', 1), take(300, 'aks', 2));
  assert.deepEqual(take(100, 'activity', 7), take(100, 'activity', 7));
});

test('AKS lines are storage-blob records whose properties.log is an escaped audit Event', () => {
  for (const line of take(2000, 'aks')) {
    assert.ok(line.startsWith('{ "category": "kube-audit"'), line.slice(0, 40));
    assert.ok(line.includes('audit.k8s.io\\/v1'), 'slashes are escaped as in real blobs');
    const rec = JSON.parse(line) as { properties: { log: string }; resourceId: string; time: string };
    assert.match(rec.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.match(rec.resourceId, /^\/SUBSCRIPTIONS\/.*\/MANAGEDCLUSTERS\/AKS-/);
    assert.ok(rec.properties.log.endsWith('\n'));
    const ev = JSON.parse(rec.properties.log) as {
      kind: string;
      verb: string;
      stage: string;
      auditID: string;
    };
    assert.equal(ev.kind, 'Event');
    assert.equal(ev.stage, 'ResponseComplete');
    assert.equal(typeof ev.verb, 'string');
  }
});

test('raw lines are the same audit Events as the AKS ones for the same seed', () => {
  const raw = take(200, 'raw').map((l) => JSON.parse(l) as { auditID: string });
  const aks = take(200, 'aks').map((l) => JSON.parse(JSON.parse(l).properties.log) as { auditID: string });
  assert.deepEqual(
    raw.slice(0, 5).map((e) => e.auditID),
    aks.slice(0, 5).map((e) => e.auditID),
  );
});

test('the mix has ~8% denied requests, request bodies, and attack-like requests', () => {
  const tags = new Map<string, number>();
  const codes = new Map<string, number>();
  let privileged = 0;
  let clusterAdmin = 0;
  const n = 30000;
  for (const { line, tag, code } of synthLines({ events: n, format: 'raw' })) {
    tags.set(tag, (tags.get(tag) ?? 0) + 1);
    codes.set(code, (codes.get(code) ?? 0) + 1);
    const ev = JSON.parse(line) as {
      responseStatus: { code: number };
      requestObject?: {
        spec?: { containers?: { securityContext?: { privileged?: boolean } }[] };
        roleRef?: { name: string };
      };
    };
    assert.equal(String(ev.responseStatus.code), code);
    if (tag === 'privileged-pod') assert.ok(ev.requestObject?.spec?.containers?.length);
    if (ev.requestObject?.spec?.containers?.some((c) => c.securityContext?.privileged === true)) privileged++;
    if (ev.requestObject?.roleRef?.name === 'cluster-admin') clusterAdmin++;
  }
  const denied = ((codes.get('401') ?? 0) + (codes.get('403') ?? 0)) / n;
  assert.ok(denied > 0.06 && denied < 0.1, `denied fraction ${denied}`);
  for (const t of ['exec', 'privileged-pod', 'cluster-admin-binding', 'events-delete', 'secrets-list'])
    assert.ok((tags.get(t) ?? 0) > 0, `no ${t} in ${n} events`);
  const attacks =
    n - (tags.get('normal') ?? 0) - (tags.get('denied-401') ?? 0) - (tags.get('denied-403') ?? 0);
  assert.ok(attacks / n < 0.02, `attack-like fraction ${attacks / n} should stay small`);
  assert.ok(privileged > 0 && clusterAdmin > 0);
  assert.ok((tags.get('normal') ?? 0) / n > 0.85);
});

test('activity records carry the Activity Log fields and some Kubernetes operations', () => {
  const recs = take(3000, 'activity').map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const r of recs)
    for (const k of ['time', 'resourceId', 'operationName', 'category', 'resultType']) assert.ok(k in r, k);
  assert.ok(recs.some((r) => String(r.operationName).startsWith('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/')));
  assert.ok(recs.some((r) => String(r.operationName).endsWith('/EVENTS.K8S.IO/EVENTS/DELETE')));
});

test('generateFile streams the lines to disk and writes a synthetic-labelled sidecar', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-gen-'));
  try {
    const file = join(dir, 'x.jsonl');
    const meta = generateFile({ events: 1234, format: 'aks', seed: 3 }, file);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 1234);
    assert.deepEqual(lines, take(1234, 'aks', 3));
    assert.equal(meta.bytes, Buffer.byteLength(text));
    assert.equal(meta.synthetic, true);
    assert.equal(
      Object.values(meta.tags).reduce((a, b) => a + b, 0),
      1234,
    );
    const side = JSON.parse(readFileSync(`${file}.meta.json`, 'utf8')) as {
      synthetic: boolean;
      events: number;
    };
    assert.equal(side.synthetic, true);
    assert.equal(side.events, 1234);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
