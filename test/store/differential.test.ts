import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { synthLines } from '../../bench/generate.js';
import { ingest } from '../../src/ingest/index.js';
import type { KType } from '../../src/ir/query.js';
import type { AuditEvent } from '../../src/model/event.js';
import { readCatalog } from '../../src/store/catalog.js';
import { openStore, queryRows, quoteIdent } from '../../src/store/duck.js';
import { loadFiles } from '../../src/store/load.js';
import { readTableRows } from '../../src/store/result-values.js';
import { listTables } from '../../src/views/tables/index.js';
import { corpus } from '../corpus.js';

/**
 * Differential test of the store against the table views: for every table and every column, the
 * rows read back from a loaded store equal `view.row(ev)` of the events the product's reader gives
 * for the same files (real corpus samples plus labelled synthetic files from bench/generate.ts),
 * first occurrence of an id winning, as `load` dedups. Hot columns equal the text of their path.
 * The synthetic AKS and raw files take the DuckDB load path, the rest the Node path.
 */

/** A view value as the store's contract reads it back (result-values.ts `fromSql`). */
function expected(v: unknown, t: KType): unknown {
  switch (t) {
    case 'string':
    case 'guid':
      // Strings are never null in the store (a missing guid is stored as '' too).
      if (v === null || v === undefined) return '';
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'datetime':
      return v instanceof Date ? new Date(v.getTime()) : null;
    case 'dynamic':
      return v === null || v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown);
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'int':
    case 'long':
      return typeof v === 'number' ? Math.trunc(v) : null;
    default:
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
}

function pathValue(v: unknown, path: readonly string[]): unknown {
  let x = v;
  for (const k of path) {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return undefined;
    x = (x as Record<string, unknown>)[k];
  }
  return x;
}

function pathText(v: unknown, path: readonly string[]): string | null {
  let x = v;
  for (const k of path) {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return null;
    x = (x as Record<string, unknown>)[k];
  }
  if (x === undefined || x === null) return null;
  if (typeof x === 'string') return x;
  return JSON.stringify(x);
}

const corpusFiles = (): string[] => [
  corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'),
  corpus('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log'),
  corpus('elastic-integrations/azure-activitylogs/test-activitylogs-mixedcase-resourceid.log'),
  corpus('elastic-integrations/azure-activitylogs/test-time-formats-corner-cases.log'),
  corpus('elastic-integrations/azure-activitylogs/test-azure-activitylogs-duration-as-string-sample.log'),
  corpus('elastic-integrations/azure-platformlogs/test-platformlogs-kube.log'),
  corpus('elastic-integrations/gcp-audit/test-audit.log.k8s-io-excerpt.jsonl'),
  corpus('elastic-integrations/kubernetes-audit_logs/test-audit.log'),
  corpus('elastic-integrations/kubernetes-audit_logs/test-kube-audit.log'),
  ...readdirSync(corpus('falcosecurity-falco-k8s_audit'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => corpus(`falcosecurity-falco-k8s_audit/${f}`)),
];

test('every stored column equals the table view row, corpus and synthetic files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-diff-'));
  try {
    // Synthetic (labelled): AKS diagnostic records, raw audit Events, Activity Log records.
    const synth: string[] = [];
    for (const [format, events] of [
      ['aks', 1500],
      ['raw', 300],
      ['activity', 300],
    ] as const) {
      const file = join(dir, `synthetic-${format}.jsonl`);
      const lines = [...synthLines({ events, format, seed: 7 })].map((l) => l.line);
      writeFileSync(file, `${lines.join('\n')}\n`);
      synth.push(file);
    }
    const files = [...corpusFiles(), ...synth];
    const events: AuditEvent[] = [];
    const byId = new Map<string, AuditEvent>();
    for (const f of files) {
      await ingest([f], {
        event(ev) {
          if (byId.has(ev.id)) return;
          byId.set(ev.id, ev);
          events.push(ev);
        },
        quarantine() {},
      });
    }
    const db = join(dir, 'd.duckdb');
    // Small batches so several transactions and the cross-batch dedup are exercised.
    await loadFiles(db, files, { batchEvents: 700 });
    const h = await openStore(db, { readOnly: true });
    try {
      const catalog = await readCatalog(h.con);
      let compared = 0;
      for (const view of listTables()) {
        const table = catalog.get(view.name);
        assert.ok(table, `${view.name} is stored`);
        const ids = (await queryRows(h.con, `SELECT _id FROM ${quoteIdent(view.name)}`)).map((r) =>
          String(r[0]),
        );
        const stored = await readTableRows(h.con, table);
        const want = events.filter((ev) => view.accepts(ev));
        assert.equal(stored.length, want.length, `${view.name}: row count`);
        const got = new Map(ids.map((id, i) => [id, stored[i]!]));
        for (const ev of want) {
          const row = got.get(ev.id);
          assert.ok(row, `${view.name}: row of ${ev.id}`);
          const viewRow = view.row(ev);
          for (const c of view.columns) {
            assert.deepStrictEqual(
              row[c.name],
              expected(viewRow[c.name], c.type),
              `${view.name}.${c.name} of ${ev.id} (${ev.source.file}:${ev.source.line})`,
            );
            compared++;
          }
        }
        // Hot columns hold the text of their path in the view's dynamic value.
        for (const hot of table.hot) {
          const rows = await queryRows(
            h.con,
            `SELECT _id, ${quoteIdent(hot.physical)} FROM ${quoteIdent(view.name)}`,
          );
          for (const [id, text] of rows) {
            const ev = byId.get(String(id));
            assert.ok(ev);
            const where = `${view.name}.${hot.physical} of ${String(id)}`;
            if (hot.json)
              // A JSON part holds the value at its path as JSON.
              assert.deepStrictEqual(
                text === null ? null : JSON.parse(String(text)),
                pathValue(view.row(ev)[hot.column], hot.path) ?? null,
                where,
              );
            else assert.equal(text, pathText(view.row(ev)[hot.column], hot.path), where);
          }
        }
      }
      assert.ok(compared > 50_000, `compared ${compared} values`);
      const n = await queryRows(
        h.con,
        `SELECT count(*), count(*) FILTER (WHERE _load LIKE 'ok:%') FROM _events`,
      );
      assert.equal(Number(n[0]?.[0]), events.length);
      // Both load paths wrote rows: DuckDB read the synthetic AKS and raw JSON Lines itself
      // (fast-load.ts), Node the rest.
      const byDuck = Number(n[0]?.[1]);
      assert.ok(byDuck >= 1500 && byDuck < events.length, `rows loaded by DuckDB: ${byDuck}`);
    } finally {
      h.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
