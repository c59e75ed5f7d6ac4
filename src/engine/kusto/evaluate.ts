import { assertNever } from '../../ir/expr.js';
import {
  type ColumnDef,
  type KType,
  type MvItem,
  type Query,
  type QueryProgram,
  type RenderHint,
  type SortKey,
  topNestedRows,
} from '../../ir/query.js';
import { compileAggregate, groupKey } from './aggregates.js';
import { compileScalar, type RowFn, type RowWindow, type ScalarEnv } from './compile-scalar.js';
import { evalJoin, evalLookup } from './join.js';
import { evalMakeSeries } from './make-series.js';
import { QueryRuntimeError, re2OrThrow } from './regex.js';
import { scalarFns } from './scalar-functions.js';
import {
  compareValues,
  isNull,
  normalize,
  type Row,
  setSources,
  sourcesOf,
  toBool,
  toDate,
  toNumber,
  type Value,
} from './values.js';

/** Rows of a table by name (undefined = unknown table, which yields no rows). */
export type TableProvider = (name: string) => Iterable<Row> | undefined;

export interface EvaluateOptions {
  readonly tables: TableProvider | ReadonlyMap<string, Iterable<Row>>;
  /** Pinned now (epoch ms) for now()/ago(); defaults to the clock at the start of the query. */
  readonly now?: number;
  /**
   * Rows already produced for some nodes (predicate pushdown, scan-plan.ts): a table reference with
   * its leading `where` filters applied while the rows were streamed in. Such a node is not run.
   */
  readonly scans?: ReadonlyMap<Query, readonly Row[]>;
}

/** A query's result: ordered columns with types, rows keyed by column name, the render hint. */
export interface QueryResult {
  readonly columns: readonly ColumnDef[];
  readonly rows: Row[];
  readonly render?: RenderHint;
}

interface Ctx {
  readonly tables: TableProvider;
  readonly scans?: ReadonlyMap<Query, readonly Row[]>;
  readonly env: ScalarEnv;
  readonly refs: Map<string, Row[]>;
  readonly pending: Map<string, Query>;
}

/**
 * Runs a lowered KQL program over in-memory rows. Throws `QueryRuntimeError` for runtime failures
 * that have no KQL null semantics (an invalid regex).
 * @example evaluateProgram(program, { tables: new Map([['AKSAudit', rows]]), now: Date.parse('2024-01-02') })
 */
export function evaluateProgram(p: QueryProgram, opts: EvaluateOptions): QueryResult {
  const t = opts.tables;
  const tables: TableProvider = typeof t === 'function' ? t : (name) => t.get(name);
  const now = opts.now ?? Date.now();
  const refs = new Map<string, Row[]>();
  const pending = new Map<string, Query>();
  const ctx: Ctx = {
    tables,
    ...(opts.scans ? { scans: opts.scans } : {}),
    refs,
    pending,
    env: {
      now,
      runQuery: (q) => ({ rows: run(q, ctx), columns: q.schema.map((c) => c.name) }),
    },
  };
  for (const b of p.bindings) pending.set(b.name, b.query);
  const rows = run(p.body, ctx);
  const columns = p.body.schema;
  const out = rows.map((r) => shape(r, columns));
  return p.render ? { columns, rows: out, render: p.render } : { columns, rows: out };
}

/** Keeps exactly the schema's columns, in order, normalized to their types. */
function shape(r: Row, columns: readonly ColumnDef[]): Row {
  const o: Row = {};
  for (const c of columns) o[c.name] = normalize(r[c.name], c.type);
  setSources(o, sourcesOf(r));
  return o;
}

const compile = (e: Parameters<typeof compileScalar>[0], ctx: Ctx): RowFn => compileScalar(e, ctx.env);

