import type { BinaryOp, KType, Query, Scalar } from '../../ir/query.js';
import type { SqlDialect } from './dialect.js';
import type { Rel, RelCol, RelHot } from './relation.js';
import { compileCall } from './scalar-functions.js';
import { compileHasAny, compileStrOp } from './string-ops.js';
import { unsupported } from './unsupported.js';
import {
  asBool,
  asJson,
  asNumber,
  asText,
  castType,
  isNumeric,
  literalSql,
  materialize,
  type SqlValue,
} from './values.js';

/** What compiling a scalar needs: the dialect, the relation in scope, the pinned now, and subqueries. */
export interface ScalarCtx {
  readonly d: SqlDialect;
  readonly rel: Rel;
  readonly nowMs: number;
  /** Compiles a tabular query used inside a scalar (`toscalar`, `in (T | ...)`). */
  subquery(q: Query): { readonly sql: string; readonly cols: readonly RelCol[] };
}

/**
 * Compiles a scalar IR node to SQL. Null semantics follow KQL (kusto.md section 1.6): `==`, `=~`, `in`
 * and the string predicates are false when a side is null, their negations true; `<`/`>` stay null.
 * @example compileScalar(ctx, { kind: 'Column', name: 'Verb', type: 'string' }).sql === '"Verb"'
 */
export function compileScalar(ctx: ScalarCtx, e: Scalar): SqlValue {
  const { d } = ctx;
  switch (e.kind) {
    case 'Literal':
      return { sql: literalSql(d, e.value, e.type), type: e.type, literal: e.value };
    case 'Column': {
      const c = ctx.rel.cols.find((x) => x.name === e.name);
      if (!c) return unsupported(`column ${e.name}`, 'not in scope of the SQL relation', e.span);
      const sql = d.quoteIdent(c.ident);
      if (c.type === 'dynamic')
        return { sql, type: c.type, path: { base: sql, steps: [], ...hotOf(ctx, e.name, []) } };
      return { sql, type: c.type };
    }
    case 'Member': {
      const target = compileScalar(ctx, e.target);
      const key = compileScalar(ctx, e.key);
      if (key.literal === undefined || (typeof key.literal !== 'string' && typeof key.literal !== 'number'))
        return computedMember(ctx, target, key);
      const step = key.literal;
      if (target.path) {
        const steps = [...target.path.steps, step];
        const rootCol = columnNameOfBase(ctx, target.path.base);
        const hot =
          rootCol === undefined ? {} : { ...hotOf(ctx, rootCol, steps), ...partOf(ctx, rootCol, steps) };
        return { sql: '', type: 'dynamic', path: { base: target.path.base, steps, ...hot } };
      }
      const base = target.type === 'dynamic' ? target.sql : asJson(d, target);
      return { sql: '', type: 'dynamic', path: { base, steps: [step] } };
    }
    case 'Binary':
      return compileBinary(ctx, e.op, e.left, e.right, e.type);
    case 'Negate': {
      const a = compileScalar(ctx, e.arg);
      return { sql: `(-${asNumberOrSelf(ctx, a)})`, type: e.type };
    }
    case 'StrOp':
      return {
        sql: compileStrOp(ctx, e, compileScalar(ctx, e.left), compileScalar(ctx, e.right)),
        type: 'bool',
      };
    case 'In':
      return { sql: compileIn(ctx, e), type: 'bool' };
    case 'HasAny':
      return {
        sql: compileHasAny(
          ctx,
          compileScalar(ctx, e.value),
          e.list.map((x) => compileScalar(ctx, x)),
          e.all,
          e.cs,
        ),
        type: 'bool',
      };
    case 'Between': {
      const v = compileScalar(ctx, e.value);
      const lo = compileScalar(ctx, e.low);
      const hi = compileScalar(ctx, e.high);
      let high = hi.sql;
      // `t between (t0 .. 1d)`: a timespan upper bound is a width from the lower bound.
      if (lo.type === 'datetime' && hi.type === 'timespan')
        high = d.fromEpochMicros(`(${d.epochMicros(lo.sql)} + CAST(round(${hi.sql} * 1000) AS BIGINT))`);
      const [a, l, h] = isNumeric(lo.type)
        ? [asNumber(d, v), asNumber(d, lo), asNumber(d, hi)]
        : [materialize(d, v), lo.sql, high];
      const sql = `(${a} BETWEEN ${l} AND ${h})`;
      return { sql: e.negated ? `(NOT ${sql})` : sql, type: 'bool' };
    }
    case 'Call':
      return compileCall(ctx, e, (x) => compileScalar(ctx, x));
    case 'ToScalar': {
      const sub = ctx.subquery(e.query);
      const first = sub.cols[0];
      if (!first) return unsupported('toscalar', 'the subquery has no columns', e.span);
      return { sql: `(SELECT ${d.quoteIdent(first.ident)} FROM ${sub.sql} LIMIT 1)`, type: e.type };
    }
    case 'ColumnList': {
      const sub = ctx.subquery(e.query);
      const first = sub.cols[0];
      if (!first) return unsupported('tabular list', 'the subquery has no columns', e.span);
      const item = first.type === 'dynamic' ? d.quoteIdent(first.ident) : d.toJson(d.quoteIdent(first.ident));
      return {
        sql: `(SELECT coalesce(to_json(list(${item})), '[]'::JSON) FROM ${sub.sql})`,
        type: 'dynamic',
      };
    }
  }
}

