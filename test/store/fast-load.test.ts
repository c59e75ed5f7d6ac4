import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultStart, synthLines } from '../../bench/generate.js';
import { openStore, queryRows } from '../../src/store/duck.js';
import { loadFiles } from '../../src/store/load.js';
import { listTables } from '../../src/views/tables/index.js';
import { corpus } from '../corpus.js';

/**
 * The DuckDB load path (src/store/fast-load.ts) against the Node path: the same files loaded both
 * ways give the same `_events` rows (every column, line numbers included) and the same rows in every
 * table. Data: labelled synthetic AKS and raw audit files (bench/generate.ts), with duplicate records
 * inside and across files, plus the real AKS sample records from the corpus.
 */

const synth = (format: 'aks' | 'raw' | 'activity', events: number, seed: number): string[] =>
  [...synthLines({ events, format, seed })].map((l) => l.line);

async function dump(db: string, sql: string): Promise<string[]> {
  const h = await openStore(db, { readOnly: true });
  try {
    return (await queryRows(h.con, sql)).map((r) =>
      JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
  } finally {
    h.close();
  }
}

async function loadedByDuck(db: string): Promise<number> {
  const h = await openStore(db, { readOnly: true });
  try {
    return Number((await queryRows(h.con, `SELECT count(*) FROM _events WHERE _load LIKE 'ok:%'`))[0]?.[0]);
  } finally {
    h.close();
  }
}

test('the DuckDB and Node load paths store the same rows, line numbers and dedup included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-fast-'));
  try {
    const aks = synth('aks', 2000, 11);
    // A character beyond the BMP: `_BilledSize` counts UTF-16 units on both paths.
    aks[5] = aks[5]!.replace('"stream":"stdout"', '"stream":"std\u{1F680}out"');
    assert.ok(aks[5]!.includes('\u{1F680}'));
    const raw = synth('raw', 500, 12);
    // The layout Azure writes blobs in: DuckDB must not read `resourceId=...` as a partition column.
    const blobDir = join(dir, 'resourceId=', 'SUBSCRIPTIONS', 'S1', 'y=2026', 'm=11', 'd=20', 'h=09');
    mkdirSync(blobDir, { recursive: true });
    const files = [
      join(blobDir, 'PT1H.json'),
      join(dir, 'raw.jsonl'),
      join(dir, 'aks-again.jsonl'),
      join(dir, 'activity.jsonl'),
    ];
    // Activity Log records are read by Node: CloudAuditEvents then mixes both paths' rows.
    writeFileSync(files[3]!, `${synth('activity', 100, 13).join('\n')}\n`);
    writeFileSync(files[0]!, `${aks.join('\n')}\n`);
    // No newline at the end of the last line.
    writeFileSync(files[1]!, raw.join('\n'));
    // 50 records seen before (another file), then 30 new ones of which 10 repeat inside this file.
    const fresh = synth('aks', 2030, 11).slice(2000);
    writeFileSync(files[2]!, `${[...aks.slice(100, 150), ...fresh, ...fresh.slice(0, 10)].join('\n')}\n`);
    const viaDuck = join(dir, 'duck.duckdb');
    const viaNode = join(dir, 'node.duckdb');
    const a = await loadFiles(viaDuck, files);
    const b = await loadFiles(viaNode, files, { fast: false });
    assert.deepEqual(a.added, b.added);
    assert.equal(a.added['_events'], 2000 + 500 + 30 + 100);
    assert.equal(a.added['CloudAuditEvents'], 2000 + 500 + 30 + 100);
    assert.equal(a.added['AzureActivity'], 100);
    assert.equal(await loadedByDuck(viaDuck), 2530, 'every audit file took the DuckDB path');
    assert.equal(await loadedByDuck(viaNode), 0);
    const events = `SELECT * EXCLUDE (_load) FROM _events ORDER BY _id`;
    assert.deepEqual(await dump(viaDuck, events), await dump(viaNode, events));
    // First occurrence wins: the repeated records keep the line of their first file.
    const lines = await dump(
      viaDuck,
      `SELECT file, min(line), max(line), count(*) FROM _events GROUP BY file ORDER BY file`,
    );
    assert.deepEqual(lines, [
      JSON.stringify([files[3], 1, 100, '100']),
      JSON.stringify([files[2], 51, 80, '30']),
      JSON.stringify([files[1], 1, 500, '500']),
      JSON.stringify([files[0], 1, 2000, '2000']),
    ]);
    for (const t of listTables()) {
      const q = `SELECT * FROM "${t.name}" ORDER BY _id`;
      assert.deepEqual(await dump(viaDuck, q), await dump(viaNode, q), t.name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('retention applies the same way on both paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-fast-'));
  try {
    const file = join(dir, 'aks.jsonl');
    writeFileSync(file, `${synth('aks', 1000, 5).join('\n')}\n`);
    // The synthetic records are ~10 ms apart from defaultStart: keep roughly the second half.
    const opts = { retentionMs: 3_600_000, now: Date.parse(defaultStart) + 5_000 + 3_600_000 };
    const a = await loadFiles(join(dir, 'a.duckdb'), [file], opts);
    const b = await loadFiles(join(dir, 'b.duckdb'), [file], { ...opts, fast: false });
    assert.deepEqual(a.added, b.added);
    assert.ok((a.added['_events'] ?? 0) > 0 && (a.added['_events'] ?? 0) < 1000);
    assert.equal(await loadedByDuck(join(dir, 'a.duckdb')), a.added['_events']);
    const q = `SELECT _id, line FROM _events ORDER BY _id`;
    assert.deepEqual(await dump(join(dir, 'a.duckdb'), q), await dump(join(dir, 'b.duckdb'), q));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a line longer than the first one (2 MiB) is read again with a larger limit, on the DuckDB path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-fast-'));
  try {
    const raw = synth('raw', 50, 21);
    const big = JSON.parse(raw[7]!) as Record<string, unknown>;
    big['annotations'] = { 'example.com/note': 'x'.repeat(2 << 20) };
    raw[7] = JSON.stringify(big);
    const file = join(dir, 'raw.jsonl');
    writeFileSync(file, `${raw.join('\n')}\n`);
    const a = await loadFiles(join(dir, 'a.duckdb'), [file]);
    const b = await loadFiles(join(dir, 'b.duckdb'), [file], { fast: false });
    assert.deepEqual(a.added, b.added);
    assert.equal(await loadedByDuck(join(dir, 'a.duckdb')), 50);
    const q = `SELECT * EXCLUDE (_load) FROM _events ORDER BY _id`;
    assert.deepEqual(await dump(join(dir, 'a.duckdb'), q), await dump(join(dir, 'b.duckdb'), q));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('many clusters in one file, Arc among them: same rows on both paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-fast-'));
  try {
    // 24 resource ids (more than the inline limit of 16: the context comes from a join), every
    // eighth an Arc-enabled cluster.
    const lines = synth('aks', 600, 21).map((l, i) =>
      l.replace(
        /PROVIDERS\/MICROSOFT\.CONTAINERSERVICE\/MANAGEDCLUSTERS\/AKS-PROD-[A-Z]+/,
        i % 8 === 0
          ? `providers/Microsoft.Kubernetes/connectedClusters/arc-${i % 24}`
          : `PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-${i % 24}`,
      ),
    );
    const file = join(dir, 'clusters.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const a = join(dir, 'a.duckdb');
    const b = join(dir, 'b.duckdb');
    const ra = await loadFiles(a, [file]);
    const rb = await loadFiles(b, [file], { fast: false });
    assert.deepEqual(ra.added, rb.added);
    assert.equal(ra.added['ArcK8sAudit'], 75);
    assert.equal(await loadedByDuck(a), 600);
    for (const t of ['_events', ...listTables().map((v) => v.name)]) {
      const q = `SELECT * ${t === '_events' ? 'EXCLUDE (_load) ' : ''}FROM "${t}" ORDER BY _id`;
      assert.deepEqual(await dump(a, q), await dump(b, q), t);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file the SQL cannot reproduce goes to the Node reader, which quarantines its bad line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-fast-'));
  try {
    const lines = synth('aks', 300, 3);
    lines.splice(120, 0, '{"category": "kube-audit", "properties": {"log": "{truncated');
    const file = join(dir, 'aks.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const db = join(dir, 's.duckdb');
    const quarantined: { line: number; reason: string }[] = [];
    const r = await loadFiles(db, [file], { onQuarantine: (q) => quarantined.push(q) });
    assert.deepEqual(
      quarantined.map((q) => [q.line, q.reason]),
      [[121, 'malformed-json']],
    );
    assert.equal(r.added['_events'], 300);
    assert.equal(await loadedByDuck(db), 0);
    // An Event nested deeper than the limit: the file goes to Node, which quarantines that line.
    const deep = synth('raw', 20, 4);
    const nested = `${'{"a":['.repeat(120)}1${']}'.repeat(120)}`;
    deep[7] = deep[7]!.replace(/}$/, `,"requestObject":${nested}}`);
    const deepFile = join(dir, 'deep.jsonl');
    writeFileSync(deepFile, `${deep.join('\n')}\n`);
    const r3 = await loadFiles(db, [deepFile], { onQuarantine: (q) => quarantined.push(q) });
    assert.equal(r3.added['_events'], 19);
    assert.deepEqual(quarantined.at(-1)?.reason, 'too-deep');
    assert.equal(await loadedByDuck(db), 0);
    // A v1beta1 Event (keys the columns do not hold: timestamp, metadata) is read by Node too.
    const beta = corpus('falcosecurity-falco-k8s_audit/anonymous_creates_namespace_foo.json');
    const r2 = await loadFiles(db, [beta]);
    assert.equal(r2.added['_events'], 1);
    assert.equal(await loadedByDuck(db), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
