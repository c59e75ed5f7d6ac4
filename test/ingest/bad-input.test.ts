/**
 * Bad input of every class is counted per reason, located (file:line) and kept, never dropped
 * silently. Inputs here are SYNTHETIC (built around one real Event from the corpus).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readAll, readText } from '../../src/ingest/index.js';
import { corpus } from '../corpus.js';

const event = readFileSync(corpus('falcosecurity-falco-k8s_audit/create_secret.json'), 'utf8').split(
  '\n',
)[0]!;
const aksLine = readFileSync(
  corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'),
  'utf8',
).split('\n')[0]!;
const tmp = mkdtempSync(join(tmpdir(), 'auditscope-bad-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('malformed JSON, unknown formats and {"kind": 0} are quarantined with their line; good lines still read', () => {
  const text = [
    event,
    '{"kind":"Event", "auditID": ',
    '{"kind": 0}',
    '{"hello":"world"}',
    '',
    'plain text',
    '42',
    event,
  ].join('\n');
  const r = readText(text, 'synthetic-mixed.jsonl');
  assert.equal(r.events.length, 2);
  assert.deepEqual(
    r.quarantined.map((q) => [q.line, q.reason]),
    [
      [2, 'malformed-json'],
      [3, 'unknown-format'],
      [4, 'unknown-format'],
      [6, 'malformed-json'],
      [7, 'malformed-json'],
    ],
  );
  assert.deepEqual(r.stats.quarantinedByReason, { 'malformed-json': 3, 'unknown-format': 2 });
  assert.equal(r.stats.records, 7); // the blank line is not a record
  assert.equal(r.quarantined[0]!.file, 'synthetic-mixed.jsonl');
  assert.equal(r.quarantined[0]!.record, '{"kind":"Event", "auditID": ');
  assert.match(r.quarantined[1]!.message, /'kind' is a number/);
  assert.match(r.quarantined[2]!.message, /keys: hello/);
});

test('AKS records: klog text is not-audit; a broken properties.log is malformed-json', () => {
  const rec = JSON.parse(aksLine);
  const klog = {
    ...rec,
    category: 'kube-apiserver',
    properties: { ...rec.properties, log: 'I1115 21:00:00.1 1 httplog.go:132] "HTTP"' },
  };
  const broken = { ...rec, properties: { ...rec.properties, log: '{"kind":"Event","apiVersion":' } };
  const r = readText(
    [JSON.stringify(klog), JSON.stringify(broken), aksLine].join('\n'),
    'synthetic-aks.jsonl',
  );
  assert.equal(r.events.length, 1);
  assert.deepEqual(
    r.quarantined.map((q) => [q.line, q.reason]),
    [
      [1, 'not-audit'],
      [2, 'malformed-json'],
    ],
  );
  assert.match(r.quarantined[0]!.message, /category kube-apiserver/);
  assert.match(r.quarantined[1]!.message, /^properties\.log: /);
});

test('oversized lines are skipped with their line number, also when they span read chunks', async () => {
  const file = join(tmp, 'synthetic-oversized.jsonl');
  const huge = `{"kind":"Event","pad":"${'x'.repeat(3 * 1024 * 1024)}"}`; // 3 MiB: spans several 1 MiB chunks
  writeFileSync(file, [event, huge, event, `{"pad":"${'y'.repeat(5000)}"}`, event].join('\n'));
  const r = await readAll([file], { maxLineBytes: 4096 });
  assert.equal(r.events.length, 3);
  assert.deepEqual(
    r.events.map((e) => e.source.line),
    [1, 3, 5],
  );
  assert.deepEqual(
    r.quarantined.map((q) => [q.line, q.reason]),
    [
      [2, 'oversized'],
      [4, 'oversized'],
    ],
  );
  assert.ok(r.quarantined[0]!.record.length <= 1024, 'only a prefix of an oversized line is kept');
  assert.match(r.quarantined[0]!.message, /longer than 4096 bytes/);
});

test('JSON nested past the depth limit is quarantined as too-deep (default limit)', () => {
  const base = JSON.parse(event);
  const deep = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"d1","stage":"ResponseComplete","stageTimestamp":"${base.stageTimestamp}","requestObject":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
  const deepActivity = `{"time":"2024-01-01T00:00:00Z","operationName":"X/Y/WRITE","resourceId":"/subscriptions/s","properties":${'['.repeat(300)}${']'.repeat(300)}}`;
  const aks = JSON.parse(aksLine);
  const deepEnvelope = JSON.stringify({ ...aks, extra: JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) });
  const r = readText([deep, deepActivity, deepEnvelope, event].join('\n'), 'synthetic-deep.jsonl');
  assert.equal(r.events.length, 1);
  assert.deepEqual(
    r.quarantined.map((q) => [q.line, q.reason]),
    [
      [1, 'too-deep'],
      [2, 'too-deep'],
      [3, 'too-deep'],
    ],
  );
  const shallow = readText(deep, 'synthetic-deep.jsonl', { maxDepth: 10_000 });
  assert.equal(shallow.events.length, 1, 'a raised limit accepts it');
});

test('gzip bombs stop at the decompression limit; what came before is kept', async () => {
  const file = join(tmp, 'synthetic-bomb.jsonl.gz');
  const lines = `${event}\n`.repeat(2000); // ~1.5 MB decompressed
  writeFileSync(file, gzipSync(lines));
  const r = await readAll([file], { maxGzipBytes: 256 * 1024 });
  assert.ok(r.events.length > 0 && r.events.length < 2000, String(r.events.length));
  assert.equal(r.stats.quarantinedByReason['gzip-limit'], 1);
  assert.match(r.quarantined.at(-1)!.message, /exceeds 262144 bytes/);
});

test('the default gzip limit (ratio-bounded) stops a 100 MiB bomb of zeros', async () => {
  const file = join(tmp, 'synthetic-zeros.gz');
  writeFileSync(file, gzipSync(Buffer.alloc(100 * 1024 * 1024)));
  const r = await readAll([file]);
  assert.equal(r.events.length, 0);
  assert.equal(r.stats.quarantinedByReason['gzip-limit'], 1);
  assert.equal(r.stats.quarantinedByReason.oversized, 1); // 16 MiB without a newline
});

test('a corrupt gzip and a missing file are io-errors, not crashes', async () => {
  const file = join(tmp, 'synthetic-corrupt.gz');
  writeFileSync(file, gzipSync(`${event}\n`.repeat(100)).subarray(0, 200));
  const missing = join(tmp, 'does-not-exist.jsonl');
  const r = await readAll([file, missing]);
  assert.equal(r.stats.quarantinedByReason['io-error'], 2);
  assert.ok(r.quarantined.some((q) => q.file === missing && /ENOENT/.test(q.message)));
});

test('an oversized whole-file document is reported once and the rest skipped', async () => {
  const file = join(tmp, 'synthetic-big-doc.json');
  const list = {
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    items: Array(200).fill(JSON.parse(event)),
  };
  writeFileSync(file, JSON.stringify(list, null, 2));
  const r = await readAll([file], { maxDocumentBytes: 10_000 });
  assert.equal(r.events.length, 0);
  assert.deepEqual(
    r.quarantined.map((q) => [q.line, q.reason]),
    [[1, 'oversized']],
  );
  const ok = await readAll([file]);
  assert.equal(ok.events.length, 200);
});

test('a JSON Lines file whose first line is broken is still read as lines', () => {
  const r = readText(['{"kind":"Event",', event, event].join('\n'), 'synthetic-first-broken.jsonl');
  assert.equal(r.events.length, 2);
  assert.deepEqual(
    r.quarantined.map((q) => [q.line, q.reason]),
    [[1, 'malformed-json']],
  );
});

test('a CSV export with a quoted header is recognized', () => {
  const r = readText(
    '"TimeGenerated [UTC]","AuditId","Verb","RequestUri","Stage"\n"11/15/2024, 9:00:04.536 PM","a1","get","/api","ResponseComplete"\n',
    'synthetic.csv',
  );
  assert.equal(r.events.length, 1);
  assert.equal(r.events[0]!.time, '2024-11-15T21:00:04.536Z');
  assert.equal(r.events[0]!.id, 'a1:ResponseComplete');
});

test('CSV rows with the wrong field count are malformed-csv', () => {
  const r = readText(
    'TimeGenerated,AuditId,Verb,RequestUri\n2024-01-01T00:00:00Z,a1,get,/api\n2024-01-01T00:00:00Z,a2\n',
    'x.csv',
  );
  assert.equal(r.events.length, 1);
  assert.deepEqual(
    r.quarantined.map((q) => [q.line, q.reason]),
    [[3, 'malformed-csv']],
  );
});