function run(q: Query, ctx: Ctx): Row[] {
  const scanned = ctx.scans?.get(q);
  if (scanned) return [...scanned];
  switch (q.kind) {
    case 'Table': {
      const src = ctx.tables(q.name);
      return src ? [...src] : [];
    }
    case 'Ref': {
      let rows = ctx.refs.get(q.name);
      if (!rows) {
        const b = ctx.pending.get(q.name);
        if (!b) throw new QueryRuntimeError(`'${q.name}' is not bound`);
        rows = run(b, ctx);
        ctx.refs.set(q.name, rows);
      }
      return rows;
    }
    case 'Datatable':
      return q.rows.map((vals) => {
        const r: Row = {};
        q.schema.forEach((c, i) => {
          const v = vals[i] ?? null;
          r[c.name] = c.type === 'datetime' && typeof v === 'number' ? new Date(v) : v;
        });
        return r;
      });
    case 'Range':
      return evalRange(q, ctx);
    case 'Print': {
      const r: Row = {};
      for (const c of q.columns) r[c.name] = compile(c.expr, ctx)(r);
      return [r];
    }
    case 'Where': {
      const pred = compile(q.predicate, ctx);
      return run(q.input, ctx).filter((r) => toBool(pred(r)) === true);
    }
    case 'Extend': {
      const rows = run(q.input, ctx);
      const window: RowWindow = { rows, index: 0 };
      const env = { ...ctx.env, window };
      const fns = q.columns.map((c) => [c.name, compileScalar(c.expr, env)] as const);
      return rows.map((r, i) => {
        window.index = i;
        const o: Row = { ...r };
        for (const [name, f] of fns) o[name] = f(o);
        return o;
      });
    }
    case 'Project': {
      const rows = run(q.input, ctx);
      const window: RowWindow = { rows, index: 0 };
      const env = { ...ctx.env, window };
      const fns = q.columns.map((c) => [c.name, compileScalar(c.expr, env)] as const);
      return rows.map((r, i) => {
        window.index = i;
        const o: Row = {};
        for (const [name, f] of fns) o[name] = f(r);
        setSources(o, sourcesOf(r));
        return o;
      });
    }
    case 'ProjectAway': {
      const drop = q.columns;
      return run(q.input, ctx).map((r) => {
        const o: Row = { ...r };
        for (const c of drop) delete o[c];
        return o;
      });
    }
    case 'ProjectRename':
      return run(q.input, ctx).map((r) => {
        const o: Row = { ...r };
        for (const { from } of q.renames) delete o[from];
        for (const { name, from } of q.renames) o[name] = r[from];
        return o;
      });
    case 'ProjectReorder':
    case 'Serialize':
      return run(q.input, ctx);
    case 'Summarize':
      return evalSummarize(q, ctx);
    case 'Sort':
      return sortRows(run(q.input, ctx), q.keys, ctx);
    case 'Take': {
      const n = toNumber(compile(q.count, ctx)({})) ?? 0;
      return run(q.input, ctx).slice(0, Math.max(0, n));
    }
    case 'Top': {
      const n = toNumber(compile(q.count, ctx)({})) ?? 0;
      return sortRows(run(q.input, ctx), q.keys, ctx).slice(0, Math.max(0, n));
    }
    case 'TopNested':
      return evalTopNested(q, ctx);
    case 'MvExpand':
      return evalMvExpand(run(q.input, ctx), q.items, q.bagExpansion, q.itemIndex, q.limit, ctx);
    case 'MvApply': {
      const out: Row[] = [];
      const inName = 'MvApplyInput';
      for (const r of run(q.input, ctx)) {
        const sub = evalMvExpand([r], q.items, 'bag', q.itemIndex, undefined, ctx);
        // the subquery runs once per input row, over that row's expansion
        const res = run(q.subquery, { ...ctx, refs: new Map([...ctx.refs, [inName, sub]]) });
        for (const s of res) out.push({ ...r, ...s });
      }
      return out;
    }
    case 'Parse':
      return evalParse(q, ctx);
    case 'Union': {
      const out: Row[] = [];
      q.inputs.forEach((inp, i) => {
        for (const r of run(inp, ctx))
          out.push(q.withSource ? { ...r, [q.withSource]: q.sourceNames[i] ?? '' } : r);
      });
      return out;
    }
    case 'Join':
      return evalJoin(q, run(q.left, ctx), run(q.right, ctx));
    case 'Lookup':
      return evalLookup(q, run(q.left, ctx), run(q.right, ctx));
    case 'MakeSeries':
      return evalMakeSeries(q, run(q.input, ctx), ctx.env);
    case 'As': {
      const rows = run(q.input, ctx);
      ctx.refs.set(q.name, rows);
      return rows;
    }
    default:
      return assertNever(q);
  }
}