/** `x[k]` with a key computed per row: a JSON path built in SQL (string key or integer index). */
function computedMember(ctx: ScalarCtx, target: SqlValue, key: SqlValue): SqlValue {
  const { d } = ctx;
  const base = asJson(d, target);
  let path: string;
  if (isNumeric(key.type)) {
    const i = `CAST(${key.sql} AS BIGINT)`;
    path = `CASE WHEN ${i} < 0 THEN '$[#' || ${i} || ']' ELSE '$[' || ${i} || ']' END`;
  } else if (key.type === 'string') {
    path = `'$."' || replace(replace(${key.sql}, '\\', '\\\\'), '"', '\\"') || '"'`;
  } else
    return unsupported('dynamic access with a computed key', `keys of type ${key.type} are not compiled`);
  return { sql: `json_extract(${base}, ${path})`, type: 'dynamic' };
}

/** The hot column for `column.steps`, when the relation still carries one. */
function hotOf(ctx: ScalarCtx, column: string, steps: readonly (string | number)[]): { hot?: string } {
  if (steps.length === 0) return {};
  const h = ctx.rel.hot.find(
    (x) =>
      !x.json &&
      x.column === column &&
      x.path.length === steps.length &&
      x.path.every((p, i) => p === steps[i]),
  );
  return h ? { hot: ctx.d.quoteIdent(h.ident) } : {};
}

/** The JSON part holding `column.steps` (the longest prefix), when the relation carries one. */
function partOf(
  ctx: ScalarCtx,
  column: string,
  steps: readonly (string | number)[],
): { part?: { readonly ident: string; readonly depth: number } } {
  let best: RelHot | undefined;
  for (const x of ctx.rel.hot)
    if (
      x.json &&
      x.column === column &&
      x.path.length <= steps.length &&
      x.path.every((p, i) => p === steps[i]) &&
      (!best || x.path.length > best.path.length)
    )
      best = x;
  return best ? { part: { ident: ctx.d.quoteIdent(best.ident), depth: best.path.length } } : {};
}

function columnNameOfBase(ctx: ScalarCtx, base: string): string | undefined {
  return ctx.rel.cols.find((c) => ctx.d.quoteIdent(c.ident) === base)?.name;
}

const asNumberOrSelf = (ctx: ScalarCtx, v: SqlValue): string =>
  v.path || v.type === 'dynamic' ? asNumber(ctx.d, v) : v.sql;

const cmpOps: Partial<Record<BinaryOp, string>> = { lt: '<', le: '<=', gt: '>', ge: '>=' };

