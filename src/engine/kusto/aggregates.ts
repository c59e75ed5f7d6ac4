import type { Aggregate } from '../../ir/query.js';
import { compileScalar, type ScalarEnv } from './compile-scalar.js';
import { compareValues, isNull, type Row, toBool, toNumber, type Value } from './values.js';

/** One group's running state of one aggregation. */
export interface Accumulator {
  add(row: Row): void;
  /** Output values, one per `Aggregate.names` entry. */
  result(): Value[];
}

export type AccumulatorFactory = () => Accumulator;

/** A key for distinct-value sets: exact for scalars, JSON for containers. */
export const valueKey = (v: Value): string =>
  v instanceof Date
    ? `d${v.getTime()}`
    : typeof v === 'object' && v !== null
      ? `j${JSON.stringify(v)}`
      : `${typeof v}:${String(v)}`;

/**
 * A row's group under the `by` columns: the key columns' values, and the string that identifies
 * the group (each value's `valueKey`, `\u0001`-terminated).
 * @example groupKey([['verb', (r) => r.verb]], { verb: 'get' }).k === 'string:get\u0001'
 */
export function groupKey(
  keys: readonly (readonly [string, (r: Row) => Value])[],
  r: Row,
): { key: Row; k: string } {
  const key: Row = {};
  let k = '';
  for (const [name, f] of keys) {
    const v = f(r);
    key[name] = v;
    k += `${valueKey(v)}\u0001`;
  }
  return { key, k };
}

