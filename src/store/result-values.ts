import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ColumnDef, KType } from '../ir/query.js';
import { quoteIdent } from './duck.js';
import type { StoredTable } from './schema.js';

/**
 * Converting SQL results back to the query IR's runtime values (ir/query.ts): datetime -> Date,
 * dynamic -> plain JSON, numbers -> number, strings never null. The SQL side hands datetimes over as
 * epoch microseconds and dynamic values as JSON text (see compile-query.ts `outputValue`).
 */
export function fromSql(v: DuckDBValue, t: KType): unknown {
  if (v === null || v === undefined)
    return t === 'string' || t === 'guid' ? (t === 'string' ? '' : null) : null;
  switch (t) {
    case 'datetime':
      return new Date(Number(v) / 1000);
    case 'dynamic':
      return typeof v === 'string' ? (JSON.parse(v) as unknown) : null;
    case 'bool':
      return Boolean(v);
    case 'int':
    case 'long':
    case 'real':
    case 'decimal':
    case 'timespan':
      return Number(v);
    case 'string':
    case 'guid':
      return String(v);
  }
}

/** Rows of a result as records keyed by KQL column name. */
export function toRecords(
  rows: readonly DuckDBValue[][],
  columns: readonly ColumnDef[],
): Record<string, unknown>[] {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      o[c.name] = fromSql(r[i] ?? null, c.type);
    });
    return o;
  });
}

/**
 * Rows of a columnar result as records keyed by KQL column name. DuckDB's columnar read is about
 * twice as fast as its row read (1M rows x 8 columns: 3.9 s vs 8.1 s).
 */
export function columnsToRecords(
  cols: readonly (readonly DuckDBValue[])[],
  columns: readonly ColumnDef[],
  rowCount: number,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) out[r] = {};
  columns.forEach((c, i) => {
    const col = cols[i] ?? [];
    for (let r = 0; r < rowCount; r++)
      (out[r] as Record<string, unknown>)[c.name] = fromSql(col[r] ?? null, c.type);
  });
  return out;
}

/**
 * The compiled query wrapped so DuckDB returns one JSON text per row (keys `c0..cN` for its output
 * columns `__out0..`): one value a row crosses into JS instead of one per cell, about 2.3x faster
 * for large results (1M rows x 8 columns: 3.1 s vs 7.6 s). Non-finite doubles travel as text.
 */
export function jsonRowsSql(sql: string, columns: readonly ColumnDef[]): string {
  const fields = columns.map((c, i) => {
    const x = `_r."__out${i}"`;
    switch (c.type) {
      case 'dynamic':
        return `c${i} := CAST(${x} AS JSON)`;
      case 'int':
      case 'long':
      case 'real':
      case 'decimal':
      case 'timespan':
        return `c${i} := CASE WHEN ${x} IS NULL OR isfinite(${x}) THEN to_json(${x}) ELSE to_json(CAST(${x} AS VARCHAR)) END`;
      default:
        return `c${i} := ${x}`;
    }
  });
  if (fields.length === 0) return `SELECT '{}' FROM (${sql}) _r`;
  return `SELECT CAST(to_json(struct_pack(${fields.join(', ')})) AS VARCHAR) FROM (${sql}) _r`;
}

const nonFinite: Readonly<Record<string, number>> = { inf: Infinity, '-inf': -Infinity, nan: Number.NaN };

/** One value of a `jsonRowsSql` row in IR values (what `fromSql` gives for the cell). */
function fromJson(v: unknown, t: KType): unknown {
  if (t === 'dynamic') return v ?? null; // already parsed with the row
  if (typeof v === 'string' && t !== 'string' && t !== 'guid' && t !== 'datetime' && t !== 'bool')
    return nonFinite[v.toLowerCase()] ?? Number(v);
  return fromSql((v ?? null) as DuckDBValue, t);
}

/** Rows of a `jsonRowsSql` result as records keyed by KQL column name. */
export function jsonToRecords(
  texts: readonly DuckDBValue[],
  columns: readonly ColumnDef[],
): Record<string, unknown>[] {
  const keys = columns.map((_, i) => `c${i}`);
  return texts.map((text) => {
    const j = JSON.parse(String(text)) as Record<string, unknown>;
    const o: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      o[c.name] = fromJson(j[keys[i] as string], c.type);
    });
    return o;
  });
}

/**
 * Every row of a stored table in IR values (for the in-memory fallback and for export).
 * @example const rows = await readTableRows(con, catalog.get('AKSAudit')!)
 */
export async function readTableRows(
  con: DuckDBConnection,
  t: StoredTable,
): Promise<Record<string, unknown>[]> {
  const list = t.columns.map((c) => {
    const id = quoteIdent(c.physical);
    if (c.type === 'datetime') return `epoch_us(${id})`;
    if (c.type === 'dynamic') return `CAST(${id} AS VARCHAR)`;
    return id;
  });
  if (list.length === 0) return [];
  const r = await con.runAndReadAll(`SELECT ${list.join(', ')} FROM ${quoteIdent(t.name)}`);
  return toRecords(r.getRows(), t.columns);
}
