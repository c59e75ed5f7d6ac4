import type { Aggregate, AggFn, ColumnDef, KType, NamedExpr, Query, Scalar } from '../../ir/query.js';
import { aggregateNames, canonicalFunction } from './functions.js';
import { type LowerCtx, nodeSpan, report } from './lower-context.js';
import { listItems, lowerScalar, nameOf } from './lower-scalar.js';
import { type KNode, ktypeOf } from './syntax-tree.js';
import { outSchema, implicitName, namedItems, nodeKey } from './lower-helpers.js';
import { lowerTabular } from './lower-query.js';

/**
 * Lowering of summarize and make-series: aggregation calls (with the analyzer's output names),
 * expressions over aggregates, arg_max/arg_min with `*`.
 */

export function aggOf(e: KNode, ctx: LowerCtx): { fn: AggFn; args: KNode[]; call: KNode } | undefined {
  if (e.kind !== 'FunctionCallExpression') return undefined;
  const fn = canonicalFunction(e.symbol?.name ?? nameOf(e.props.Name, ctx.source)) as AggFn;
  if (!aggregateNames.has(fn)) return undefined;
  return { fn, args: [...listItems(e.props.ArgumentList)], call: e };
}

/** Aggregation calls nested in an expression (not inside another aggregation). */
export function nestedAggs(e: KNode, ctx: LowerCtx, out: KNode[] = []): KNode[] {
  if (aggOf(e, ctx)) {
    out.push(e);
    return out;
  }
  for (const c of Object.values(e.props)) nestedAggs(c, ctx, out);
  for (const c of e.items ?? []) nestedAggs(c, ctx, out);
  return out;
}

export interface LoweredAggregates {
  readonly aggregates: Aggregate[];
  /** Items that compute over aggregates (`x = dcount(a) * 2`): evaluated after the aggregation. */
  readonly computed: NamedExpr[];
}

/** `x = agg(...)` or `(a, b) = agg(...)` (names come from the analyzer's output schema). */
export const isNamedItem = (it: KNode): boolean =>
  it.kind === 'SimpleNamedExpression' || it.kind === 'CompoundNamedExpression';

export function lowerAggregates(
  items: readonly KNode[],
  inCols: readonly ColumnDef[],
  outNames: readonly ColumnDef[],
  ctx: LowerCtx,
): LoweredAggregates {
  const out: Aggregate[] = [];
  const computed: NamedExpr[] = [];
  let pos = 0;
  // how many output columns each item yields, to find names in the analyzer's schema
  const starItems = items.filter((it) => {
    const e = isNamedItem(it) ? it.props.Expression : it;
    return e && listItems(e.props.ArgumentList).some((a) => a.kind === 'StarExpression');
  }).length;
  const fixed = items.reduce((n, it) => {
    const e = (isNamedItem(it) ? it.props.Expression : it) as KNode;
    const args = listItems(e.props.ArgumentList);
    if (args.some((a) => a.kind === 'StarExpression')) return n;
    const fn = canonicalFunction(e.symbol?.name ?? '');
    if (fn === 'arg_max' || fn === 'arg_min') return n + Math.max(1, args.length);
    if (fn === 'percentiles') return n + Math.max(1, args.length - 1);
    return n + 1;
  }, 0);
  const starWidth = starItems ? Math.max(1, (outNames.length - fixed) / starItems) : 0;
  const lowerAgg = (
    a: NonNullable<ReturnType<typeof aggOf>>,
    names: string[],
    type: KType,
    s: KNode,
  ): Aggregate => {
    const hasStar = a.args.some((x) => x.kind === 'StarExpression');
    let args: Scalar[];
    if (hasStar) {
      const first = a.args[0] ? lowerScalar(a.args[0], inCols, ctx, lowerTabular) : undefined;
      const rest = names.slice(1).map((nm) => {
        const c = inCols.find((x) => x.name === nm);
        return { kind: 'Column', name: nm, type: c?.type ?? 'dynamic' } as Scalar;
      });
      args = first ? [first, ...rest] : rest;
    } else args = a.args.map((x) => lowerScalar(x, inCols, ctx, lowerTabular));
    return { fn: a.fn, args, names, type, span: nodeSpan(s) };
  };
  for (const it of items) {
    const named = isNamedItem(it);
    const e = (named ? it.props.Expression : it) as KNode;
    const a = aggOf(e, ctx);
    if (!a) {
      const inner = nestedAggs(e, ctx);
      const name = outNames[pos]?.name ?? `Column${pos + 1}`;
      pos++;
      if (!inner.length) {
        const nm = e.symbol?.name ?? nameOf(e.props.Name, ctx.source);
        report(
          ctx,
          e,
          e.kind === 'FunctionCallExpression' ? 'KUS011' : 'KUS012',
          e.kind === 'FunctionCallExpression'
            ? `aggregation '${nm}' is not supported by auditscope`
            : 'summarize items must use an aggregation function',
        );
        continue;
      }
      // x = f(agg1(...), agg2(...)): aggregate into hidden columns, then compute x from them
      const subst = new Map<string, Scalar>();
      for (const call of inner) {
        const ia = aggOf(call, ctx);
        if (!ia) continue;
        const hidden = `__agg${ctx.ids.next++}`;
        const t = ktypeOf(call.type);
        out.push(lowerAgg(ia, [hidden], t, call));
        subst.set(nodeKey(call), { kind: 'Column', name: hidden, type: t });
      }
      const saved = ctx.substitutions;
      ctx.substitutions = subst;
      const expr = lowerScalar(e, inCols, ctx, lowerTabular);
      ctx.substitutions = saved;
      computed.push({ name, expr, span: nodeSpan(it) });
      continue;
    }
    const hasStar = a.args.some((x) => x.kind === 'StarExpression');
    let width = 1;
    if (a.fn === 'arg_max' || a.fn === 'arg_min') width = hasStar ? starWidth : Math.max(1, a.args.length);
    else if (a.fn === 'percentiles') width = Math.max(1, a.args.length - 1);
    const names = outNames.slice(pos, pos + width).map((c) => c.name);
    pos += width;
    out.push(lowerAgg(a, names, ktypeOf(e.type ?? outNames[pos - width]?.type), it));
  }
  return { aggregates: out, computed };
}

