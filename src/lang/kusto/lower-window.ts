import type { NamedExpr, Query, Scalar } from '../../ir/query.js';
import { type LowerCtx, report } from './lower-context.js';
import type { KNode } from './syntax-tree.js';

/** Window functions that need a serialized row set (KQL: serialize-operator.md). */
const windowFns = new Set(['prev', 'next', 'row_cumsum', 'row_number']);

/**
 * Whether rows arrive in a defined order: after sort/top/serialize/range (and operators that keep
 * order: where, extend, project*, parse, mv-expand, take).
 */
export function isSerialized(q: Query): boolean {
  switch (q.kind) {
    case 'Sort':
    case 'Top':
    case 'Serialize':
    case 'Range':
    case 'Datatable':
    case 'Print':
      return true;
    case 'Where':
    case 'Extend':
    case 'Project':
    case 'ProjectAway':
    case 'ProjectRename':
    case 'ProjectReorder':
    case 'Parse':
    case 'MvExpand':
    case 'Take':
      return isSerialized(q.input);
    default:
      return false;
  }
}

function usesWindow(e: Scalar): string | undefined {
  let found: string | undefined;
  const walk = (v: unknown): void => {
    if (found || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.kind === 'Call' && typeof o.fn === 'string' && windowFns.has(o.fn)) found = o.fn;
    // subqueries have their own rows
    if (o.kind === 'ToScalar' || o.kind === 'ColumnList') return;
    for (const [k, x] of Object.entries(o)) if (k !== 'span') walk(x);
  };
  walk(e);
  return found;
}

/**
 * Reports KUS003 when extend/project uses prev/next/row_cumsum/row_number over rows that are not
 * serialized (Kusto refuses these queries at run time; the analyzer does not check it).
 */
export function checkSerialized(items: readonly NamedExpr[], input: Query, op: KNode, ctx: LowerCtx): void {
  for (const it of items) {
    const fn = usesWindow(it.expr);
    if (fn && !isSerialized(input)) {
      report(
        ctx,
        op,
        'KUS003',
        `function '${fn}' needs serialized rows`,
        'error',
        "add '| serialize' or '| sort by ...' before it",
      );
      return;
    }
  }
}
