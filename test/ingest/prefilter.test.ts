/**
 * The byte-level prefilter hook (IngestOptions.lineFilter, performance.md §8): lines it rejects are
 * counted, not parsed; everything else is read as without it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAll } from '../../src/ingest/index.js';
import { corpus } from '../corpus.js';

const aks = corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json');

test('lines the filter rejects are counted as prefiltered; the first line always decides the mode', async () => {
  const full = await readAll([aks]);
  // inside properties.log the key is escaped: \"verb\":\"update\"
  const needle = Buffer.from('\\"verb\\":\\"update\\"');
  let calls = 0;
  const r = await readAll([aks], {
    lineFilter: (buf, start, end) => {
      calls++;
      return buf.subarray(start, end).includes(needle);
    },
  });
  const want = full.events.filter((e, i) => i === 0 || e.audit?.verb === 'update');
  assert.ok(want.length > 1 && want.length < full.events.length);
  assert.deepEqual(
    r.events.map((e) => e.id),
    want.map((e) => e.id),
  );
  assert.equal(calls, full.stats.records - 1);
  assert.equal(r.stats.records, full.stats.records);
  assert.equal(r.stats.prefiltered, full.events.length - want.length);
  assert.equal(r.stats.records, r.stats.events + r.stats.quarantined + r.stats.prefiltered);
});

test('blank lines and whole-file documents are never prefiltered', async () => {
  const r = await readAll([corpus('falcosecurity-falco-k8s_audit/create_secret.json')], {
    lineFilter: () => false,
  });
  assert.equal(r.events.length, 1); // one event line (always parsed: it decides the mode) + a blank line
  assert.equal(r.stats.prefiltered, 0);
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-prefilter-'));
  try {
    const file = join(dir, 'synthetic-pretty.json');
    const ev = JSON.parse(readFileSync(corpus('falcosecurity-falco-k8s_audit/create_secret.json'), 'utf8'));
    writeFileSync(
      file,
      JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [ev, ev] }, null, 2),
    );
    const doc = await readAll([file], { lineFilter: () => false });
    assert.equal(doc.events.length, 2);
    assert.equal(doc.stats.prefiltered, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