function evalRange(q: Extract<Query, { kind: 'Range' }>, ctx: Ctx): Row[] {
  const from = compile(q.from, ctx)({});
  const to = compile(q.to, ctx)({});
  const step = toNumber(compile(q.step, ctx)({}));
  if (isNull(from) || isNull(to) || !step) return [];
  const isDate = from instanceof Date;
  const a = isDate ? (from as Date).getTime() : (toNumber(from) ?? 0);
  const b = to instanceof Date ? to.getTime() : (toNumber(to) ?? 0);
  const out: Row[] = [];
  const limit = 10_000_000;
  for (let x = a; step > 0 ? x <= b : x >= b; x += step) {
    out.push({ [q.column]: isDate ? new Date(x) : x });
    if (out.length >= limit) throw new QueryRuntimeError('range produces too many rows');
  }
  return out;
}

function evalSummarize(q: Extract<Query, { kind: 'Summarize' }>, ctx: Ctx): Row[] {
  const keys = q.by.map((b) => [b.name, compile(b.expr, ctx)] as const);
  const aggs = q.aggregates.map((a) => ({ a, make: compileAggregate(a, ctx.env) }));
  const groups = new Map<
    string,
    { key: Row; accs: ReturnType<(typeof aggs)[number]['make']>[]; src?: Set<unknown> }
  >();
  for (const r of run(q.input, ctx)) {
    const { key, k } = groupKey(keys, r);
    let g = groups.get(k);
    if (!g) {
      g = { key, accs: aggs.map((x) => x.make()) };
      groups.set(k, g);
    }
    for (const acc of g.accs) acc.add(r);
    const src = sourcesOf(r);
    if (src) {
      g.src ??= new Set();
      for (const x of src) if (g.src.size < maxSources) g.src.add(x);
    }
  }
  if (groups.size === 0 && keys.length === 0) groups.set('', { key: {}, accs: aggs.map((x) => x.make()) });
  const out: Row[] = [];
  for (const g of groups.values()) {
    const o: Row = { ...g.key };
    g.accs.forEach((acc, i) => {
      const names = aggs[i]?.a.names ?? [];
      acc.result().forEach((v, j) => {
        const n = names[j];
        if (n !== undefined) o[n] = v;
      });
    });
    setSources(o, g.src ? [...g.src] : undefined);
    out.push(o);
  }
  return out;
}

/** Most source records a summarized row keeps. */
const maxSources = 1000;

/**
 * `top-nested`: each level partitions the rows it is given by its key (summarize's grouping),
 * aggregates each partition, keeps the top `count` by the aggregate (nulls last, ties in first-seen
 * order) and hands each kept partition's rows to the next level.
 */
function evalTopNested(q: Extract<Query, { kind: 'TopNested' }>, ctx: Ctx): Row[] {
  const out: Row[] = [];
  const levels = q.levels.map((l) => ({
    l,
    key: [[l.key.name, compile(l.key.expr, ctx)]] as const,
    count: l.count ? toNumber(compile(l.count, ctx)({})) : undefined,
    others: l.others ? compile(l.others, ctx)({}) : undefined,
  }));
  const aggregateOf = (l: (typeof levels)[number]['l'], rows: Row[]): Value => {
    const r = run(l.aggregate, { ...ctx, refs: new Map([...ctx.refs, [topNestedRows, rows]]) })[0];
    return r?.[l.aggName] ?? null;
  };
  const descend = (i: number, rows: Row[], prefix: Row): void => {
    const lv = levels[i];
    if (!lv) {
      out.push(prefix);
      return;
    }
    const parts = new Map<string, { key: Row; rows: Row[] }>();
    for (const r of rows) {
      const { key, k } = groupKey(lv.key, r);
      let p = parts.get(k);
      if (!p) {
        p = { key, rows: [] };
        parts.set(k, p);
      }
      p.rows.push(r);
    }
    const ranked = [...parts.values()].map((p, order) => ({ ...p, agg: aggregateOf(lv.l, p.rows), order }));
    ranked.sort((x, y) => {
      const xn = isNull(x.agg);
      const yn = isNull(y.agg);
      if (xn || yn) return xn && yn ? x.order - y.order : xn ? 1 : -1;
      const c = compareValues(x.agg, y.agg) ?? 0;
      return c !== 0 ? (lv.l.desc ? -c : c) : x.order - y.order;
    });
    const n = lv.count === undefined || lv.count === null ? ranked.length : Math.max(0, lv.count);
    for (const p of ranked.slice(0, n))
      descend(i + 1, p.rows, { ...prefix, ...p.key, [lv.l.aggName]: p.agg });
    const rest = ranked.slice(n);
    if (lv.l.others !== undefined && rest.length)
      out.push({
        ...prefix,
        [lv.l.key.name]: lv.others ?? null,
        [lv.l.aggName]: aggregateOf(
          lv.l,
          rest.flatMap((p) => p.rows),
        ),
      });
  };
  descend(0, run(q.input, ctx), {});
  return out;
}