function compileBinary(ctx: ScalarCtx, op: BinaryOp, le: Scalar, re: Scalar, type: KType): SqlValue {
  const { d } = ctx;
  const l = compileScalar(ctx, le);
  const r = compileScalar(ctx, re);
  switch (op) {
    case 'and':
      return { sql: `(${asBool(d, l)} AND ${asBool(d, r)})`, type: 'bool' };
    case 'or':
      return { sql: `(${asBool(d, l)} OR ${asBool(d, r)})`, type: 'bool' };
    case 'eq':
    case 'ne':
    case 'eq_ci':
    case 'ne_ci': {
      const eq = equality(ctx, l, r, op === 'eq_ci' || op === 'ne_ci');
      return {
        sql: op === 'eq' || op === 'eq_ci' ? `coalesce(${eq}, false)` : `coalesce(NOT (${eq}), true)`,
        type: 'bool',
      };
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const sqlOp = cmpOps[op]!;
      const [a, b] = comparable(ctx, l, r);
      return { sql: `(${a} ${sqlOp} ${b})`, type: 'bool' };
    }
    case 'add':
    case 'sub':
      return arithmeticAddSub(ctx, op, l, r, type);
    case 'mul':
      return { sql: `(${asNumberOrSelf(ctx, l)} * ${asNumberOrSelf(ctx, r)})`, type };
    case 'div': {
      const a = asNumberOrSelf(ctx, l);
      const b = asNumberOrSelf(ctx, r);
      // Integer division truncates toward zero in KQL; DuckDB's `//` does the same.
      if ((type === 'long' || type === 'int') && !isFloat(l) && !isFloat(r))
        return { sql: `(${a} // ${b})`, type };
      return { sql: `(CAST(${a} AS DOUBLE) / ${b})`, type };
    }
    case 'mod':
      return { sql: `(${asNumberOrSelf(ctx, l)} % ${asNumberOrSelf(ctx, r)})`, type };
  }
}

const isFloat = (v: SqlValue) =>
  v.type === 'real' || v.type === 'decimal' || v.type === 'timespan' || v.type === 'dynamic';

/** Both sides in one comparable SQL domain (dynamic compared as number, text or JSON as the other side is). */
function comparable(ctx: ScalarCtx, l: SqlValue, r: SqlValue): [string, string] {
  const { d } = ctx;
  const ld = l.path !== undefined || l.type === 'dynamic';
  const rd = r.path !== undefined || r.type === 'dynamic';
  if (ld && rd) return [asText(d, l), asText(d, r)];
  if (ld || rd) {
    const other = ld ? r : l;
    if (isNumeric(other.type) || other.type === 'timespan') return [asNumber(d, l), asNumber(d, r)];
    if (other.type === 'bool') return [asBool(d, l), asBool(d, r)];
    if (other.type === 'datetime')
      return ld
        ? [`TRY_CAST(${asText(d, l)} AS TIMESTAMP)`, r.sql]
        : [l.sql, `TRY_CAST(${asText(d, r)} AS TIMESTAMP)`];
    return [asText(d, l), asText(d, r)];
  }
  if (l.type === 'bool' || r.type === 'bool') return [asBool(d, l), asBool(d, r)];
  if ((l.type === 'string') !== (r.type === 'string') && (isNumeric(l.type) || isNumeric(r.type)))
    return [asNumber(d, l), asNumber(d, r)];
  return [l.sql, r.sql];
}

/**
 * The condition of a `where`: the predicate as compileScalar gives it, except that its top-level
 * conjuncts drop the `coalesce(..., false)` that makes a comparison with null false. A WHERE drops a
 * row whose condition is NULL as it drops a false one, so the result is the same, and DuckDB can push
 * a plain `column = constant` into the table scan (zone maps, dictionary-level filtering).
 */
export function compileWhere(ctx: ScalarCtx, e: Scalar, conjunct = false): string {
  if (e.kind === 'Binary' && e.op === 'and')
    return `(${compileWhere(ctx, e.left, true)} AND ${compileWhere(ctx, e.right, true)})`;
  if (e.kind === 'Binary' && (e.op === 'eq' || e.op === 'eq_ci'))
    return equality(ctx, compileScalar(ctx, e.left), compileScalar(ctx, e.right), e.op === 'eq_ci');
  const v = compileScalar(ctx, e);
  if (conjunct) return asBool(ctx.d, v);
  return v.type === 'bool' && !v.path ? v.sql : `(${asText(ctx.d, v)} = 'true')`;
}

