import type { KType } from '../ir/query.js';
import { isoOf } from './canonical.js';
import { physicalColumns, type StoredColumn, type StoredTable } from './schema.js';

/**
 * Encodes table-view rows as the NDJSON lines DuckDB ingests (`_id`, `_ts`, `c0..cN` per physical
 * column, `h0..hM` per hot path). Built by hand rather than with one `JSON.stringify(row)`:
 * - dynamic values are serialized through a per-batch identity cache, so a sub-object that several
 *   views share (`audit.requestObject` is `AKSAudit.RequestObject` and `CloudAuditEvents.RawEventData.RequestObject`)
 *   is stringified once per event, not once per table (the caller clears the cache between events);
 * - hot paths are read from the row objects here (a property walk) instead of being re-parsed from
 *   JSON by DuckDB, with the same text `json_extract_string` gives (strings unquoted, other values as JSON).
 */
export class RowEncoder {
  readonly cols: readonly StoredColumn[];
  private readonly hot: readonly {
    readonly col: string;
    readonly path: readonly string[];
    readonly json: boolean;
  }[];
  private readonly keys: readonly string[];

  constructor(
    readonly table: StoredTable,
    private readonly cache: Map<object, string>,
  ) {
    this.cols = physicalColumns(table);
    this.hot = table.hot.map((h) => ({ col: h.column, path: h.path, json: h.json === true }));
    this.keys = this.cols.map((_, i) => `,"c${i}":`);
  }

  /** One NDJSON line for a row. */
  line(id: string, tsIso: string | null, row: Readonly<Record<string, unknown>>): string {
    // Parts joined once: a line built with `+=` is a deep rope that V8 flattens again when the batch
    // is joined and written, which cost more than building the row (measured ~2x on AKS batches).
    const parts: string[] = [`{"_id":${JSON.stringify(id)},"_ts":${tsIso === null ? 'null' : `"${tsIso}"`}`];
    for (let i = 0; i < this.cols.length; i++) {
      const c = this.cols[i]!;
      const v = encodeValue(row[c.name], c.type);
      parts.push(
        this.keys[i]!,
        c.type === 'dynamic' ? dynamicText(v, this.cache) : (JSON.stringify(v) ?? 'null'),
      );
    }
    for (let i = 0; i < this.hot.length; i++) {
      const h = this.hot[i]!;
      const v = walkPath(row[h.col], h.path);
      // A JSON part holds the value as JSON text; a hot path its text.
      const t = h.json
        ? v === undefined || v === null
          ? null
          : dynamicText(v, this.cache)
        : hotText(v, this.cache);
      parts.push(`,"h${i}":${t === null ? 'null' : JSON.stringify(t)}`);
    }
    parts.push('}');
    return parts.join('');
  }
}

function walkPath(v: unknown, path: readonly string[]): unknown {
  let x = v;
  for (const k of path) {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return undefined;
    x = (x as Record<string, unknown>)[k];
  }
  return x;
}

/** The text DuckDB's `json_extract_string` gives for a JSON value (null for missing / JSON null). */
function hotText(v: unknown, cache: Map<object, string>): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return dynamicText(v, cache);
}

/** JSON text of a dynamic value; plain objects are built from cached member texts. */
export function dynamicText(v: unknown, cache: Map<object, string>): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const hit = cache.get(v);
  if (hit !== undefined) return hit;
  let s: string;
  if (Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) s = JSON.stringify(v) ?? 'null';
  else {
    const parts: string[] = [];
    for (const k in v) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      parts.push(`${JSON.stringify(k)}:${memberText(x, cache)}`);
    }
    s = `{${parts.join(',')}}`;
  }
  cache.set(v, s);
  return s;
}

function memberText(x: unknown, cache: Map<object, string>): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
  const hit = cache.get(x);
  if (hit !== undefined) return hit;
  const s = JSON.stringify(x) ?? 'null';
  cache.set(x, s);
  return s;
}

/**
 * Encodes a table-view value for a column of KQL type `t` as the JSON value DuckDB reads back with
 * the column's SQL type. Strings are never null in KQL: a missing string is stored as `''`.
 * @example encodeValue(new Date(0), 'datetime') === '1970-01-01T00:00:00.000Z'
 */
export function encodeValue(v: unknown, t: KType): unknown {
  switch (t) {
    case 'string':
    case 'guid':
      if (v === undefined || v === null) return '';
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'datetime':
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      if (typeof v === 'number') return isoOf(v);
      if (typeof v === 'string') {
        const ms = Date.parse(v);
        return Number.isNaN(ms) ? null : new Date(ms).toISOString();
      }
      return null;
    case 'dynamic':
      return v === undefined ? null : v;
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'int':
    case 'long': {
      const n = encodeValue(v, 'real');
      return typeof n === 'number' ? Math.trunc(n) : null;
    }
    case 'real':
    case 'decimal':
    case 'timespan':
      if (typeof v === 'number') return Number.isFinite(v) ? v : null;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
      return null;
  }
}
