import type { Query } from '../../ir/query.js';
import { compileAggregate, groupKey } from './aggregates.js';
import { compileScalar, type ScalarEnv } from './compile-scalar.js';
import { isNull, type Row, toNumber, type Value } from './values.js';

type MakeSeriesQ = Extract<Query, { kind: 'MakeSeries' }>;

/**
 * `make-series`: per key group, one array per aggregate with a slot per step in [from, to), empty slots
 * filled with the default; plus the axis array. `from`/`to` default to the data's min / max + step.
 * @example evalMakeSeries(q, rows, env)
 */
export function evalMakeSeries(q: MakeSeriesQ, rows: readonly Row[], env: ScalarEnv): Row[] {
  const axis = compileScalar(q.axis.expr, env);
  const step = toNumber(compileScalar(q.step, env)({})) ?? 0;
  if (step <= 0) return [];
  const asNum = (v: Value): number | null => (v instanceof Date ? v.getTime() : toNumber(v));
  let isDate = q.axis.expr.type === 'datetime';
  let lo = q.from ? asNum(compileScalar(q.from, env)({})) : null;
  let hi = q.to ? asNum(compileScalar(q.to, env)({})) : null;
  const points = rows.map((r) => {
    const v = axis(r);
    if (v instanceof Date) isDate = true;
    return asNum(v);
  });
  if (lo === null || hi === null) {
    const xs = points.filter((x): x is number => x !== null);
    if (!xs.length) return [];
    lo ??= Math.min(...xs);
    hi ??= Math.max(...xs) + step;
  }
  const start = Math.floor(lo / step) * step;
  const nBins = Math.max(0, Math.ceil((hi - start) / step));
  if (nBins > 1_000_000) return [];
  const keys = q.by.map((b) => [b.name, compileScalar(b.expr, env)] as const);
  const aggs = q.aggregates.map((a) => ({ a, make: compileAggregate(a, env) }));
  const groups = new Map<
    string,
    { key: Row; bins: Map<number, ReturnType<(typeof aggs)[number]['make']>[]> }
  >();
  rows.forEach((r, i) => {
    const x = points[i];
    if (x === null || x === undefined || x < start || x >= start + nBins * step) return;
    const { key, k } = groupKey(keys, r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key, bins: new Map() }));
    const bin = Math.floor((x - start) / step);
    let accs = g.bins.get(bin);
    if (!accs) g.bins.set(bin, (accs = aggs.map((a) => a.make())));
    for (const acc of accs) acc.add(r);
  });
  const axisValues = Array.from({ length: nBins }, (_x, i) =>
    isDate ? new Date(start + i * step) : start + i * step,
  );
  const out: Row[] = [];
  for (const g of groups.values()) {
    const o: Row = { ...g.key };
    aggs.forEach(({ a }, ai) => {
      const series: Value[] = [];
      for (let b = 0; b < nBins; b++) {
        const accs = g.bins.get(b);
        const v = accs ? accs[ai]?.result()[0] : a.default;
        series.push(isNull(v) ? a.default : v);
      }
      o[a.names[0] ?? `series${ai}`] = series;
    });
    o[q.axis.name] = axisValues;
    out.push(o);
  }
  return out;
}