function equality(ctx: ScalarCtx, l: SqlValue, r: SqlValue, ci: boolean): string {
  const [a, b] = comparable(ctx, l, r);
  return ci ? `(lower(${a}) = lower(${b}))` : `(${a} = ${b})`;
}

function arithmeticAddSub(
  ctx: ScalarCtx,
  op: 'add' | 'sub',
  l: SqlValue,
  r: SqlValue,
  type: KType,
): SqlValue {
  const { d } = ctx;
  const sign = op === 'add' ? '+' : '-';
  if (l.type === 'datetime' && r.type === 'datetime' && op === 'sub')
    return { sql: `((${d.epochMicros(l.sql)} - ${d.epochMicros(r.sql)}) / 1000.0)`, type: 'timespan' };
  if (l.type === 'datetime' && r.type === 'timespan')
    return {
      sql: `${d.fromEpochMicros(`(${d.epochMicros(l.sql)} ${sign} CAST(round(${r.sql} * 1000) AS BIGINT))`)}`,
      type: 'datetime',
    };
  if (l.type === 'timespan' && r.type === 'datetime' && op === 'add')
    return {
      sql: `${d.fromEpochMicros(`(${d.epochMicros(r.sql)} + CAST(round(${l.sql} * 1000) AS BIGINT))`)}`,
      type: 'datetime',
    };
  if (l.type === 'datetime' || r.type === 'datetime')
    return unsupported(
      `datetime ${op}`,
      `${l.type} ${sign} ${r.type} is not a KQL datetime operation SQL compiles`,
    );
  const sql = `(${asNumberOrSelf(ctx, l)} ${sign} ${asNumberOrSelf(ctx, r)})`;
  return { sql: type === 'dynamic' ? d.toJson(sql) : sql, type };
}

function compileIn(ctx: ScalarCtx, e: Extract<Scalar, { kind: 'In' }>): string {
  const { d } = ctx;
  const v = compileScalar(ctx, e.value);
  const items: string[] = [];
  const subqueries: string[] = [];
  const numericList = e.list.some((x) => isNumeric(x.type)) && !e.list.some((x) => x.type === 'string');
  const asItem = (x: SqlValue) => (numericList ? asNumber(d, x) : asText(d, x));
  for (const item of e.list) {
    if (item.kind === 'ColumnList') {
      const sub = ctx.subquery(item.query);
      const first = sub.cols[0];
      if (!first) return unsupported('in (tabular)', 'the subquery has no columns', item.span);
      const col: SqlValue = { sql: d.quoteIdent(first.ident), type: first.type };
      const c = asItem(col);
      subqueries.push(`(SELECT ${e.ci ? `lower(${c})` : c} FROM ${sub.sql})`);
      continue;
    }
    const x = compileScalar(ctx, item);
    if (x.type === 'dynamic' && !x.path) {
      if (item.kind !== 'Literal' || !Array.isArray(item.value))
        return unsupported('in (dynamic array)', 'only literal arrays are flattened in SQL', item.span);
      for (const el of item.value as readonly unknown[]) {
        const lit: SqlValue =
          typeof el === 'number'
            ? { sql: `CAST(${el} AS DOUBLE)`, type: 'real' }
            : { sql: d.quoteString(typeof el === 'string' ? el : JSON.stringify(el)), type: 'string' };
        items.push(asItem(lit));
      }
      continue;
    }
    items.push(asItem(x));
  }
  const value = asItem(v);
  const lhs = e.ci ? `lower(${value})` : value;
  const parts: string[] = [];
  if (items.length) parts.push(`${lhs} IN (${items.map((x) => (e.ci ? `lower(${x})` : x)).join(', ')})`);
  for (const s of subqueries) parts.push(`${lhs} IN ${s}`);
  const any = parts.length ? `coalesce(${parts.join(' OR ')}, false)` : 'false';
  return e.negated ? `(NOT ${any})` : `(${any})`;
}

export { castType };