function sortRows(rows: Row[], keys: readonly SortKey[], ctx: Ctx): Row[] {
  const fns = keys.map((k) => ({ f: compile(k.expr, ctx), desc: k.desc, nullsFirst: k.nullsFirst }));
  const decorated = rows.map((r, i) => ({ r, i, v: fns.map((k) => k.f(r)) }));
  decorated.sort((x, y) => {
    for (let j = 0; j < fns.length; j++) {
      const k = fns[j] as (typeof fns)[number];
      const a = x.v[j];
      const b = y.v[j];
      const an = isNull(a);
      const bn = isNull(b);
      if (an || bn) {
        if (an && bn) continue;
        return an === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(a, b) ?? 0;
      if (c !== 0) return k.desc ? -c : c;
    }
    return x.i - y.i;
  });
  return decorated.map((d) => d.r);
}

/** Casts an expanded element for `to typeof(T)`; non-conforming values become null. */
function castTo(v: Value, t: KType): Value {
  if (isNull(v)) return null;
  switch (t) {
    case 'string':
      return typeof v === 'string' ? v : scalarFns.tostring?.([v], ['dynamic'], { now: 0 }, 'string');
    case 'long':
    case 'int':
    case 'real':
    case 'decimal': {
      const n = toNumber(v);
      return n === null ? null : t === 'real' || t === 'decimal' ? n : Math.trunc(n);
    }
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'datetime':
      return toDate(v);
    default:
      return v;
  }
}

function expandOne(v: Value, bag: 'bag' | 'array'): Value[] {
  if (v === null || v === undefined) return [null];
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && !(v instanceof Date)) {
    return Object.entries(v as Row).map(([k, x]) => (bag === 'array' ? [k, x] : { [k]: x }));
  }
  return [v];
}

function evalMvExpand(
  rows: readonly Row[],
  items: readonly MvItem[],
  bag: 'bag' | 'array',
  itemIndex: string | undefined,
  limit: number | undefined,
  ctx: Ctx,
): Row[] {
  const fns = items.map((it) => ({ it, f: compile(it.expr, ctx) }));
  const out: Row[] = [];
  for (const r of rows) {
    const lists = fns.map(({ f }) => expandOne(f(r), bag));
    let n = Math.max(0, ...lists.map((l) => l.length));
    if (limit !== undefined) n = Math.min(n, limit);
    for (let i = 0; i < n; i++) {
      const o: Row = { ...r };
      fns.forEach(({ it }, j) => {
        const v = lists[j]?.[i];
        o[it.name] = v === undefined ? null : it.toType ? castTo(v, it.toType) : v;
      });
      if (itemIndex) o[itemIndex] = i;
      out.push(o);
    }
  }
  return out;
}

function evalParse(q: Extract<Query, { kind: 'Parse' }>, ctx: Ctx): Row[] {
  const src = compile(q.source, ctx);
  const re = re2OrThrow(q.regex, q.flags.replace(/[^ism]/g, ''));
  const out: Row[] = [];
  for (const r of run(q.input, ctx)) {
    const text = String(normalize(src(r), 'string'));
    const m = re.matcher(text);
    const ok = m.find();
    if (!ok && q.dropNonMatching) continue;
    const o: Row = { ...r };
    q.columns.forEach((c, i) => {
      const g = ok ? m.group(`c${i}`) : null;
      o[c.name] = g === null ? (c.type === 'string' ? '' : null) : castTo(g, c.type);
    });
    if (q.dropNonMatching && q.columns.some((c) => c.type !== 'string' && o[c.name] === null)) continue;
    out.push(o);
  }
  return out;
}
