import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore, queryRows } from './duck.js';
import { stagedInOrder, stageLines } from './fast-load.js';
import { firstLineOf, orderModulus, scanFile, scanFileAsync } from './file-scan.js';

// Synthetic lines of different lengths, one beyond the BMP (bytes, not characters, are counted).
const lines = ['{"a":1}', '{"bb":"x\u{1F680}"}', '{"c":[1,2,3]}', '{}', '{"dddd":"long enough"}'];

function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-scan-'));
  const path = join(dir, 'lines.jsonl');
  writeFileSync(path, text);
  return fn(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const expectedSum = (ls: readonly string[]): number =>
  ls.reduce((s, l, i) => (s + (i + 1) * Buffer.byteLength(l)) % orderModulus, 0);

test('scanFile counts lines and sums line number x byte length, with or without a final newline', async () => {
  for (const text of [`${lines.join('\n')}\n`, lines.join('\n')]) {
    await withFile(text, async (path) => {
      const s = scanFile(path);
      assert.equal(s.lines, lines.length);
      assert.equal(s.orderSum, expectedSum(lines));
      assert.equal(s.firstLine, lines[0]);
      assert.equal(s.irregular, false);
    });
  }
});

test('the DuckDB path stages lines in file order and refuses them when the order check disagrees', async () => {
  await withFile(`${lines.join('\n')}\n`, async (path) => {
    const dir = mkdtempSync(join(tmpdir(), 'auditscope-stage-'));
    const h = await openStore(join(dir, 's.duckdb'));
    try {
      const scan = scanFile(path);
      assert.equal(await stageLines(h.con, path, scan.maxLine), true);
      assert.equal(await stagedInOrder(h.con, scan), true);
      const staged = await queryRows(h.con, 'SELECT rowid + 1, raw FROM _fast_lines ORDER BY rowid');
      assert.deepEqual(
        staged.map(([n, raw]) => [Number(n), raw]),
        lines.map((l, i) => [i + 1, l]),
      );
      // A scan of other content (here: the lines reversed, or one line fewer) must not pass for this file.
      const reversed = { ...scan, orderSum: expectedSum([...lines].reverse()) };
      assert.notEqual(reversed.orderSum, scan.orderSum);
      assert.equal(await stagedInOrder(h.con, reversed), false);
      assert.equal(await stagedInOrder(h.con, { ...scan, lines: scan.lines - 1 }), false);
    } finally {
      h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('scanFileAsync gives what scanFile gives; firstLineOf reads only the first line', async () => {
  await withFile(`${lines.join('\n')}\n`, async (path) => {
    assert.deepEqual(await scanFileAsync(path), scanFile(path));
    assert.equal(firstLineOf(path), lines[0]);
  });
  await withFile('', async (path) => {
    assert.deepEqual(await scanFileAsync(path), scanFile(path));
    assert.equal(firstLineOf(path), '');
  });
});

test('a line longer than the reader limit fails the staged read (the load then reads again)', async () => {
  const long = `{"k":"${'x'.repeat(1 << 21)}"}`;
  await withFile(`${lines[0]}\n${long}\n`, async (path) => {
    const dir = mkdtempSync(join(tmpdir(), 'auditscope-stage-'));
    const h = await openStore(join(dir, 's.duckdb'));
    try {
      const scan = scanFile(path);
      assert.equal(await stageLines(h.con, path, Buffer.byteLength(firstLineOf(path))), false);
      assert.equal(await stageLines(h.con, path, scan.maxLine), true);
      assert.equal(await stagedInOrder(h.con, scan), true);
    } finally {
      h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
