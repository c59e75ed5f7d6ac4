/**
 * Nothing is dropped silently: for any input, every record read becomes an event or a quarantined
 * record (records == events + quarantined), and nothing throws. Inputs are the corpus lines and
 * SYNTHETIC mutations of them (deterministic PRNG): truncations, byte flips, batch wrapping.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readText } from '../../src/ingest/index.js';
import { corpus } from '../corpus.js';
import { prng } from '../prng.js';

function dataFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) dataFiles(p, out);
    else if (
      /\.(json|jsonl|log)$/.test(name) &&
      !name.endsWith('-expected.json') &&
      !name.includes('rule-tests')
    )
      out.push(p);
  }
  return out;
}

const files = [
  ...dataFiles(corpus('falcosecurity-falco-k8s_audit')),
  ...dataFiles(corpus('datadog-azure-log-forwarding-orchestration')),
  ...dataFiles(corpus('elastic-integrations')),
];
const lines = files.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim()),
);

function checkAccounting(text: string, name: string): void {
  const r = readText(text, name);
  assert.equal(r.stats.records, r.stats.events + r.stats.quarantined, name);
  assert.equal(r.events.length, r.stats.events);
  assert.equal(r.quarantined.length, r.stats.quarantined);
  for (const q of r.quarantined) {
    assert.ok(q.line >= 1, `${name}: quarantined record has a line`);
    assert.ok(q.message.length > 0);
  }
  for (const e of r.events) assert.ok(Number.isFinite(e.ts) && e.time.length > 0, `${name}: event time`);
}

test('corpus lines: every record accounted for', () => {
  assert.ok(lines.length > 90, String(lines.length));
  checkAccounting(lines.join('\n'), 'corpus');
});

test('synthetic truncations and byte flips of real lines never throw and are all accounted for', () => {
  const rnd = prng(20261123).next;
  const mutated: string[] = [];
  for (const l of lines) {
    for (let k = 0; k < 4; k++) {
      const cut = Math.floor(rnd() * l.length);
      mutated.push(l.slice(0, cut));
      const chars = [...l];
      const at = Math.floor(rnd() * chars.length);
      chars[at] = String.fromCharCode(32 + Math.floor(rnd() * 95));
      mutated.push(chars.join(''));
    }
  }
  for (let i = 0; i < mutated.length; i += 50)
    checkAccounting(mutated.slice(i, i + 50).join('\n'), `mutated-${i}`);
});

test('synthetic batches of real records (Event Hub, EventList, arrays) are accounted per item', () => {
  const objs = lines.map((l) => JSON.parse(l) as unknown);
  checkAccounting(JSON.stringify({ records: objs }), 'records');
  checkAccounting(JSON.stringify(objs), 'array');
  checkAccounting(
    JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: objs }),
    'eventlist',
  );
  const r = readText(JSON.stringify({ records: objs }), 'records');
  assert.equal(r.stats.records, objs.length);
});
