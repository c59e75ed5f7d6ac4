import type { AuditEvent, Getter } from '../../model/event.js';

/**
 * Table views: the Log Analytics / Defender tables (AKSAudit, CloudAuditEvents, AzureActivity, ...)
 * emulated over normalized events, for Kusto hunting and the DuckDB store. Column lists carry
 * Kusto types so the Kusto front end can feed them to semantic analysis and the store can create
 * typed columns.
 *
 * Row value representation by column type:
 * string/guid -> string; datetime -> `Date`; dynamic -> plain JSON value (object, array, string,
 * number, boolean); long/int/real -> number; bool -> boolean; timespan -> number of milliseconds;
 * missing -> null.
 */

export type ColumnType =
  | 'string'
  | 'datetime'
  | 'dynamic'
  | 'long'
  | 'int'
  | 'real'
  | 'bool'
  | 'timespan'
  | 'guid';

export interface TableColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly description?: string;
}

export interface TableView {
  readonly name: string;
  readonly description?: string;
  readonly columns: readonly TableColumn[];
  /** Whether the event has a row in this table. */
  accepts(ev: AuditEvent): boolean;
  /** The event's row (call only when `accepts(ev)`); every column is present, missing values are null. */
  row(ev: AuditEvent): Record<string, unknown>;
  /** One column's value getter (already coerced to the column type), for lazy column access; undefined for unknown columns. */
  column(name: string): Getter | undefined;
  /**
   * For a dynamic column that can give some of its top-level keys without building the whole value:
   * a getter of those keys only (the present ones), or null where the column is null.
   */
  columnParts?(name: string): PartsGetter | undefined;
}

/** The listed top-level keys of a dynamic value (those present), or null when the value is null. */
export type PartsGetter = (ev: AuditEvent, keys: readonly string[]) => Record<string, unknown> | null;

/** A column with the accessor that computes its raw value. */
export interface ColumnDef extends TableColumn {
  readonly get: (ev: AuditEvent) => unknown;
  /** Dynamic columns: the same value cut down to some top-level keys, without building the rest. */
  readonly parts?: PartsGetter;
}

/**
 * Builds a TableView from column definitions; values are coerced to their column type.
 * @example
 * const t = defineTable('T', (ev) => ev.kind === 'audit', [{ name: 'Verb', type: 'string', get: (ev) => ev.audit?.verb }]);
 * t.row(ev) // { Verb: 'create' }
 */
export function defineTable(
  name: string,
  accepts: (ev: AuditEvent) => boolean,
  defs: readonly ColumnDef[],
  description?: string,
): TableView {
  const getters = new Map<string, Getter>();
  for (const d of defs) {
    const coerce = COERCE[d.type];
    const get = d.get;
    getters.set(d.name, (ev) => coerce(get(ev)));
  }
  const entries = [...getters.entries()];
  const parts = new Map<string, PartsGetter>();
  for (const d of defs) if (d.parts && d.type === 'dynamic') parts.set(d.name, d.parts);
  const columns = defs.map((d) =>
    d.description === undefined
      ? { name: d.name, type: d.type }
      : { name: d.name, type: d.type, description: d.description },
  );
  return {
    name,
    ...(description === undefined ? {} : { description }),
    columns,
    accepts,
    row(ev) {
      const out: Record<string, unknown> = {};
      for (const [k, g] of entries) out[k] = g(ev);
      return out;
    },
    column: (c) => getters.get(c),
    columnParts: (c) => parts.get(c),
  };
}

const isMissing = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));

function toStr(v: unknown): string | null {
  if (isMissing(v)) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function toNum(v: unknown): number | null {
  if (isMissing(v) || v === '') return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function toInt(v: unknown): number | null {
  const n = toNum(v);
  return n === null ? null : Math.trunc(n);
}

function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
    return null;
  }
  if (typeof v === 'number') return v !== 0;
  return null;
}

function toDate(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? new Date(v) : null;
  if (typeof v === 'string' && v) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t);
  }
  return null;
}

function toDynamic(v: unknown): unknown {
  if (isMissing(v)) return null;
  return v;
}

const COERCE: Record<ColumnType, (v: unknown) => unknown> = {
  string: toStr,
  guid: toStr,
  datetime: toDate,
  dynamic: toDynamic,
  long: toInt,
  int: toInt,
  real: toNum,
  bool: toBool,
  timespan: toNum,
};
