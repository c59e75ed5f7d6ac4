import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seedsDir } from '../../test/corpus.js';
import { syntheticScenario } from '../../test/store/synthetic.js';
import { runKustoOver } from '../detect/kusto/run-query.js';
import type { Row } from '../engine/kusto/values.js';
import { listTables } from '../views/tables/index.js';
import { openStore } from './duck.js';
import { huntOnStore } from './hunt.js';
import { loadEvents } from './load.js';

const now = Date.parse('2024-05-02T00:00:00Z');

/** Canonical, order-free text of rows (Date -> ISO, arrays from sets sorted by the caller when needed). */
const canon = (rows: readonly Record<string, unknown>[]): string[] =>
  rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v))).sort();

/** The same query in memory over the same events, through the product's table views. */
function inMemory(query: string) {
  const events = syntheticScenario();
  const tables = listTables();
  const rows = new Map(
    tables.map((t) => [t.name, events.filter((e) => t.accepts(e)).map((e) => t.row(e) as Row)]),
  );
  const r = runKustoOver(
    query,
    tables.map((t) => ({ name: t.name, columns: t.columns })),
    (n) => rows.get(n),
    { now },
  );
  assert.ok(r.result, r.diagnostics.map((d) => d.message).join('; '));
  return r.result;
}

const seedQueries = (): string[] =>
  ['003_77a69f7b89631037.txt', '004_70b725ea5d1de986.txt'].flatMap((f) => {
    const text = readFileSync(join(seedsDir, f), 'utf8');
    const kusto = text.split(/\n\n/).filter((b) => b.startsWith('CloudAuditEvents'));
    const aks = [...text.matchAll(/^(AKSAudit(?:Admin)? \|.*)$/gm)].map((m) => m[1]!.replace(/kubectl$/, ''));
    return [...kusto, ...aks];
  });

test('seed hunts run as SQL on the store and return the in-memory rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-test-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    const queries = [
      ...seedQueries(),
      // make-series, mv-expand with an index, a join: operators hunts use beyond the seeds.
      'AKSAudit | make-series n = count() default = 0 on TimeGenerated from datetime(2024-05-01) to datetime(2024-05-03) step 1h by Verb',
      'CloudAuditEvents | mv-expand with_itemindex = i s = RawEventData.RequestObject.subjects | project i, k = tostring(s.kind)',
      'AKSAudit | where Verb == "create" | join kind=leftouter (AKSAudit | where Verb == "get" | project U = tostring(User.username), Got = ObjectRef.resource) on $left.PodName == $right.U | project Verb, Got',
      "CloudAuditEvents | mv-apply c = RawEventData.RequestObject.spec.containers on (where c.securityContext.privileged == 'true') | project ReportId, n = tostring(c.name)",
    ];
    assert.equal(queries.length, 9);
    for (const q of queries) {
      const r = await huntOnStore(db, q, { now, fallback: false });
      assert.deepEqual(
        r.diagnostics.filter((d) => d.severity === 'error'),
        [],
        q,
      );
      assert.equal(r.backend, 'sql', `${q}\n${r.notes.join('\n')}`);
      const mem = inMemory(q);
      assert.deepEqual(r.columns, mem.columns);
      assert.deepEqual(canon(r.rows), canon(mem.rows), q);
      assert.ok(r.rows.length > 0, `the synthetic scenario has positives for: ${q.slice(0, 80)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('explain returns the SQL without running; unsupported queries fall back to memory with a note', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-test-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    const ex = await huntOnStore(db, 'AKSAudit | where ObjectRef.resource == "pods" | count', {
      now,
      explain: true,
    });
    assert.equal(ex.backend, 'none');
    assert.equal(ex.rows.length, 0);
    // The hot path is read from its shredded column, not parsed from JSON.
    assert.match(ex.sql ?? '', /"_h_ObjectRef_resource" = 'pods'/);
    // KQL prints reals in a .NET format SQL does not reproduce.
    const q =
      'AKSAudit | extend r = tostring(todouble(ResponseStatus.code) / 7) | summarize n = count() by r';
    const fb = await huntOnStore(db, q, { now });
    assert.equal(fb.backend, 'memory');
    assert.equal(fb.unsupported?.feature, 'tostring(real)');
    assert.match(fb.notes.join('\n'), /ran in memory/);
    assert.deepEqual(canon(fb.rows), canon(inMemory(q).rows));
    const bad = await huntOnStore(db, 'AKSAudit | where NoSuchColumn == 1', { now });
    assert.equal(bad.backend, 'none');
    assert.ok(bad.diagnostics.some((d) => d.severity === 'error'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('maxRows returns the first rows of the result, in its order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-test-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    const q = 'AKSAudit | project TimeGenerated, AuditId | sort by TimeGenerated desc, AuditId asc';
    const all = await huntOnStore(db, q, { now, fallback: false });
    assert.ok(all.rows.length > 3);
    const page = await huntOnStore(db, q, { now, fallback: false, maxRows: 3 });
    assert.equal(page.backend, 'sql');
    assert.deepEqual(page.rows, all.rows.slice(0, 3));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Isp and ISP resolve to one physical column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-test-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    const r = await huntOnStore(db, 'CloudAuditEvents | project Isp, ISP, OperationName | take 1', {
      now,
      fallback: false,
    });
    assert.equal(r.backend, 'sql', r.notes.join('; '));
    assert.deepEqual(
      r.columns.map((c) => c.name),
      ['Isp', 'ISP', 'OperationName'],
    );
    assert.equal(r.rows[0]?.['Isp'], r.rows[0]?.['ISP']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

/**
 * Another process opens the store read-write for `ms` (the write lock); resolves once it holds it,
 * with a promise of its exit.
 */
async function holdLock(db: string, ms: number): Promise<{ readonly exited: Promise<unknown> }> {
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api';
       const i = await DuckDBInstance.create(${JSON.stringify(db)}); const c = await i.connect();
       await c.run('SELECT 1'); process.stdout.write('locked\\n'); setTimeout(() => { c.closeSync(); i.closeSync(); }, ${ms});`,
    ],
    // Without the test runner's NODE_TEST_CONTEXT, or the child would run as a test-runner child.
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'], env: childEnv() },
  );
  const exited = new Promise((resolve) => holder.once('exit', resolve));
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  // Wrapped: an async function returning the promise itself would wait for the exit.
  return { exited };
}

test('a hunt waits for a concurrent writer to release the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-test-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    // Another process takes the write lock (as `auditscope load` does for a batch) and says so.
    const { exited } = await holdLock(db, 800);
    const r = await huntOnStore(db, 'AKSAudit | count', { now, fallback: false });
    assert.equal(r.backend, 'sql');
    assert.deepEqual(r.rows, [{ Count: 6 }]);
    await exited;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store held longer than the wait says who holds it and how to wait longer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-test-'));
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, syntheticScenario());
    const { exited } = await holdLock(db, 1500);
    await assert.rejects(openStore(db, { readOnly: true, lockTimeoutMs: 200 }), (e: Error) => {
      assert.match(e.message, /is locked by another process .*AUDITSCOPE_LOCK_WAIT/);
      return true;
    });
    await exited;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
