import { assertNever } from '../../ir/expr.js';
import type { KType, Query, Scalar } from '../../ir/query.js';
import { QueryRuntimeError, re2OrThrow } from './regex.js';
import { type FnEnv, scalarFns } from './scalar-functions.js';
import {
  compareValues,
  flattenList,
  hasTerm,
  isNull,
  normalize,
  type Row,
  toBool,
  toDate,
  toNumber,
  toText,
  type Value,
  valuesEqual,
} from './values.js';

/** A compiled scalar: reads one row. */
export type RowFn = (row: Row) => Value;

/**
 * The rows an operator is iterating and the current position, for the window functions of serialized
 * rows (`prev`, `next`, `row_cumsum`, `row_number`). The operator owns it and moves `index`.
 */
export interface RowWindow {
  rows: readonly Row[];
  index: number;
}

/** What compiled scalars need from the evaluator: the pinned now and subquery evaluation. */
export interface ScalarEnv extends FnEnv {
  /** Set by extend/project/where while they iterate (window functions read it). */
  readonly window?: RowWindow;
  /** Evaluates a tabular subquery (toscalar, `in (T | ...)`), once per compile. */
  readonly runQuery: (q: Query) => { readonly rows: readonly Row[]; readonly columns: readonly string[] };
}

const isInt = (t: KType) => t === 'int' || t === 'long';

/**
 * Compiles a scalar IR node to a closure over a row. Semantics follow docs/kusto.md §1.6 (nulls,
 * dynamic text comparison, term `has`, integer division).
 * @example compileScalar({kind:'Column', name:'Verb', type:'string'}, env)({Verb:'get'}) === 'get'
 */
export function compileScalar(e: Scalar, env: ScalarEnv): RowFn {
  switch (e.kind) {
    case 'Literal': {
      const v = e.type === 'datetime' && typeof e.value === 'number' ? new Date(e.value) : e.value;
      return () => v;
    }
    case 'Column': {
      const { name, type } = e;
      if (type === 'string' || type === 'datetime') return (r) => normalize(r[name], type);
      return (r) => r[name] ?? null;
    }
    case 'Member': {
      const target = compileScalar(e.target, env);
      if (e.key.kind === 'Literal') {
        const k = e.key.value;
        return (r) => member(target(r), k);
      }
      const key = compileScalar(e.key, env);
      return (r) => member(target(r), key(r));
    }
    case 'Negate': {
      const a = compileScalar(e.arg, env);
      return (r) => {
        const v = toNumber(a(r));
        return v === null ? null : -v;
      };
    }
    case 'Binary':
      return compileBinary(e, env);
    case 'StrOp':
      return compileStrOp(e, env);
    case 'In': {
      const value = compileScalar(e.value, env);
      const items = e.list.map((x) => compileScalar(x, env));
      const constant = e.list.every((x) => x.kind === 'Literal' || x.kind === 'ColumnList');
      const fold = (v: Value) => (e.ci ? toText(v).toLowerCase() : v);
      let cached: Value[] | undefined;
      const list = (r: Row): Value[] => {
        if (constant && cached) return cached;
        const l = flattenList(items.map((f) => f(r))).map(fold);
        if (constant) cached = l;
        return l;
      };
      return (r) => {
        const v = value(r);
        if (isNull(v)) return e.negated;
        const fv = fold(v);
        const hit = list(r).some((x) => !isNull(x) && valuesEqual(fv, x));
        return e.negated ? !hit : hit;
      };
    }
    case 'HasAny': {
      const value = compileScalar(e.value, env);
      const items = e.list.map((x) => compileScalar(x, env));
      return (r) => {
        const v = value(r);
        if (isNull(v)) return false;
        const hay = e.cs ? toText(v) : toText(v).toLowerCase();
        const needles = flattenList(items.map((f) => f(r))).map((x) =>
          e.cs ? toText(x) : toText(x).toLowerCase(),
        );
        if (needles.length === 0) return false;
        return e.all
          ? needles.every((n) => hasTerm(hay, n, 'both'))
          : needles.some((n) => hasTerm(hay, n, 'both'));
      };
    }
    case 'Between': {
      const value = compileScalar(e.value, env);
      const low = compileScalar(e.low, env);
      const high = compileScalar(e.high, env);
      const spanHigh = e.high.type === 'timespan' && e.low.type === 'datetime';
      return (r) => {
        const v = value(r);
        const lo = low(r);
        let hi = high(r);
        if (spanHigh) {
          const d = toDate(lo);
          const n = toNumber(hi);
          hi = d && n !== null ? new Date(d.getTime() + n) : null;
        }
        const a = compareValues(v, lo);
        const b = compareValues(v, hi);
        if (a === null || b === null) return e.negated ? null : null;
        const inside = a >= 0 && b <= 0;
        return e.negated ? !inside : inside;
      };
    }
    case 'Call':
      return compileCall(e, env);
    case 'ToScalar': {
      let done = false;
      let v: Value = null;
      return () => {
        if (!done) {
          const res = env.runQuery(e.query);
          const first = res.rows[0];
          const col = res.columns[0];
          v = first && col !== undefined ? (first[col] ?? null) : null;
          done = true;
        }
        return v;
      };
    }
    case 'ColumnList': {
      let list: Value[] | undefined;
      return () => {
        if (!list) {
          const res = env.runQuery(e.query);
          const col = res.columns[0];
          list = col === undefined ? [] : res.rows.map((r) => r[col] ?? null);
        }
        return list;
      };
    }
    default:
      return assertNever(e);
  }
}

