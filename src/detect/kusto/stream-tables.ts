import { columnUsage, type PathNode, pruneValue } from '../../engine/kusto/needed-columns.js';
import {
  compileScanPredicates,
  planScans,
  scalarColumns,
  type TableScan,
} from '../../engine/kusto/scan-plan.js';
import type { Row } from '../../engine/kusto/values.js';
import type { Query, QueryProgram } from '../../ir/query.js';
import type { AuditEvent, Getter } from '../../model/event.js';
import { getTable, type TableView } from '../../views/tables/index.js';

/**
 * Builds the table rows a KQL program reads while events stream in, one event at a time, so a hunt
 * over files never holds the events: for each table reference (scan-plan.ts) only the columns the
 * program uses are built (needed-columns.ts), the leading `where` filters run on each row as it is
 * built (the columns a filter reads are built just before it runs, so most rows are dropped after
 * two or three getters), and only passing rows are kept, with their dynamic values cut down to the
 * member paths the program reads (so the parsed event can be collected).
 *
 * One row per request, as in Defender's CloudAuditEvents: a request delivered twice (AKS
 * `kube-audit` and `kube-audit-admin`, two exports) has one `AuditEvent.id`; of the copies that
 * pass a table's filters the first is kept. The copies differ only in feed fields
 * (`AdditionalFields.Category`, `_BilledSize`), so this equals dropping the later copies up front
 * unless a filter reads those.
 */

interface Stage {
  /** Columns built just before the test runs. */
  readonly build: readonly (readonly [string, Getter | undefined])[];
  readonly test: (row: Row) => boolean;
}

interface ScanState {
  readonly scan: TableScan;
  readonly view: TableView;
  readonly stages: readonly Stage[];
  /** Columns built once every filter passed. */
  readonly rest: readonly (readonly [string, Getter | undefined])[];
  /** Dynamic columns read only through member paths, cut down on kept rows. */
  readonly prune: readonly (readonly [string, PathNode])[];
  readonly seen: Set<string> | undefined;
  readonly rows: Row[];
}

export interface TableStreamOptions {
  /** Pinned now (epoch ms) for `ago()` / `now()` in the pushed-down filters; must equal the evaluator's. */
  readonly now: number;
  /** Keep one row per request id (default true). */
  readonly dedup?: boolean;
  /** Build every column and keep dynamic values whole (the plain path, for differential tests). */
  readonly noPruning?: boolean;
  /** Run no filter while streaming (the plain path, for differential tests). */
  readonly noPushdown?: boolean;
}

/**
 * A getter of a dynamic column with only the top-level keys a program reads (`node`), built from the
 * view's parts getter (TableView.columnParts), so the rest of the value is never built:
 * CloudAuditEvents' `RawEventData` copied every top-level key of each event for a filter reading
 * `RawEventData.ObjectRef.resource`. Deeper levels are shared with the event (`pruneValue` cuts them
 * on rows that are kept). Undefined when the column is read whole or has no parts getter.
 * @example prunedGetter(getTable('CloudAuditEvents')!, 'RawEventData', columnUsage(p).paths.get('RawEventData'))
 */
export function prunedGetter(view: TableView, name: string, node: PathNode | undefined): Getter | undefined {
  if (!node || node.whole) return undefined;
  const parts = view.columnParts?.(name);
  if (!parts) return undefined;
  const keys = [...node.keys.keys()];
  if (keys.includes('__proto__')) return undefined;
  return (ev) => parts(ev, keys);
}

/** The Table node under a chain of Wheres. */
function tableNode(q: Query): Query {
  while (q.kind === 'Where') q = q.input;
  return q;
}

/**
 * Streams events into the rows of the tables a program reads.
 * @example
 * const s = new TableStreamer(program, { now });
 * await ingest(inputs, { event: (ev) => s.push(ev), quarantine });
 * evaluateProgram(program, { tables: () => undefined, scans: s.scans(), now });
 */
export class TableStreamer {
  private readonly states: ScanState[] = [];
  /** Copies of a request already kept (counted per table reference). */
  duplicates = 0;
  /** Rows kept so far, over all table references. */
  kept = 0;

  constructor(program: QueryProgram, opts: TableStreamOptions) {
    const usage = columnUsage(program);
    for (const scan0 of planScans(program)) {
      const view = getTable(scan0.table);
      if (!view) continue;
      const scan: TableScan = opts.noPushdown
        ? { ...scan0, key: tableNode(scan0.key), predicates: [] }
        : scan0;
      const wanted = opts.noPruning
        ? view.columns.map((c) => c.name)
        : view.columns.filter((c) => usage.columns.has(c.name)).map((c) => c.name);
      const built = new Set<string>();
      // Dynamic columns read through member paths: built already cut down where the view can.
      const partial = new Map<string, Getter>();
      if (!opts.noPruning)
        for (const c of view.columns) {
          const g = c.type === 'dynamic' ? prunedGetter(view, c.name, usage.paths.get(c.name)) : undefined;
          if (g) partial.set(c.name, g);
        }
      const take = (names: Iterable<string>) => {
        const out: (readonly [string, Getter | undefined])[] = [];
        for (const n of names)
          if (!built.has(n) && view.columns.some((c) => c.name === n)) {
            built.add(n);
            out.push([n, partial.get(n) ?? view.column(n)]);
          }
        return out;
      };
      const tests = compileScanPredicates(scan, opts.now);
      const stages = scan.predicates.map((e, i) => ({
        build: take(scalarColumns(e)),
        test: tests[i] as (row: Row) => boolean,
      }));
      const dynamic = new Set(view.columns.filter((c) => c.type === 'dynamic').map((c) => c.name));
      const prune: (readonly [string, PathNode])[] = [];
      if (!opts.noPruning)
        for (const n of wanted) {
          const node = usage.paths.get(n);
          if (node && !node.whole && dynamic.has(n)) prune.push([n, node]);
        }
      this.states.push({
        scan,
        view,
        stages,
        rest: take(wanted),
        prune,
        seen: opts.dedup === false ? undefined : new Set(),
        rows: [],
      });
    }
  }

  /** The table references rows are built for (with the filters that run while streaming). */
  get tableScans(): readonly TableScan[] {
    return this.states.map((s) => s.scan);
  }

  /** Adds one event to every table reference it has a row in. */
  push(ev: AuditEvent): void {
    const states = this.states;
    for (let s = 0; s < states.length; s++) {
      const st = states[s] as ScanState;
      if (!st.view.accepts(ev)) continue;
      const row: Row = {};
      let pass = true;
      for (let i = 0; i < st.stages.length; i++) {
        const stage = st.stages[i] as Stage;
        for (const [n, g] of stage.build) row[n] = g ? g(ev) : null;
        if (!stage.test(row)) {
          pass = false;
          break;
        }
      }
      if (!pass) continue;
      if (st.seen) {
        if (st.seen.has(ev.id)) {
          this.duplicates++;
          continue;
        }
        st.seen.add(ev.id);
      }
      for (const [n, g] of st.rest) row[n] = g ? g(ev) : null;
      for (const [n, node] of st.prune) row[n] = pruneValue(row[n], node);
      st.rows.push(row);
      this.kept++;
    }
  }

  /** The rows of each table reference, keyed by the node they stand for (EvaluateOptions.scans). */
  scans(): Map<Query, readonly Row[]> {
    return new Map(this.states.map((s) => [s.scan.key, s.rows]));
  }
}
