import type { NewTerms } from '../../lang/elastic/rule.js';
import { type PendingAlert, valuesOf } from './alert-builder.js';
import { type Candidate, fieldOf } from './candidate.js';
import type { Schedule } from './schedule.js';

/**
 * Replays a new_terms rule. An execution at t alerts on a combination of `new_terms` values when
 * the combination occurs in its window [t - lookback, t] and not in the history window
 * [t - history_window_start, t - lookback); the alert is on the combination's first event in the
 * window. Multi-valued fields contribute every element (the cartesian product across fields);
 * events missing one of the fields have no terms. Per combination, occurrence j (in time order)
 * is alerted by the first execution t with T_j <= t <= T_j + lookback and
 * t > T_(j-1) + max(history, lookback), which is exactly the per-execution test above.
 * At most `maxSignals` alerts per execution.
 * @example replayNewTerms(sortedCandidates, schedule, { fields: ['user.name'], historyMs: 7 * 86_400_000 }, 100)
 */
export function replayNewTerms(
  sorted: readonly Candidate[],
  sched: Schedule,
  nt: NewTerms,
  maxSignals: number,
): PendingAlert[] {
  const byCombo = new Map<string, { values: string[]; cands: Candidate[] }>();
  for (const c of sorted) {
    for (const combo of combinations(nt.fields.map((f) => valuesOf(fieldOf(c, f))))) {
      const key = JSON.stringify(combo);
      let e = byCombo.get(key);
      if (!e) byCombo.set(key, (e = { values: combo, cands: [] }));
      if (e.cands[e.cands.length - 1] !== c) e.cands.push(c);
    }
  }
  const found: PendingAlert[] = [];
  const gap = Math.max(nt.historyMs, sched.lookbackMs);
  for (const { values, cands } of byCombo.values()) {
    for (let j = 0; j < cands.length; j++) {
      const tj = cands[j]!.ts;
      const prev = j > 0 ? cands[j - 1]!.ts : Number.NEGATIVE_INFINITY;
      // Strictly after prev + gap: the history window starts at t - history, inclusive.
      const lower = Math.max(tj, nextAfter(prev + gap));
      const t = sched.firstIn(lower, tj + sched.lookbackMs);
      if (t !== undefined)
        found.push({ events: [cands[j]!], execTime: t, fields: { 'kibana.alert.new_terms': values } });
    }
  }
  found.sort(
    (a, b) =>
      a.execTime - b.execTime || a.events[0]!.ts - b.events[0]!.ts || a.events[0]!.seq - b.events[0]!.seq,
  );
  const perExec = new Map<number, number>();
  const seen = new Set<Candidate>();
  return found.filter((p) => {
    const n = perExec.get(p.execTime) ?? 0;
    if (n >= maxSignals || seen.has(p.events[0]!)) return false;
    perExec.set(p.execTime, n + 1);
    seen.add(p.events[0]!);
    return true;
  });
}

const nextAfter = (x: number): number => (Number.isFinite(x) ? x + 0.001 : x);

/** Cartesian product of the fields' values; empty when a field has no value. */
function combinations(lists: readonly string[][]): string[][] {
  // The common case: one value per field, one combination.
  if (lists.every((l) => l.length === 1)) return [lists.map((l) => l[0]!)];
  let out: string[][] = [[]];
  for (const l of lists) {
    if (l.length === 0) return [];
    const uniq = [...new Set(l)];
    out = out.flatMap((prefix) => uniq.map((v) => [...prefix, v]));
  }
  return out;
}
