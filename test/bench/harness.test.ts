// Tests of the benchmark harness pieces that decide what is measured and how it is summarised
// (no timings asserted). Data here is SYNTHETIC (bench/generate.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { forEachLine, forEachLineBytes, runFloor, textChunks } from '../../bench/floor.js';
import { generateFile } from '../../bench/generate.js';
import { median } from '../../bench/measure.js';
import { seedQueries } from '../../bench/seed-queries.js';
import { ruleFiles, writeSigmaVariants } from '../../bench/sigma-variants.js';
import { formatTable } from '../../bench/table.js';
import { corpusDir, seedsDir } from '../corpus.js';

test('median of odd and even counts, ignoring non-finite values', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([Number.NaN, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});

test('formatTable right-aligns numeric columns and left-aligns text', () => {
  const out = formatTable(
    ['name', 'ev/s'],
    [
      ['floor', '84,174'],
      ['x', '7'],
    ],
  ).split('\n');
  assert.equal(out[0], 'name     ev/s');
  assert.equal(out[2], 'floor  84,174');
  assert.equal(out[3], 'x           7');
});

test('seed queries: the three CloudAuditEvents hunts and the two AKSAudit one-liners', () => {
  const qs = seedQueries(seedsDir);
  assert.equal(qs.length, 5);
  assert.equal(qs.filter((q) => q.text.startsWith('CloudAuditEvents\n|')).length, 3);
  assert.equal(qs.filter((q) => /^AKSAudit(Admin)? \|/.test(q.text)).length, 2);
  for (const q of qs) assert.doesNotMatch(q.text, /kubectl\s*$/, 'scraping artifact cut off');
  assert.ok(qs[0]?.text.includes('mv-expand Container = RawEventData.RequestObject.spec.containers'));
});

test('sigma variants: 10 per corpus rule, unique ids, variant 0 keeps the detection', () => {
  const src = join(corpusDir, 'sigmahq-rules', 'rules');
  const out = mkdtempSync(join(tmpdir(), 'auditscope-variants-'));
  try {
    const n = writeSigmaVariants(src, out, 10);
    const originals = ruleFiles(src);
    assert.equal(n, originals.length * 10);
    const files = readdirSync(out);
    assert.equal(files.length, n);
    const ids = new Set<string>();
    for (const f of files) {
      const r = parse(readFileSync(join(out, f), 'utf8')) as {
        id: string;
        detection: { condition: string };
        title: string;
      };
      ids.add(r.id);
      assert.equal(typeof r.detection.condition, 'string');
      assert.match(r.title, /synthetic variant \d/);
    }
    assert.equal(ids.size, n);
    const first = originals[0]!;
    const base = first
      .split('/')
      .pop()!
      .replace(/\.yml$/, '');
    const orig = parse(readFileSync(first, 'utf8')) as { detection: unknown };
    const v0 = parse(readFileSync(join(out, `${base}-v0.yml`), 'utf8')) as { detection: unknown };
    const v1 = parse(readFileSync(join(out, `${base}-v1.yml`), 'utf8')) as {
      detection: { condition: string };
    };
    assert.deepEqual(v0.detection, orig.detection);
    assert.match(v1.detection.condition, /and not bench_filter$/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('splitting on bytes and on text give the same lines, multi-byte characters included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-split-'));
  try {
    const file = join(dir, 'synthetic-utf8.jsonl');
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, s: 'é€😀'.repeat(i % 7) }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const a: string[] = [];
    const b: string[] = [];
    // 97-byte reads: chunk ends fall inside lines and inside multi-byte characters.
    forEachLine(file, (l) => a.push(l), 97);
    forEachLineBytes(file, (l) => b.push(l), 97);
    assert.deepEqual(a, lines);
    assert.deepEqual(b, lines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('floor loop and text chunks see every line of a synthetic file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-floor-'));
  try {
    const file = join(dir, 'synthetic.jsonl');
    generateFile({ events: 500, format: 'aks', seed: 9 }, file);
    const text = readFileSync(file, 'utf8');
    for (const mode of ['lines', 'outer', 'both'] as const)
      for (const split of ['string', 'bytes'] as const) assert.equal(runFloor(file, mode, split).events, 500);
    assert.equal(runFloor(file, 'both', 'bytes').checksum, runFloor(file, 'both', 'string').checksum);
    assert.equal(runFloor(file, 'both').bytes, Buffer.byteLength(text));
    const chunks = [...textChunks(file, 4096)];
    assert.ok(chunks.length > 10);
    assert.equal(chunks.join(''), text);
    for (const c of chunks) assert.ok(c.endsWith('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
