import type { Query } from '../../ir/query.js';
import { compileAggregate } from './aggregates.js';
import type { OrderedRel, QueryCompiler } from './compile-query.js';
import { compileScalar } from './compile-scalar.js';
import type { Rel, RelCol } from './relation.js';
import { unsupported } from './unsupported.js';
import { asNumber, literalSql } from './values.js';

/**
 * `make-series` as two GROUP BYs: per key and bin, then per key, with each series rebuilt as an
 * array of `n` slots (`[coalesce(values[position(bins, i)], default) FOR i IN range(n)]`). The bins
 * follow the in-memory engine (engine/kusto/make-series.ts): start = floor(from / step) * step,
 * `from` / `to` default to the data's min and max + step, slots cover [start, to).
 */
export function compileMakeSeries(c: QueryCompiler, q: Extract<Query, { kind: 'MakeSeries' }>): OrderedRel {
  const d = c.d;
  const qi = (s: string) => d.quoteIdent(s);
  const input = c.query(q.input);
  const empty: Rel = { from: '(SELECT 1 AS __one)', cols: [], hot: [] };
  const axisV = c.scalar(input, q.axis.expr);
  const isDate = q.axis.expr.type === 'datetime';
  const x = isDate ? `(${d.epochMicros(axisV.sql)} / 1000.0)` : asNumber(d, axisV);
  const bound = (e: NonNullable<typeof q.from>) => {
    const v = c.scalar(empty, e);
    return v.type === 'datetime' ? `(${d.epochMicros(v.sql)} / 1000.0)` : asNumber(d, v);
  };
  const step = `CAST(${c.expr(empty, q.step)} AS DOUBLE)`;
  const lo = q.from ? bound(q.from) : `(SELECT min(${x}) FROM ${input.from} AS ${c.alias()})`;
  const hi = q.to ? bound(q.to) : `((SELECT max(${x}) FROM ${input.from} AS ${c.alias()}) + ${step})`;
  const start = `(floor(${lo} / ${step}) * ${step})`;
  const params =
    `(SELECT ${step} AS __step, ${start} AS __start, ` +
    `CAST(greatest(0, ceil((${hi} - ${start}) / ${step})) AS BIGINT) AS __n) AS __p`;

  const ctx = c.scalarCtx(input);
  const inner: string[] = [];
  const middle: string[] = [];
  const outer: string[] = [];
  const cols: RelCol[] = [];
  q.by.forEach((k, i) => {
    const al = c.fresh(k.name);
    inner.push(`${c.expr(input, k.expr)} AS ${qi(al)}`);
    middle.push(qi(al));
    const ident = c.fresh(k.name);
    outer.push(`${qi(al)} AS ${qi(ident)}`);
    cols.push({ name: k.name, type: q.schema[i]?.type ?? k.expr.type, ident });
  });
  const keyCount = q.by.length;
  inner.push(
    `CAST(floor((${x} - __p.__start) / __p.__step) AS BIGINT) AS __b`,
    '__p.__n AS __n',
    '__p.__start AS __start',
    '__p.__step AS __step',
  );
  middle.push(
    'list(__b ORDER BY __b) AS __bins',
    'any_value(__n) AS __n',
    'any_value(__start) AS __start',
    'any_value(__step) AS __step',
  );
  q.aggregates.forEach((a, ai) => {
    const ca = compileAggregate(
      ctx,
      a,
      (e) => compileScalar(ctx, e),
      (h) => c.fresh(h),
    );
    if (ca.inner.length !== 1)
      unsupported(`make-series ${a.fn}`, 'only single-column aggregates build series', a.span);
    const v = `__v${ai}`;
    inner.push(`${ca.inner[0]!.sql} AS ${qi(ca.inner[0]!.alias)}`);
    middle.push(`list(${ca.outer[0]!} ORDER BY __b) AS ${qi(v)}`);
    const dflt = literalSql(d, a.default, a.type);
    const ident = c.fresh(a.names[0] ?? `series${ai}`);
    outer.push(
      `to_json([coalesce(${qi(v)}[list_position(__bins, i)], ${dflt}) FOR i IN range(__n)]) AS ${qi(ident)}`,
    );
    cols.push({ name: a.names[0] ?? `series${ai}`, type: 'dynamic', ident });
  });
  const axisIdent = c.fresh(q.axis.name);
  const slot = '(__start + i * __step)';
  const axisItem = isDate
    ? `strftime(${d.fromEpochMicros(`CAST(round(${slot} * 1000) AS BIGINT)`)}, '%Y-%m-%dT%H:%M:%S.%gZ')`
    : slot;
  outer.push(`to_json([${axisItem} FOR i IN range(__n)]) AS ${qi(axisIdent)}`);
  cols.push({ name: q.axis.name, type: 'dynamic', ident: axisIdent });
  // Output order as the IR schema says (keys, series, axis by default).
  const ordered = q.schema.map((s) => {
    const at = cols.findIndex((x) => x.name === s.name);
    if (at < 0) return unsupported('make-series output', `column ${s.name} not produced`, q.span);
    return { col: cols[at]!, sql: outer[at]! };
  });
  const groupInner = [
    ...q.by.map((_, i) => i + 1),
    keyCount + 1,
    keyCount + 2,
    keyCount + 3,
    keyCount + 4,
  ].join(', ');
  const innerSql =
    `SELECT ${inner.join(', ')} FROM ${input.from} AS ${c.alias()}, ${params} ` +
    `WHERE ${x} >= __p.__start AND ${x} < __p.__start + __p.__n * __p.__step AND __p.__n <= 1000000 ` +
    `GROUP BY ${groupInner}`;
  const groupMiddle = keyCount ? ` GROUP BY ${q.by.map((_, i) => i + 1).join(', ')}` : '';
  const middleSql = `SELECT ${middle.join(', ')} FROM (${innerSql}) AS ${c.alias()}${groupMiddle} HAVING count(*) > 0`;
  return {
    from: `(SELECT ${ordered.map((o) => o.sql).join(', ')} FROM (${middleSql}) AS ${c.alias()})`,
    cols: ordered.map((o) => o.col),
    hot: [],
  };
}
