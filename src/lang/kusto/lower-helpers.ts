import type { ColumnDef, NamedExpr, Query, SortKey } from '../../ir/query.js';
import { type LowerCtx, nodeSpan } from './lower-context.js';
import { listItems, lowerScalar, nameOf } from './lower-scalar.js';
import { nodeText } from './literals.js';
import type { KNode } from './syntax-tree.js';
import { lowerTabular } from './lower-query.js';

/**
 * Helpers shared by the tabular lowering passes: output schemas, operator parameters, item names,
 * sort keys.
 */

/** Input schema of an operator inside `mv-apply ... on (subquery)`. */
export const mvApplyInput = 'MvApplyInput';

export const isTabularNode = (n: KNode): boolean =>
  n.kind === 'PipeExpression' || n.kind.endsWith('Operator') || n.kind === 'DataTableExpression';

export function uniqueName(ctx: LowerCtx, name: string): string {
  const taken = new Set(ctx.bindings.map((b) => b.name));
  if (!taken.has(name)) return name;
  return `${name}__${ctx.ids.next++}`;
}

export const empty: readonly ColumnDef[] = [];

/** Output schema from the analyzer, minus compatibility alias columns the query did not produce. */
export function outSchema(
  n: KNode,
  ctx: LowerCtx,
  input: readonly ColumnDef[],
  produced: readonly string[] = [],
): ColumnDef[] {
  const cols = n.columns ?? [...input];
  const keep = new Set([...input.map((c) => c.name), ...produced]);
  return cols.filter((c) => !ctx.aliases.has(c.name) || keep.has(c.name));
}

export function typeName(t: KNode | undefined, ctx: LowerCtx): string {
  if (!t) return 'dynamic';
  if (t.symbol?.name) return t.symbol.name;
  return nodeText(ctx.source, t).trim();
}

export function param(n: KNode, name: string, ctx: LowerCtx): KNode | undefined {
  for (const p of listItems(n.props.Parameters)) {
    if (nameOf(p.props.Name, ctx.source).toLowerCase() === name) return p.props.Expression;
  }
  return undefined;
}

export function paramText(n: KNode, name: string, ctx: LowerCtx): string | undefined {
  const e = param(n, name, ctx);
  if (!e) return undefined;
  if (typeof e.value === 'string') return e.value;
  return nameOf(e, ctx.source) || nodeText(ctx.source, e).trim();
}

/** Name of an unnamed output item: the column it references, or the last path step. */
export function implicitName(e: KNode, ctx: LowerCtx): string | undefined {
  if (e.kind === 'NameReference') return nameOf(e, ctx.source);
  if (e.kind === 'PathExpression') return nameOf(e.props.Selector, ctx.source);
  if (e.kind === 'FunctionCallExpression') {
    const a = listItems(e.props.ArgumentList)[0];
    const fn = e.symbol?.name ?? '';
    if (a && (fn === 'tostring' || fn === 'toint' || fn === 'tolong' || fn === 'todatetime' || fn === 'bin'))
      return implicitName(a, ctx);
  }
  return undefined;
}

export function namedItems(
  items: readonly KNode[],
  input: readonly ColumnDef[],
  ctx: LowerCtx,
  fallbackNames: readonly string[],
): NamedExpr[] {
  let fb = 0;
  return items.map((it, i) => {
    if (it.kind === 'SimpleNamedExpression') {
      const name = nameOf(it.props.Name, ctx.source);
      return {
        name,
        expr: lowerScalar(it.props.Expression as KNode, input, ctx, lowerTabular),
        span: nodeSpan(it),
      };
    }
    const name = implicitName(it, ctx) ?? fallbackNames[fb++] ?? `Column${i + 1}`;
    return { name, expr: lowerScalar(it, input, ctx, lowerTabular), span: nodeSpan(it) };
  });
}

export function sortKeys(items: readonly KNode[], input: readonly ColumnDef[], ctx: LowerCtx): SortKey[] {
  return items.map((it) => {
    const e = it.kind === 'OrderedExpression' ? (it.props.Expression as KNode) : it;
    const ord = it.props.Ordering;
    const dir = ord?.props.AscOrDescKeyword?.text?.toLowerCase();
    const desc = dir !== 'asc';
    const nulls = ord?.props.NullsClause?.props.FirstOrLastKeyword?.text?.toLowerCase();
    // KQL default (sort-operator.md): nulls first for asc, nulls last for desc
    const nullsFirst = nulls ? nulls === 'first' : !desc;
    return { expr: lowerScalar(e, input, ctx, lowerTabular), desc, nullsFirst };
  });
}

export function operatorWord(op: KNode, ctx: LowerCtx): string {
  const t = nodeText(ctx.source, op).trim();
  return /^[a-z][a-z-]*/i.exec(t)?.[0] ?? op.kind;
}

/** A table-name pattern with `*` wildcards as an anchored RegExp (the pattern is escaped; no user regex). */
export function globRegex(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

export function unionSchema(inputs: readonly Query[], withSource?: string): ColumnDef[] {
  const out: ColumnDef[] = withSource ? [{ name: withSource, type: 'string' }] : [];
  const seen = new Map<string, number>();
  for (const q of inputs)
    for (const c of q.schema) {
      const i = seen.get(c.name);
      if (i === undefined) {
        seen.set(c.name, out.length);
        out.push(c);
      } else if (out[i]?.type !== c.type) out[i] = { name: c.name, type: 'dynamic' };
    }
  return out;
}

/** Identity of a syntax node (for substitutions). */
export const nodeKey = (n: KNode): string => `${n.start}:${n.end}:${n.kind}`;
