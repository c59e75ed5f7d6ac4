import type { KType, Query } from '../../ir/query.js';
import { compileAggregate } from './aggregates.js';
import type { OrderedRel, QueryCompiler } from './compile-query.js';
import { compileScalar } from './compile-scalar.js';
import type { RelCol } from './relation.js';
import { asText, castType } from './values.js';

/**
 * `summarize aggs by keys`: one GROUP BY over the input (keys by position), then an outer SELECT that
 * names the columns and unpacks multi-column aggregates (`arg_max` structs, `percentiles`).
 */
export function compileSummarize(qc: QueryCompiler, q: Extract<Query, { kind: 'Summarize' }>): OrderedRel {
  const d = qc.d;
  const input = qc.query(q.input);
  const ctx = qc.scalarCtx(input);
  const inner: string[] = [];
  const outer: string[] = [];
  const cols: RelCol[] = [];
  q.by.forEach((k, i) => {
    const al = qc.fresh(k.name);
    inner.push(`${qc.expr(input, k.expr)} AS ${d.quoteIdent(al)}`);
    const ident = qc.fresh(k.name);
    outer.push(`${d.quoteIdent(al)} AS ${d.quoteIdent(ident)}`);
    cols.push({ name: k.name, type: q.schema[i]?.type ?? k.expr.type, ident });
  });
  for (const a of q.aggregates) {
    const c = compileAggregate(
      ctx,
      a,
      (x) => compileScalar(ctx, x),
      (h) => qc.fresh(h),
    );
    for (const i of c.inner) inner.push(`${i.sql} AS ${d.quoteIdent(i.alias)}`);
    c.outer.forEach((sql, i) => {
      const name = a.names[i] ?? `${a.fn}_${i}`;
      const type: KType = q.schema.find((s) => s.name === name)?.type ?? a.type;
      const ident = qc.fresh(name);
      outer.push(`${sql} AS ${d.quoteIdent(ident)}`);
      cols.push({ name, type, ident });
    });
  }
  const groupBy = q.by.length ? ` GROUP BY ${q.by.map((_, i) => i + 1).join(', ')}` : '';
  const grouped = qc.select(inner.length ? inner : ['count(*) AS __n'], input, groupBy);
  const from = `(SELECT ${outer.join(', ') || '1 AS __none'} FROM ${grouped} AS ${qc.alias()})`;
  return { from, cols, hot: [] };
}

/**
 * `parse` / `parse-where`: one `regexp_extract` per capture group, cast to the column type; rows that
 * do not match get '' / null columns, or are dropped for parse-where.
 */
export function compileParse(qc: QueryCompiler, q: Extract<Query, { kind: 'Parse' }>): OrderedRel {
  const d = qc.d;
  const input = qc.query(q.input);
  const src = `coalesce(${asText(d, qc.scalar(input, q.source))}, '')`;
  const re = d.quoteString(q.flags ? `(?${q.flags})${q.regex}` : q.regex);
  const matches = d.regexMatch(src, re);
  let rel: OrderedRel = input;
  const list = ['*'];
  const cols = [...input.cols];
  q.columns.forEach((c, i) => {
    const raw = `regexp_extract(${src}, ${re}, ${i + 1})`;
    const v =
      c.type === 'string'
        ? `CASE WHEN ${matches} THEN ${raw} ELSE '' END`
        : `CASE WHEN ${matches} THEN TRY_CAST(${raw} AS ${castType(c.type)}) END`;
    const ident = qc.fresh(c.name);
    list.push(`${v} AS ${d.quoteIdent(ident)}`);
    const at = cols.findIndex((x) => x.name === c.name);
    if (at >= 0) cols[at] = { name: c.name, type: c.type, ident };
    else cols.push({ name: c.name, type: c.type, ident });
  });
  rel = {
    from: qc.select(list, input, q.dropNonMatching ? ` WHERE ${matches}` : ''),
    cols,
    hot: input.hot.filter((h) => !q.columns.some((c) => c.name === h.column)),
  };
  return rel;
}
