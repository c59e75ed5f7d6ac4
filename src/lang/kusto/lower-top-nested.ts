import type { ColumnDef, NamedExpr, Query, TopNestedLevel } from '../../ir/query.js';
import { topNestedRows } from '../../ir/query.js';
import { type LowerCtx, nodeSpan, report } from './lower-context.js';
import { lowerTabular } from './lower-query.js';
import { lowerScalar } from './lower-scalar.js';
import { lowerAggregates } from './lower-summarize.js';
import type { KNode } from './syntax-tree.js';

/**
 * Lowers `top-nested` clauses. Output names and types come from the analyzer's schema (two columns
 * per clause: the key, then the aggregate, `aggregated_<key>` unless named). A clause's aggregation
 * is lowered as a summarize over the rows of one partition, so every aggregation (and arithmetic
 * over aggregations) summarize supports works here too.
 */
export function lowerTopNested(op: KNode, input: Query, ctx: LowerCtx): Query {
  const inCols = input.schema;
  const clauses = op.props.Clauses?.items ?? [];
  const schema: ColumnDef[] = op.columns ?? [];
  const span = nodeSpan(op);
  const levels: TopNestedLevel[] = [];
  clauses.forEach((c, i) => {
    const keyCol = schema[2 * i];
    const aggCol = schema[2 * i + 1];
    const of = c.props.OfExpression;
    const by = c.props.ByExpression;
    if (!keyCol || !aggCol || !of || !by) return;
    const keyExpr = of.kind === 'SimpleNamedExpression' ? (of.props.Expression as KNode) : of;
    const key: NamedExpr = {
      name: keyCol.name,
      expr: lowerScalar(keyExpr, inCols, ctx, lowerTabular),
      span: nodeSpan(of),
    };
    const ordered = by.kind === 'OrderedExpression' ? (by.props.Expression as KNode) : by;
    const dir = by.props.Ordering?.props.AscOrDescKeyword?.text?.toLowerCase();
    const othersNode = c.props.WithOthersClause?.props.Expression;
    if (othersNode && i < clauses.length - 1) {
      report(
        ctx,
        c.props.WithOthersClause as KNode,
        'KUS010',
        "'with others' is supported on the last top-nested clause only",
      );
      return;
    }
    const { aggregates, computed } = lowerAggregates([ordered], inCols, [aggCol], ctx);
    const rows: Query = { kind: 'Ref', name: topNestedRows, schema: inCols };
    const summarized: Query = {
      kind: 'Summarize',
      input: rows,
      aggregates,
      by: [],
      schema: aggregates.flatMap((a) => a.names.map((n) => ({ name: n, type: a.type }))),
      span: nodeSpan(by),
    };
    const aggregate: Query = computed.length
      ? {
          kind: 'Extend',
          input: summarized,
          columns: computed,
          schema: [...summarized.schema, ...computed.map((x) => ({ name: x.name, type: x.expr.type }))],
        }
      : summarized;
    const count = c.props.Expression;
    levels.push({
      ...(count ? { count: lowerScalar(count, inCols, ctx, lowerTabular) } : {}),
      key,
      ...(othersNode ? { others: lowerScalar(othersNode, inCols, ctx, lowerTabular) } : {}),
      aggregate,
      aggName: aggCol.name,
      desc: dir !== 'asc',
    });
  });
  return { kind: 'TopNested', input, levels, schema, span };
}