export function lowerSummarize(op: KNode, input: Query, ctx: LowerCtx): Query {
  const inCols = input.schema;
  const schema = outSchema(
    op,
    ctx,
    inCols,
    (op.columns ?? []).map((c) => c.name),
  );
  const byItems = listItems(op.props.ByClause?.props.Expressions);
  const byNamesFromSchema = schema.slice(0, byItems.length).map((c) => c.name);
  const by = byItems.map((it, i) => {
    const ne = namedItems([it], inCols, ctx, [byNamesFromSchema[i] ?? `Column${i + 1}`])[0] as NamedExpr;
    return { ...ne, name: byNamesFromSchema[i] ?? ne.name };
  });
  const aggCols = schema.slice(by.length);
  const { aggregates, computed } = lowerAggregates(listItems(op.props.Aggregates), inCols, aggCols, ctx);
  const span = nodeSpan(op);
  if (!computed.length) return { kind: 'Summarize', input, aggregates, by, schema, span };
  const inner: ColumnDef[] = [
    ...by.map((b) => ({ name: b.name, type: b.expr.type })),
    ...aggregates.flatMap((a) =>
      a.names.map((n, i) => ({ name: n, type: i === 0 ? a.type : (a.args[i]?.type ?? 'dynamic') })),
    ),
  ];
  const summarized: Query = { kind: 'Summarize', input, aggregates, by, schema: inner, span };
  const extended: Query = {
    kind: 'Extend',
    input: summarized,
    columns: computed,
    schema: [...inner, ...computed.map((c) => ({ name: c.name, type: c.expr.type }))],
    span,
  };
  return {
    kind: 'Project',
    input: extended,
    columns: schema.map((c) => ({ name: c.name, expr: { kind: 'Column', name: c.name, type: c.type } })),
    schema,
    span,
  };
}

export function lowerMakeSeries(op: KNode, input: Query, ctx: LowerCtx): Query {
  const inCols = input.schema;
  const schema = outSchema(
    op,
    ctx,
    inCols,
    (op.columns ?? []).map((c) => c.name),
  );
  const byItems = listItems(op.props.ByClause?.props.Expressions);
  const by = namedItems(
    byItems,
    inCols,
    ctx,
    schema.slice(0, byItems.length).map((c) => c.name),
  );
  const aggItems = listItems(op.props.Aggregates);
  const aggCols = schema.slice(by.length);
  const aggregates = aggItems.map((it, i) => {
    const e = it.props.Expression as KNode;
    const [agg] = lowerAggregates([e], inCols, aggCols.slice(i, i + 1), ctx).aggregates;
    const d = it.props.DefaultExpression?.props.Expression;
    const dv = d ? lowerScalar(d, [], ctx, lowerTabular) : undefined;
    const fallback = {
      fn: 'count' as AggFn,
      args: [],
      names: [aggCols[i]?.name ?? `series${i}`],
      type: 'long' as KType,
    };
    return { ...(agg ?? fallback), default: dv?.kind === 'Literal' ? dv.value : 0 };
  });
  const onExpr = op.props.OnClause?.props.Expression as KNode;
  const axisName = aggCols[aggItems.length]?.name ?? implicitName(onExpr, ctx) ?? 'axis';
  const rc = op.props.RangeClause;
  const from = rc?.props.MakeSeriesFromClause?.props.Expression;
  const to = rc?.props.MakeSeriesToClause?.props.Expression;
  const step = rc?.props.MakeSeriesStepClause?.props.Expression;
  const sc = (x: KNode) => lowerScalar(x, [], ctx, lowerTabular);
  if (!step) report(ctx, op, 'KUS010', 'make-series needs a step');
  return {
    kind: 'MakeSeries',
    input,
    aggregates,
    axis: { name: axisName, expr: lowerScalar(onExpr, inCols, ctx, lowerTabular) },
    ...(from ? { from: sc(from) } : {}),
    ...(to ? { to: sc(to) } : {}),
    step: step ? sc(step) : { kind: 'Literal', value: 1, type: 'long' },
    by,
    schema,
    span: nodeSpan(op),
  };
}
