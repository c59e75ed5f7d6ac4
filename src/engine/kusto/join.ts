import type { Query } from '../../ir/query.js';
import { valueKey } from './aggregates.js';
import { type Row, setSources, sourcesOf } from './values.js';

type JoinQ = Extract<Query, { kind: 'Join' }>;
type LookupQ = Extract<Query, { kind: 'Lookup' }>;

const keyOf = (r: Row, cols: readonly string[]): string =>
  cols.map((c) => valueKey(r[c] ?? null)).join('\u0001');

function index(rows: readonly Row[], cols: readonly string[]): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = keyOf(r, cols);
    const l = m.get(k);
    if (l) l.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/**
 * KQL join. Null keys match null keys (measured in duckdb-kql). `innerunique` (the default) keeps the
 * first left row per key, then joins inner. Right columns are written under `rightNames`.
 * @example evalJoin(q, leftRows, rightRows)
 */
export function evalJoin(q: JoinQ, left: readonly Row[], right: readonly Row[]): Row[] {
  const lk = q.on.map((o) => o.left);
  const rk = q.on.map((o) => o.right);
  const rightCols = q.right.schema.map((c) => c.name);
  const merge = (l: Row | undefined, r: Row | undefined): Row => {
    const o: Row = l ? { ...l } : {};
    if (!l) for (const c of q.left.schema) o[c.name] = null;
    rightCols.forEach((c, i) => {
      o[q.rightNames[i] ?? c] = r ? (r[c] ?? null) : null;
    });
    const ls = l ? sourcesOf(l) : undefined;
    const rs = r ? sourcesOf(r) : undefined;
    setSources(o, ls && rs ? [...new Set([...ls, ...rs])] : (ls ?? rs));
    return o;
  };
  const rIndex = index(right, rk);
  const out: Row[] = [];
  switch (q.joinKind) {
    case 'innerunique':
    case 'inner': {
      let ls = left;
      if (q.joinKind === 'innerunique') {
        const seen = new Set<string>();
        ls = left.filter((l) => {
          const k = keyOf(l, lk);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      }
      for (const l of ls) for (const r of rIndex.get(keyOf(l, lk)) ?? []) out.push(merge(l, r));
      return out;
    }
    case 'leftouter':
      for (const l of left) {
        const m = rIndex.get(keyOf(l, lk));
        if (m) for (const r of m) out.push(merge(l, r));
        else out.push(merge(l, undefined));
      }
      return out;
    case 'rightouter':
    case 'fullouter': {
      const lIndex = index(left, lk);
      if (q.joinKind === 'fullouter')
        for (const l of left) if (!rIndex.has(keyOf(l, lk))) out.push(merge(l, undefined));
      for (const r of right) {
        const m = lIndex.get(keyOf(r, rk));
        if (m) for (const l of m) out.push(merge(l, r));
        else out.push(merge(undefined, r));
      }
      return out;
    }
    case 'leftanti':
      return left.filter((l) => !rIndex.has(keyOf(l, lk)));
    case 'leftsemi':
      return left.filter((l) => rIndex.has(keyOf(l, lk)));
    case 'rightanti':
    case 'rightsemi': {
      const lIndex = index(left, lk);
      const want = q.joinKind === 'rightsemi';
      return right.filter((r) => lIndex.has(keyOf(r, rk)) === want);
    }
  }
}

/**
 * KQL lookup: like join (leftouter by default) but the right side's key columns are not repeated.
 * @example evalLookup(q, facts, dimension)
 */
export function evalLookup(q: LookupQ, left: readonly Row[], right: readonly Row[]): Row[] {
  const lk = q.on.map((o) => o.left);
  const rk = q.on.map((o) => o.right);
  const keys = new Set(rk);
  const rest = q.right.schema.map((c) => c.name).filter((c) => !keys.has(c));
  const rIndex = index(right, rk);
  const out: Row[] = [];
  for (const l of left) {
    const m = rIndex.get(keyOf(l, lk));
    if (!m) {
      if (q.joinKind === 'leftouter') {
        const o: Row = { ...l };
        rest.forEach((c, i) => {
          o[q.rightNames[i] ?? c] = null;
        });
        out.push(o);
      }
      continue;
    }
    for (const r of m) {
      const o: Row = { ...l };
      rest.forEach((c, i) => {
        o[q.rightNames[i] ?? c] = r[c] ?? null;
      });
      out.push(o);
    }
  }
  return out;
}