/** Linear-interpolation-free nearest-rank percentile (KQL uses nearest rank on its estimate). */
function percentileOf(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

/**
 * Compiles an aggregation to an accumulator factory.
 * @example compileAggregate({fn:'count', args:[], names:['n'], type:'long'}, env)()
 */
export function compileAggregate(a: Aggregate, env: ScalarEnv): AccumulatorFactory {
  const args = a.args.map((x) => compileScalar(x, env));
  const [f0] = args;
  const arg0 = f0 ?? (() => null);
  const cond = (row: Row, i: number) => toBool(args[i]?.(row)) === true;
  const maxSize = (i: number) => {
    const lit = a.args[i];
    return lit?.kind === 'Literal' && typeof lit.value === 'number' ? lit.value : 1_048_576;
  };
  switch (a.fn) {
    case 'count':
      return () => {
        let n = 0;
        return {
          add: (row) => {
            if (!f0 || !isNull(f0(row))) n++;
          },
          result: () => [n],
        };
      };
    case 'countif':
      return () => {
        let n = 0;
        return { add: (row) => void (cond(row, 0) && n++), result: () => [n] };
      };
    case 'dcount':
    case 'dcountif':
      return () => {
        const seen = new Set<string>();
        return {
          add: (row) => {
            if (a.fn === 'dcountif' && !cond(row, 1)) return;
            const v = arg0(row);
            if (!isNull(v)) seen.add(valueKey(v));
          },
          result: () => [seen.size],
        };
      };
    case 'sum':
    case 'sumif':
    case 'avg':
    case 'avgif':
      return () => {
        let s = 0;
        let n = 0;
        return {
          add: (row) => {
            if ((a.fn === 'sumif' || a.fn === 'avgif') && !cond(row, 1)) return;
            const v = toNumber(arg0(row));
            if (v === null) return;
            s += v;
            n++;
          },
          result: () => [a.fn.startsWith('avg') ? (n ? s / n : null) : n ? s : a.type === 'real' ? 0 : 0],
        };
      };
    case 'min':
    case 'max':
    case 'minif':
    case 'maxif': {
      const dir = a.fn.startsWith('max') ? 1 : -1;
      return () => {
        let best: Value = null;
        return {
          add: (row) => {
            if (a.fn.endsWith('if') && !cond(row, 1)) return;
            const v = arg0(row);
            if (isNull(v) || v === '') return;
            const c = best === null ? 1 : compareValues(v, best);
            if (best === null || (c !== null && c * dir > 0)) best = v;
          },
          result: () => [best],
        };
      };
    }
    case 'make_set':
    case 'make_set_if':
      return () => {
        const seen = new Map<string, Value>();
        const limit = maxSize(a.fn === 'make_set_if' ? 2 : 1);
        return {
          add: (row) => {
            if (a.fn === 'make_set_if' && !cond(row, 1)) return;
            const v = arg0(row);
            if (isNull(v) || seen.size >= limit) return;
            const items = Array.isArray(v) && a.args[0]?.type === 'dynamic' ? v : [v];
            for (const x of items) {
              if (isNull(x) || seen.size >= limit) continue;
              const k = valueKey(x);
              if (!seen.has(k)) seen.set(k, x);
            }
          },
          result: () => [[...seen.values()]],
        };
      };
    case 'make_list':
    case 'make_list_if':
      return () => {
        const out: Value[] = [];
        const limit = maxSize(a.fn === 'make_list_if' ? 2 : 1);
        return {
          add: (row) => {
            if (a.fn === 'make_list_if' && !cond(row, 1)) return;
            const v = arg0(row);
            if (isNull(v) || out.length >= limit) return;
            if (Array.isArray(v) && a.args[0]?.type === 'dynamic') out.push(...v);
            else out.push(v);
          },
          result: () => [out.slice(0, limit)],
        };
      };
    case 'make_bag':
    case 'make_bag_if':
      return () => {
        const bag: Record<string, Value> = {};
        return {
          add: (row) => {
            if (a.fn === 'make_bag_if' && !cond(row, 1)) return;
            const v = arg0(row);
            if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date))
              for (const [k, x] of Object.entries(v)) if (!(k in bag)) bag[k] = x;
          },
          result: () => [bag],
        };
      };
    case 'arg_max':
    case 'arg_min': {
      const dir = a.fn === 'arg_max' ? 1 : -1;
      const rest = args.slice(1);
      return () => {
        let best: Value = null;
        let vals: Value[] = a.names.slice(1).map(() => null);
        let seen = false;
        return {
          add: (row) => {
            const v = arg0(row);
            if (isNull(v)) {
              if (!seen) {
                seen = true;
                vals = rest.map((f) => f(row));
              }
              return;
            }
            const c = best === null ? 1 : compareValues(v, best);
            if (best === null || (c !== null && c * dir > 0)) {
              best = v;
              seen = true;
              vals = rest.map((f) => f(row));
            }
          },
          result: () => [best, ...vals],
        };
      };
    }
    case 'take_any':
    case 'take_anyif':
      return () => {
        let v: Value[] | undefined;
        const outs = a.fn === 'take_anyif' ? [arg0] : args.length ? args : [arg0];
        return {
          add: (row) => {
            if (v) return;
            if (a.fn === 'take_anyif' && !cond(row, 1)) return;
            const x = outs.map((f) => f(row));
            if (a.fn === 'take_anyif' || !isNull(x[0])) v = x;
          },
          result: () => v ?? outs.map(() => null),
        };
      };
    case 'percentile':
    case 'percentiles': {
      const ps = a.args.slice(1).map((x) => (x.kind === 'Literal' ? (toNumber(x.value) ?? 50) : 50));
      return () => {
        const xs: number[] = [];
        return {
          add: (row) => {
            const v = toNumber(arg0(row) instanceof Date ? (arg0(row) as Date).getTime() : arg0(row));
            if (v !== null) xs.push(v);
          },
          result: () => {
            xs.sort((x, y) => x - y);
            const outs = ps.map((p) => percentileOf(xs, p));
            return a.args[0]?.type === 'datetime' ? outs.map((o) => (o === null ? null : new Date(o))) : outs;
          },
        };
      };
    }
    case 'stdev':
    case 'stdevp':
    case 'variance':
    case 'variancep':
      return () => {
        const xs: number[] = [];
        return {
          add: (row) => {
            const v = toNumber(arg0(row));
            if (v !== null) xs.push(v);
          },
          result: () => {
            const n = xs.length;
            const sample = a.fn === 'stdev' || a.fn === 'variance';
            if (n === 0 || (sample && n < 2)) return [n === 1 && sample ? 0 : null];
            const mean = xs.reduce((s, x) => s + x, 0) / n;
            const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
            const variance = ss / (sample ? n - 1 : n);
            return [a.fn.startsWith('stdev') ? Math.sqrt(variance) : variance];
          },
        };
      };
  }
  return () => ({ add: () => {}, result: () => a.names.map(() => null) });
}
