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

/** Rows per JSON text in `jsonRowsSql`. */
const rowsPerText = 2048;

/**
 * The compiled query wrapped so DuckDB returns its rows as JSON: each row a JSON array of its output
 * columns (`__out0..`), 2,048 rows joined per text (a `[...]` list without its brackets), in the
 * query's order. Crossing into JS costs per value more than per byte: 1M rows x 8 columns took 2.0 s
 * to convert as one text per row and 0.15 s as 489 texts, then 0.4-0.5 s to parse either way; one
 * value per cell was slower still (7.6 s). Non-finite doubles travel as text.
 */
export function jsonRowsSql(sql: string, columns: readonly ColumnDef[]): string {
  const values = columns.map((c, i) => {
    const x = `_r."__out${i}"`;
    switch (c.type) {
      case 'dynamic':
        return `CAST(${x} AS JSON)`;
      case 'int':
      case 'long':
      case 'real':
      case 'decimal':
      case 'timespan':
        return `CASE WHEN ${x} IS NULL OR isfinite(${x}) THEN to_json(${x}) ELSE to_json(CAST(${x} AS VARCHAR)) END`;
      default:
        return x;
    }
  });
  const row = values.length ? `CAST(json_array(${values.join(', ')}) AS VARCHAR)` : `'[]'`;
  const group = `(_n - 1) // ${rowsPerText}`;
  return `SELECT string_agg(_j, ',' ORDER BY _n) FROM (SELECT row_number() OVER () AS _n, ${row} AS _j FROM (${sql}) _r) GROUP BY ${group} ORDER BY ${group}`;
}

const nonFinite: Readonly<Record<string, number>> = { inf: Infinity, '-inf': -Infinity, nan: Number.NaN };

type Convert = (v: unknown) => unknown;

/** How a value of a `jsonRowsSql` row becomes an IR value (what `fromSql` gives for the cell). */
function converter(t: KType): Convert {
  switch (t) {
    case 'dynamic':
      return (v) => v ?? null; // already parsed with the row
    case 'int':
    case 'long':
    case 'real':
    case 'decimal':
    case 'timespan':
      // non-finite doubles travel as text
      return (v) =>
        typeof v === 'number' ? v : v == null ? null : (nonFinite[String(v).toLowerCase()] ?? Number(v));
    default:
      return (v) => fromSql((v ?? null) as DuckDBValue, t);
  }
}

/** Rows of a `jsonRowsSql` result (its texts, in order) as records keyed by KQL column name. */
export function jsonToRecords(
  texts: readonly DuckDBValue[],
  columns: readonly ColumnDef[],
): Record<string, unknown>[] {
  const names = columns.map((c) => c.name);
  const convert = columns.map((c) => converter(c.type));
  const out: Record<string, unknown>[] = [];
  for (const text of texts) {
    const rows = JSON.parse(`[${String(text)}]`) as unknown[][];
    for (const r of rows) {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) o[names[i] as string] = (convert[i] as Convert)(r[i]);
      out.push(o);
    }
  }
  return out;
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
