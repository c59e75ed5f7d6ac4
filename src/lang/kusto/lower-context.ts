import type { Diagnostic } from '../../diag/diagnostic.js';
import { span } from '../../diag/span.js';
import type { Binding, ColumnDef, Query, Scalar } from '../../ir/query.js';
import type { CompatAlias } from './schema.js';
import type { KNode } from './syntax-tree.js';

/** Lowering state for one query: diagnostics, tabular bindings, and the let/function environment. */
export interface LowerCtx {
  readonly source: string;
  readonly diagnostics: Diagnostic[];
  readonly bindings: Binding[];
  /** Scalar `let` values and scalar function parameters in scope. */
  readonly scalars: Map<string, Scalar>;
  /** Tabular `let` names / parameters in scope -> the query they stand for (usually a `Ref`). */
  readonly tabulars: Map<string, Query>;
  /** User functions (`let f = (...) { ... }`) in scope. */
  readonly functions: Map<string, KNode>;
  /** Compatibility column aliases by table-independent column name. */
  readonly aliases: ReadonlyMap<string, CompatAlias>;
  /** Aliases already warned about at a given offset (one warning per occurrence). */
  readonly warned: Set<number>;
  /** Counter for unique binding names. */
  readonly ids: { next: number };
  /** Every table of the catalogue (for `union *` and `union T*`). */
  readonly tables: readonly { readonly name: string; readonly columns: readonly ColumnDef[] }[];
  /** Nodes to replace while lowering (by `nodeKey`), e.g. aggregation calls inside a computed summarize item. */
  substitutions?: ReadonlyMap<string, Scalar>;
}

/** A child scope (function body): same diagnostics and bindings, copied environment. */
export function childScope(ctx: LowerCtx): LowerCtx {
  return {
    ...ctx,
    scalars: new Map(ctx.scalars),
    tabulars: new Map(ctx.tabulars),
    functions: new Map(ctx.functions),
  };
}

/** Adds an error diagnostic at a node. */
export function report(
  ctx: LowerCtx,
  node: KNode,
  code: string,
  message: string,
  severity: 'error' | 'warning' = 'error',
  hint?: string,
): void {
  ctx.diagnostics.push({
    code,
    severity,
    message,
    span: span(node.start, Math.max(node.end, node.start)),
    source: ctx.source,
    ...(hint ? { hint } : {}),
  });
}

export const nodeSpan = (n: KNode) => span(n.start, n.end);

/** Columns of an input, as a name -> def map. */
export const columnMap = (cols: readonly ColumnDef[]): Map<string, ColumnDef> =>
  new Map(cols.map((c) => [c.name, c]));
