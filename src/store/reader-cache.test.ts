import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { syntheticScenario } from '../../test/store/synthetic.js';
import { huntOnStore } from './hunt.js';
import { loadEvents } from './load.js';
import { closeStoreReaders, openStoreReaders } from './reader-cache.js';

const now = Date.parse('2024-05-02T00:00:00Z');

/**
 * Another process tries to open the store read-write for up to `waitMs`; resolves with the ms it
 * waited, or -1 when the lock stayed taken.
 */
function writerWaits(db: string, waitMs: number): Promise<number> {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api';
       const t0 = Date.now();
       for (;;) {
         try { const i = await DuckDBInstance.create(${JSON.stringify(db)}); i.closeSync(); console.log(Date.now() - t0); break; }
         catch { if (Date.now() - t0 > ${waitMs}) { console.log(-1); break; } await new Promise((r) => setTimeout(r, 20)); }
       }`,
    ],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'], env },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve) => child.once('exit', () => resolve(Number(out.trim()))));
}

test('hunts share a kept-open store, which a writer gets once it has been idle for keepOpenMs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-reader-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    const keepOpenMs = 400;
    const queries = [
      'AKSAudit | count',
      'CloudAuditEvents | summarize n = count() by OperationName | order by OperationName asc',
      'AKSAudit | where Verb == "create" | project AuditId | order by AuditId asc',
    ];
    // The answers of a hunt that opens and closes the store.
    const expected = [];
    for (const q of queries) expected.push((await huntOnStore(db, q, { now, fallback: false })).rows);
    assert.deepEqual(openStoreReaders(), []);
    assert.ok(expected.every((rows) => rows.length > 0));
    // Concurrent hunts, each on its own connection of one kept-open store.
    const answers = await Promise.all(
      queries.map((q) => huntOnStore(db, q, { now, keepOpenMs, fallback: false })),
    );
    assert.deepEqual(
      answers.map((a) => a.rows),
      expected,
    );
    assert.deepEqual(openStoreReaders(), [db]);
    // While it is kept open, a writer in another process cannot take the file...
    assert.equal(await writerWaits(db, 100), -1);
    // ... and gets it once the store has been idle for keepOpenMs.
    const waited = await writerWaits(db, 10_000);
    assert.ok(waited >= 0, 'the writer got the store');
    assert.deepEqual(openStoreReaders(), []);
    // Without keepOpenMs a hunt closes the store at once.
    await huntOnStore(db, 'AKSAudit | count', { now });
    assert.deepEqual(openStoreReaders(), []);
    assert.ok((await writerWaits(db, 0)) >= 0);
  } finally {
    await closeStoreReaders();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('closeStoreReaders closes a kept-open store at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-reader-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    await huntOnStore(db, 'AKSAudit | count', { now, keepOpenMs: 60_000 });
    assert.deepEqual(openStoreReaders(), [db]);
    assert.equal(await writerWaits(db, 0), -1);
    await closeStoreReaders();
    assert.deepEqual(openStoreReaders(), []);
    assert.ok((await writerWaits(db, 0)) >= 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
