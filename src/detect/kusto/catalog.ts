import type { TableProvider } from '../../engine/kusto/evaluate.js';
import { type Row, setSources } from '../../engine/kusto/values.js';
import type { ColumnDef, KType } from '../../ir/query.js';
import type { TableSchema } from '../../lang/kusto/schema.js';
import type { AuditEvent } from '../../model/event.js';
import { getTable, listTables, type TableView } from '../../views/tables/index.js';

/**
 * The bridge from the table views (views/tables: AKSAudit, CloudAuditEvents, AzureActivity, ...) to
 * KQL: their schemas for the analyzer, and their rows for the evaluator.
 */
const ktype = (t: string): KType =>
  (
    ['bool', 'int', 'long', 'real', 'decimal', 'string', 'datetime', 'timespan', 'guid', 'dynamic'] as const
  ).find((k) => k === t) ?? 'dynamic';

let schemas: TableSchema[] | undefined;

/**
 * Every table view as a KQL table schema (cached).
 * @example kustoSchemas().some((t) => t.name === 'AKSAudit') === true
 */
export function kustoSchemas(): readonly TableSchema[] {
  schemas ??= listTables().map((t) => ({
    name: t.name,
    columns: t.columns.map((c): ColumnDef => ({ name: c.name, type: ktype(c.type) })),
  }));
  return schemas;
}

/** Reuses table rows across calls (scheduled rules evaluate overlapping windows of the same events). */
export type RowCache = Map<string, WeakMap<AuditEvent, Row | null>>;

export interface ProviderOptions {
  /** Tag each row with its event (`rowSources`), so results can name the events behind them. */
  readonly sources?: boolean;
  readonly cache?: RowCache;
  /** Build rows with only these columns (see engine/kusto/needed-columns.ts); default all. */
  readonly columns?: ReadonlySet<string>;
}

/**
 * Rows of every table, built lazily from events on first use of each table (then cached).
 * @example runKustoOver(q, kustoSchemas(), eventTableProvider(events))
 */
export function eventTableProvider(events: readonly AuditEvent[], opts: ProviderOptions = {}): TableProvider {
  const tables = new Map<string, Row[]>();
  return (name) => {
    let rows = tables.get(name);
    if (rows) return rows;
    const view: TableView | undefined = getTable(name);
    if (!view) return undefined;
    let memo = opts.cache?.get(name);
    if (opts.cache && !memo) opts.cache.set(name, (memo = new WeakMap()));
    const wanted = opts.columns;
    const getters = wanted
      ? view.columns.filter((c) => wanted.has(c.name)).map((c) => [c.name, view.column(c.name)] as const)
      : undefined;
    const build = (ev: AuditEvent): Row => {
      if (!getters) return view.row(ev);
      const r: Row = {};
      for (const [n, g] of getters) r[n] = g ? g(ev) : null;
      return r;
    };
    rows = [];
    for (const ev of events) {
      let row = memo?.get(ev);
      if (row === undefined) {
        row = view.accepts(ev) ? build(ev) : null;
        if (row && opts.sources) setSources(row, [ev]);
        memo?.set(ev, row);
      }
      if (row) rows.push(row);
    }
    tables.set(name, rows);
    return rows;
  };
}
