import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalColumns, stagedSpec } from './canonical.js';
import { derivedWhere } from './derived-views.js';
import { inTransaction, queryRows, quoteIdent, quoteString } from './duck.js';
import { physicalColumns, type StoredTable, sqlType } from './schema.js';
import type { StagedBatch } from './stager.js';

/** A loaded file, recorded in `_files` in the same transaction as its last batch. */
export interface FileRecord {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
  readonly records: number;
  readonly events: number;
  readonly added: number;
  readonly quarantined: number;
}

const maxObject = 256 * 1024 * 1024;

/**
 * DuckDB's `maximum_object_size` for a staged file whose longest line has `maxLine` UTF-16 units:
 * the reader sizes its per-thread buffers from it, and the old fixed 256 MiB made the inserts of a 20k
 * event AKS batch 2.8x slower (2.5 s vs 0.9 s). A UTF-16 unit is at most 3 UTF-8 bytes, so any staged
 * line fits; the floor of 1 MiB keeps small batches cheap; the old 256 MiB stays the ceiling.
 * @example readerObjectSize(2000) === 1 << 20
 */
export function readerObjectSize(maxLine: number | undefined): number {
  if (maxLine === undefined) return maxObject;
  return Math.min(maxObject, Math.max(1 << 20, 2 ** Math.ceil(Math.log2(maxLine * 3 + 16))));
}

/**
 * The INSERT that moves one staged NDJSON file into its table: typed columns through DuckDB's
 * reader with an explicit column spec, hot path texts staged beside them, ids the table already holds
 * skipped (ANTI JOIN), and rows older than the retention cutoff dropped.
 * @example insertStagedSql(table, '/tmp/x/t0.ndjson')
 */
export function insertStagedSql(
  t: StoredTable,
  file: string,
  cutoffIso?: string,
  maxLine?: number,
  target = t.name,
): string {
  const cols = physicalColumns(t);
  const spec = [
    `_id:'VARCHAR'`,
    `_ts:'TIMESTAMP'`,
    ...cols.map((c, i) => `c${i}:'${sqlType(c.type)}'`),
    ...t.hot.map((_, i) => `h${i}:'VARCHAR'`),
  ];
  const into = [
    '_id',
    '_ts',
    ...cols.map((c) => quoteIdent(c.physical)),
    ...t.hot.map((h) => quoteIdent(h.physical)),
  ];
  const select = [
    's._id',
    's._ts',
    ...cols.map((c, i) => (c.type === 'string' || c.type === 'guid' ? `coalesce(s.c${i}, '')` : `s.c${i}`)),
    // Hot path texts come staged (row-line.ts), so DuckDB does not re-parse the JSON for them.
    ...t.hot.map((_, i) => `s.h${i}`),
  ];
  const where = cutoffIso ? ` WHERE s._ts IS NULL OR s._ts >= TIMESTAMP ${quoteString(cutoffIso)}` : '';
  return (
    `INSERT INTO ${quoteIdent(target)} (${into.join(', ')}) SELECT ${select.join(', ')} ` +
    `FROM read_ndjson(${quoteString(file)}, columns={${spec.join(', ')}}, maximum_object_size=${readerObjectSize(maxLine)}) s ` +
    `ANTI JOIN ${quoteIdent(target)} e ON s._id = e._id${where}`
  );
}

function insertEventsSql(file: string, cutoffIso?: string, maxLine?: number): string {
  const where = cutoffIso ? ` WHERE s.c1 IS NULL OR s.c1 >= TIMESTAMP ${quoteString(cutoffIso)}` : '';
  return (
    `INSERT INTO _events (${canonicalColumns.map((c) => c.name).join(', ')}) SELECT ${canonicalColumns.map((_, i) => `s.c${i}`).join(', ')} ` +
    `FROM read_ndjson(${quoteString(file)}, columns=${stagedSpec}, maximum_object_size=${readerObjectSize(maxLine)}) s ` +
    `ANTI JOIN _events e ON s.c0 = e._id${where}`
  );
}

/** Records a loaded file in `_files` (replacing an earlier record of the same path). */
export async function recordFile(con: DuckDBConnection, f: FileRecord): Promise<void> {
  await con.run(`DELETE FROM _files WHERE path = ${quoteString(f.path)}`);
  await con.run(
    `INSERT INTO _files VALUES (${quoteString(f.path)}, ${f.size}, ${f.mtimeMs}, ${quoteString(f.sha256)}, ` +
      `${f.records}, ${f.events}, ${f.added}, ${f.quarantined}, now()::TIMESTAMP)`,
  );
}

/**
 * Rows one batch (`_load` = `load`) added to each derived audit table, from its view's predicate
 * over just those rows (counting whole views before and after grew with the store). CloudAuditEvents'
 * Activity rows are added by the caller from its staged insert.
 */
export async function countAdded(
  con: DuckDBConnection,
  names: readonly string[],
  load: string,
): Promise<number[]> {
  if (names.length === 0) return [];
  const sql = `SELECT ${names.map((n) => `count(*) FILTER (WHERE ${derivedWhere(n) ?? 'false'})`).join(', ')} FROM _events WHERE _load = ${quoteString(load)}`;
  const rows = await queryRows(con, sql);
  return names.map((_, i) => Number(rows[0]?.[i] ?? 0));
}

/**
 * Ingests one staged batch and the file records it completes, in one transaction: a crash leaves
 * the store at the previous batch, and the next load re-reads the unfinished file (its events already
 * stored are skipped by id).
 * @returns rows added per table (and `_events`).
 */
export async function ingestBatch(
  con: DuckDBConnection,
  batch: StagedBatch,
  files: readonly FileRecord[],
  cutoffIso?: string,
  derived: readonly string[] = [],
): Promise<Map<string, number>> {
  return inTransaction(con, async () => {
    const added = new Map<string, number>();
    for (const s of batch.tables) {
      if (s.rows === 0) continue;
      const r = await con.run(insertStagedSql(s.table, s.file, cutoffIso, s.maxLine, s.target));
      added.set(s.table.name, (added.get(s.table.name) ?? 0) + r.rowsChanged);
    }
    if (batch.events > 0) {
      const r = await con.run(insertEventsSql(batch.eventsFile, cutoffIso, batch.eventsMaxLine));
      added.set('_events', r.rowsChanged);
    }
    const fresh = await countAdded(con, derived, batch.load);
    for (const [i, name] of derived.entries()) added.set(name, (added.get(name) ?? 0) + (fresh[i] ?? 0));
    for (const f of files) await recordFile(con, f);
    return added;
  });
}
