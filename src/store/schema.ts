import type { ColumnDef, KType } from '../ir/query.js';
import { eventsDdl } from './canonical.js';
import { quoteIdent } from './duck.js';
import { hotPathsFor, jsonPartsFor } from './hot-paths.js';

/**
 * The physical layout of one stored table, derived from a table view's logical column list.
 *
 * - Every logical column maps to a physical column. DuckDB identifiers are case-insensitive, so two
 *   logical names that differ only in case (`Isp` / `ISP` in CloudAuditEvents) share one physical
 *   column; the SQL compiler resolves both names to it.
 * - Hidden columns: `_id` (the event's dedup key, `AuditEvent.id`) and `_ts` (event time, for retention).
 * - Hot paths of dynamic columns (`RawEventData.ObjectRef.resource`, ...) are shredded into extra
 *   VARCHAR columns holding the path's text (what KQL `tostring()` gives), so filters on them do not
 *   parse JSON at query time (docs/decisions/0005-store-dynamic-columns.md).
 */
export interface StoredTable {
  readonly name: string;
  readonly columns: readonly StoredColumn[];
  readonly hot: readonly HotColumn[];
}

export interface StoredColumn {
  readonly name: string;
  readonly type: KType;
  /** Physical column name (unique case-insensitively within the table). */
  readonly physical: string;
}

/**
 * A shredded path of a dynamic column: `column.path[0].path[1]...` as text, or, for a `json` part,
 * the JSON value at the path (paths below it are read from the part instead of the whole column).
 */
export interface HotColumn {
  readonly column: string;
  readonly path: readonly string[];
  readonly physical: string;
  readonly json?: boolean;
}

/** The DuckDB type that stores a KQL type. Timespans are DOUBLE milliseconds (the IR's runtime encoding). */
export function sqlType(t: KType): string {
  switch (t) {
    case 'bool':
      return 'BOOLEAN';
    case 'int':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'real':
    case 'decimal':
    case 'timespan':
      return 'DOUBLE';
    case 'string':
    case 'guid':
      return 'VARCHAR';
    case 'datetime':
      return 'TIMESTAMP';
    case 'dynamic':
      return 'JSON';
  }
}

const reserved = new Set(['_id', '_ts']);

/**
 * Plans the physical layout of a table from its logical columns.
 * @example planTable('CloudAuditEvents', [{ name: 'Isp', type: 'string' }, { name: 'ISP', type: 'string' }]).columns[1].physical === 'Isp'
 */
export function planTable(name: string, columns: readonly ColumnDef[]): StoredTable {
  const byLower = new Map<string, StoredColumn>();
  const used = new Set<string>([...reserved]);
  const out: StoredColumn[] = [];
  for (const c of columns) {
    const lower = c.name.toLowerCase();
    const prior = byLower.get(lower);
    if (prior && prior.type === c.type) {
      out.push({ name: c.name, type: c.type, physical: prior.physical });
      continue;
    }
    const physical = unique(c.name, used);
    const col = { name: c.name, type: c.type, physical };
    if (!prior) byLower.set(lower, col);
    out.push(col);
  }
  const hot: HotColumn[] = [];
  for (const c of out) {
    if (c.type !== 'dynamic' || hot.some((h) => h.column === c.name)) continue;
    if (out.find((o) => o.physical === c.physical) !== c) continue;
    for (const path of hotPathsFor(name, c.name)) {
      hot.push({ column: c.name, path, physical: unique(`_h_${c.physical}_${path.join('_')}`, used) });
    }
    for (const path of jsonPartsFor(name, c.name)) {
      hot.push({
        column: c.name,
        path,
        physical: unique(`_j_${c.physical}_${path.join('_')}`, used),
        json: true,
      });
    }
  }
  return { name, columns: out, hot };
}

function unique(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}_${i}`;
  used.add(name.toLowerCase());
  return name;
}

/** Distinct physical columns of a table, in order (shared case-variant columns once). */
export function physicalColumns(t: StoredTable): StoredColumn[] {
  const seen = new Set<string>();
  const out: StoredColumn[] = [];
  for (const c of t.columns) {
    if (seen.has(c.physical)) continue;
    seen.add(c.physical);
    out.push(c);
  }
  return out;
}

/** `CREATE TABLE IF NOT EXISTS` for a planned table. */
export function createTableSql(t: StoredTable, name = t.name): string {
  const cols = [
    '_id VARCHAR NOT NULL',
    '_ts TIMESTAMP',
    ...physicalColumns(t).map((c) => `${quoteIdent(c.physical)} ${sqlType(c.type)}`),
    ...t.hot.map((h) => `${quoteIdent(h.physical)} VARCHAR`),
  ];
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(name)} (${cols.join(', ')})`;
}

/** Metadata tables every store has. */
export const metaDdl: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS _tables (name VARCHAR PRIMARY KEY, spec JSON NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS _files (path VARCHAR NOT NULL, size BIGINT, mtime_ms DOUBLE, sha256 VARCHAR,
     records BIGINT, events BIGINT, added BIGINT, quarantined BIGINT, loaded_at TIMESTAMP)`,
  eventsDdl,
];

/** The schema version written to `_meta`; bump when the physical layout changes incompatibly. */
export const storeVersion = '2';
