// Tests that the bench's user-path adapters (huntFiles, runScan) reach the product and count what
// the ratios are taken over (records of the file). No timings asserted. Data here is SYNTHETIC.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { huntFilesRun } from '../../bench/adapters-hunt-files.js';
import { huntMemory } from '../../bench/adapters-hunt.js';
import { runScanFile } from '../../bench/adapters-scan.js';
import { generateFile } from '../../bench/generate.js';
import { seedQueries } from '../../bench/seed-queries.js';
import { corpusDir, seedsDir } from '../corpus.js';

let dir = '';
let file = '';
let now = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'auditscope-bench-adapters-'));
  file = join(dir, 'synthetic.jsonl');
  const meta = generateFile({ events: 3000, format: 'aks', seed: 3 }, file);
  now = Date.parse(meta.lastTime) + 3_600_000;
});
after(() => rmSync(dir, { recursive: true, force: true }));

type PQ = { rows: number; records?: number; error?: string };

test('huntFiles adapter: every record read, rows equal to the in-memory path for each seed query', async () => {
  const texts = seedQueries(seedsDir).map((q) => q.text);
  const streamed = await huntFilesRun(file, texts, now);
  assert.equal(streamed.events, 3000);
  const mem = await huntMemory(file, texts, now);
  const a = streamed.info.perQuery as PQ[];
  const b = mem.info.perQuery as PQ[];
  assert.equal(a.length, 5);
  for (const [i, q] of a.entries()) {
    assert.equal(q.records, 3000);
    assert.equal(q.error, undefined);
    assert.equal(q.rows, b[i]?.rows, `seed query ${i + 1}`);
  }
  const off = await huntFilesRun(file, texts.slice(0, 1), now, false);
  assert.equal((off.info.perQuery as PQ[])[0]?.rows, a[0]?.rows, 'prefilter off: same rows');
});

test('runScan adapter: records of the file as events, same alerts with and without the prefilter', async () => {
  const rules = [join(corpusDir, 'sigmahq-rules', 'rules')];
  const on = await runScanFile({ file, rules, now });
  const off = await runScanFile({ file, rules, now, prefilter: false });
  assert.equal(on.events, 3000);
  assert.equal(off.events, 3000);
  assert.equal(on.info.rules, 30);
  assert.match(String(on.info.prefilter), /^on, \d+ clauses/);
  assert.equal(off.info.prefilter, 'off (asked)');
  assert.equal(on.info.alerts, off.info.alerts);
});