/** Dynamic member access: missing key/index or non-container -> null. */
export function member(target: Value, key: Value): Value {
  if (target === null || target === undefined || typeof target !== 'object' || target instanceof Date) {
    if (typeof target === 'string' && (target.startsWith('{') || target.startsWith('['))) {
      // a dynamic holding JSON text (e.g. from a string column cast) is not parsed: KQL gives null
      return null;
    }
    return null;
  }
  if (Array.isArray(target)) {
    const i = typeof key === 'number' ? key : toNumber(key);
    if (i === null || !Number.isInteger(i)) return null;
    return target[i < 0 ? target.length + i : i] ?? null;
  }
  const v = (target as Row)[toText(key)];
  return v === undefined ? null : v;
}

function compileBinary(e: Extract<Scalar, { kind: 'Binary' }>, env: ScalarEnv): RowFn {
  const l = compileScalar(e.left, env);
  const r = compileScalar(e.right, env);
  const lt = e.left.type;
  const rt = e.right.type;
  switch (e.op) {
    case 'and':
      return (row) => {
        const a = toBool(l(row));
        if (a === false) return false;
        const b = toBool(r(row));
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    case 'or':
      return (row) => {
        const a = toBool(l(row));
        if (a === true) return true;
        const b = toBool(r(row));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    case 'eq':
    case 'ne': {
      const neg = e.op === 'ne';
      return (row) => {
        const a = l(row);
        const b = r(row);
        if (isNull(a) || isNull(b)) return neg;
        return valuesEqual(a, b) !== neg;
      };
    }
    case 'eq_ci':
    case 'ne_ci': {
      const neg = e.op === 'ne_ci';
      return (row) => {
        const a = l(row);
        const b = r(row);
        if (isNull(a) || isNull(b)) return neg;
        return (toText(a, lt).toLowerCase() === toText(b, rt).toLowerCase()) !== neg;
      };
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const test =
        e.op === 'lt'
          ? (c: number) => c < 0
          : e.op === 'le'
            ? (c: number) => c <= 0
            : e.op === 'gt'
              ? (c: number) => c > 0
              : (c: number) => c >= 0;
      return (row) => {
        const c = compareValues(l(row), r(row));
        return c === null ? null : test(c);
      };
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'mod':
      return compileArith(e.op, l, r, lt, rt, e.type);
    default:
      return assertNever(e.op);
  }
}

function compileArith(
  op: 'add' | 'sub' | 'mul' | 'div' | 'mod',
  l: RowFn,
  r: RowFn,
  lt: KType,
  rt: KType,
  out: KType,
): RowFn {
  const intDiv = isInt(lt) && isInt(rt);
  return (row) => {
    const a = l(row);
    const b = r(row);
    if (isNull(a) || isNull(b)) return null;
    if (out === 'datetime' || a instanceof Date || b instanceof Date) {
      const x = a instanceof Date ? a.getTime() : toNumber(a);
      const y = b instanceof Date ? b.getTime() : toNumber(b);
      if (x === null || y === null) return null;
      if (a instanceof Date && b instanceof Date) return op === 'sub' ? x - y : null; // -> timespan
      if (op === 'add') return new Date(x + y);
      if (op === 'sub') return new Date(x - y);
      return null;
    }
    const x = toNumber(a);
    const y = toNumber(b);
    if (x === null || y === null) return null;
    switch (op) {
      case 'add':
        return x + y;
      case 'sub':
        return x - y;
      case 'mul':
        return x * y;
      case 'div':
        if (intDiv) return y === 0 ? null : Math.trunc(x / y);
        return x / y;
      case 'mod':
        return y === 0 ? null : x % y;
    }
  };
}

function compileStrOp(e: Extract<Scalar, { kind: 'StrOp' }>, env: ScalarEnv): RowFn {
  const l = compileScalar(e.left, env);
  const r = compileScalar(e.right, env);
  const lt = e.left.type;
  if (e.op === 'matches_regex') {
    const constRe = e.right.kind === 'Literal' ? re2OrThrow(toText(e.right.value)) : undefined;
    return (row) => {
      const a = l(row);
      if (isNull(a)) return false;
      const re = constRe ?? re2OrThrow(toText(r(row)));
      return re.matcher(toText(a, lt)).find();
    };
  }
  const fold = e.cs ? (s: string) => s : (s: string) => s.toLowerCase();
  const test: (hay: string, needle: string) => boolean =
    e.op === 'has'
      ? (h, n) => hasTerm(h, n, 'both')
      : e.op === 'hasprefix'
        ? (h, n) => hasTerm(h, n, 'prefix')
        : e.op === 'hassuffix'
          ? (h, n) => hasTerm(h, n, 'suffix')
          : e.op === 'contains'
            ? (h, n) => h.includes(n)
            : e.op === 'startswith'
              ? (h, n) => h.startsWith(n)
              : (h, n) => h.endsWith(n);
  const constNeedle = e.right.kind === 'Literal' ? fold(toText(e.right.value, e.right.type)) : undefined;
  return (row) => {
    const a = l(row);
    if (isNull(a)) return e.negated;
    const hit = test(fold(toText(a, lt)), constNeedle ?? fold(toText(r(row), e.right.type)));
    return hit !== e.negated;
  };
}

function compileCall(e: Extract<Scalar, { kind: 'Call' }>, env: ScalarEnv): RowFn {
  const args = e.args.map((a) => compileScalar(a, env));
  const types = e.args.map((a) => a.type);
  switch (e.fn) {
    case 'iff': {
      const [c, a, b] = args;
      if (!c || !a || !b) return () => null;
      return (row) => (toBool(c(row)) === true ? a(row) : b(row));
    }
    case 'case':
      return (row) => {
        for (let i = 0; i + 1 < args.length; i += 2)
          if (toBool(args[i]?.(row)) === true) return args[i + 1]?.(row) ?? null;
        return args.length % 2 === 1 ? (args[args.length - 1]?.(row) ?? null) : null;
      };
    case 'coalesce':
      return (row) => {
        for (const [i, f] of args.entries()) {
          const v = f(row);
          if (!isNull(v) && !(types[i] === 'string' && v === '')) return v;
        }
        return null;
      };
    case 'row_number': {
      const start = e.args[0]?.kind === 'Literal' ? (toNumber(e.args[0].value) ?? 1) : 1;
      let n = start - 1;
      return () => (env.window ? env.window.index + start : ++n);
    }
    case 'prev':
    case 'next': {
      // prev(x [, offset [, default]]): x evaluated on the row `offset` before (after) this one
      const [f, , dflt] = args;
      const off = e.args[1]?.kind === 'Literal' ? (toNumber(e.args[1].value) ?? 1) : 1;
      const step = e.fn === 'prev' ? -off : off;
      return (row) => {
        const w = env.window;
        if (!w || !f)
          throw new QueryRuntimeError(`${e.fn}() needs serialized rows (use it in extend or project)`);
        const other = w.rows[w.index + step];
        return other ? f(other) : dflt ? dflt(row) : null;
      };
    }
    case 'row_cumsum': {
      // row_cumsum(x [, restart]): running sum in row order, reset when restart is true
      const [f, restart] = args;
      let acc = 0;
      let last = -2;
      return (row) => {
        const w = env.window;
        if (!w || !f)
          throw new QueryRuntimeError('row_cumsum() needs serialized rows (use it in extend or project)');
        if (w.index !== last + 1 || (restart && toBool(restart(row)) === true)) acc = 0;
        last = w.index;
        acc += toNumber(f(row)) ?? 0;
        return acc;
      };
    }
  }
  const fn = scalarFns[e.fn];
  if (!fn) throw new QueryRuntimeError(`function '${e.fn}' is not supported by this engine`);
  const resultType = e.type;
  if (args.length === 1) {
    const [a] = args as [RowFn];
    return (row) => fn([a(row)], types, env, resultType);
  }
  return (row) =>
    fn(
      args.map((f) => f(row)),
      types,
      env,
      resultType,
    );
}
