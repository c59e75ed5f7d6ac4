import type { Query, QueryProgram, Scalar } from '../../ir/query.js';
import { compileScalar, type RowFn } from './compile-scalar.js';
import { QueryRuntimeError } from './regex.js';
import { toBool, type Row } from './values.js';

/**
 * Predicate pushdown: every table reference of a program with the `where` filters that directly
 * follow it. A streaming reader builds each table's rows one at a time, keeps only the rows that
 * pass these filters, and hands them to the evaluator under `key` (EvaluateOptions.scans), which
 * then skips those `where` nodes: memory holds only the surviving rows.
 */
export interface TableScan {
  /** The table name (`CloudAuditEvents`). */
  readonly table: string;
  /** The node whose rows the scan produces: the topmost pushed-down Where, or the Table node itself. */
  readonly key: Query;
  /** The pushed-down predicates, innermost (first applied) first. */
  readonly predicates: readonly Scalar[];
}

/** Functions whose value depends on the other rows (row order, counters): never pushed down. */
const rowDependent = new Set(['row_number', 'prev', 'next', 'row_cumsum']);

/**
 * Whether a predicate can run on one row at a time, with nothing but the row and the pinned now:
 * no subquery (toscalar, `in (T | ...)`: they read other tables) and no window function.
 */
export function pushable(e: Scalar): boolean {
  let ok = true;
  const walk = (v: unknown): void => {
    if (!ok || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.kind === 'ToScalar' || o.kind === 'ColumnList') ok = false;
    else if (o.kind === 'Call' && typeof o.fn === 'string' && rowDependent.has(o.fn)) ok = false;
    else for (const [k, x] of Object.entries(o)) if (k !== 'span') walk(x);
  };
  walk(e);
  return ok;
}

/**
 * Every table reference of the program (bindings, body, subqueries), each with the longest chain of
 * pushable `where` predicates directly above it. Scans are listed in a stable order (bindings, then
 * the body, depth first); a node shared by two places is listed once.
 * @example planScans(program).map((s) => [s.table, s.predicates.length]) // [['AKSAudit', 2]]
 */
export function planScans(p: QueryProgram): TableScan[] {
  const out: TableScan[] = [];
  const seen = new Set<unknown>();
  const refs = referenceCounts(p);
  const add = (table: string, key: Query, predicates: Scalar[]): void => {
    if (!out.some((s) => s.key === key)) out.push({ table, key, predicates });
  };
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.kind === 'Table') {
      // read directly (no pushable where above it here): every row of the table
      const q = o as Extract<Query, { kind: 'Table' }>;
      add(q.name, q, []);
      return;
    }
    if (o.kind === 'Where') {
      // the chain of Wheres down to a Table, if it ends at one
      const chain: Extract<Query, { kind: 'Where' }>[] = [];
      let q: Query = o as Query;
      while (q.kind === 'Where') {
        chain.push(q);
        q = q.input;
      }
      if (q.kind === 'Table') {
        // push down the bottom part of the chain that is pushable; the rest stays with the evaluator
        let i = chain.length;
        while (i > 0 && pushable((chain[i - 1] as (typeof chain)[number]).predicate)) i--;
        // a node below the top that is also used elsewhere must keep its own rows: no pushdown then
        if (refs.get(q) !== 1 || chain.slice(i + 1).some((w) => refs.get(w) !== 1)) i = chain.length;
        const pushed = chain.slice(i);
        add(q.name, pushed[0] ?? q, pushed.map((w) => w.predicate).reverse());
        for (const w of chain) seen.add(w);
        // predicates may hold subqueries that read tables of their own
        for (const w of chain) visit(w.predicate);
        return;
      }
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'span' && k !== 'schema') visit(x);
  };
  for (const b of p.bindings) visit(b.query);
  visit(p.body);
  return out;
}

/** How many times each object of the program is referenced (the IR is a tree unless a node is shared). */
function referenceCounts(p: QueryProgram): Map<unknown, number> {
  const n = new Map<unknown, number>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const c = (n.get(v) ?? 0) + 1;
    n.set(v, c);
    if (c > 1) return;
    if (Array.isArray(v)) for (const x of v) walk(x);
    else for (const [k, x] of Object.entries(v)) if (k !== 'span' && k !== 'schema') walk(x);
  };
  walk(p);
  return n;
}

/**
 * The pushed-down predicates of a scan as row tests, innermost first (a row passes when all are
 * true, in order). Compiled with the query's pinned now, so `ago()` gives what it gives in the
 * evaluator.
 * @example const tests = compileScanPredicates(scan, now); rows.filter((r) => tests.every((t) => t(r)))
 */
export function compileScanPredicates(scan: TableScan, now: number): ((row: Row) => boolean)[] {
  const env = {
    now,
    runQuery: (): never => {
      throw new QueryRuntimeError('internal: a pushed-down filter read a subquery');
    },
  };
  return scan.predicates.map((e) => {
    const f: RowFn = compileScalar(e, env);
    return (r: Row) => toBool(f(r)) === true;
  });
}

/**
 * The top-level column names a scalar reads (for building only those columns before a filter runs).
 * @example scalarColumns(pred) // Set { 'Verb' }
 */
export function scalarColumns(e: Scalar): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.kind === 'Column' && typeof o.name === 'string') out.add(o.name);
    for (const [k, x] of Object.entries(o)) if (k !== 'span') walk(x);
  };
  walk(e);
  return out;
}
