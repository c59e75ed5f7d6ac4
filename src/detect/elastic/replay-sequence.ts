import { type PendingAlert, valuesOf } from './alert-builder.js';
import { type Candidate, fieldOf } from './candidate.js';
import type { Schedule } from './schedule.js';

/** A candidate with the sequence steps it matches (indexes) and whether it matches `until`. */
export interface SequenceCandidate {
  readonly cand: Candidate;
  readonly steps: readonly number[];
  readonly until: boolean;
}

export interface SequenceSpec {
  /** Join key fields per step (shared `sequence by` fields followed by the step's own). */
  readonly keys: readonly (readonly string[])[];
  readonly untilKeys: readonly string[] | undefined;
  readonly maxspanMs: number | undefined;
  readonly stepCount: number;
}

/**
 * Replays an EQL sequence over events in time order, with Elasticsearch's state machine: per join
 * key, each stage holds the latest partial sequence; an event matching step 0 starts (replaces) a
 * partial at stage 0; an event matching step i moves the partial at stage i-1 forward if the
 * sequence still fits in `maxspan` (measured from its first event); completing the last step
 * makes a match. An `until` event for the key drops its partials. Events whose join key is
 * missing take no part. A match becomes an alert when some execution window [t - lookback, t]
 * contains the whole sequence (the first such execution), at most `maxSignals` per execution.
 * @example replaySequence(sortedCandidates, spec, schedule, 100)
 */
export function replaySequence(
  sorted: readonly SequenceCandidate[],
  spec: SequenceSpec,
  sched: Schedule,
  maxSignals: number,
): PendingAlert[] {
  const state = new Map<string, (Candidate[] | undefined)[]>();
  const matches: Candidate[][] = [];
  const keyOf = (c: Candidate, fields: readonly string[]): string | undefined => {
    const vals: string[] = [];
    for (const f of fields) {
      const v = valuesOf(fieldOf(c, f));
      if (v.length === 0) return undefined;
      vals.push(v.length === 1 ? v[0]! : JSON.stringify(v));
    }
    return JSON.stringify(vals);
  };
  for (const sc of sorted) {
    if (sc.until && spec.untilKeys) {
      const k = keyOf(sc.cand, spec.untilKeys);
      if (k !== undefined) state.delete(k);
    }
    // Highest step first, so one event does not both start and advance the same partial.
    for (let s = spec.stepCount - 1; s >= 0; s--) {
      if (!sc.steps.includes(s)) continue;
      const k = keyOf(sc.cand, spec.keys[s]!);
      if (k === undefined) continue;
      let stages = state.get(k);
      if (!stages) state.set(k, (stages = new Array(spec.stepCount).fill(undefined)));
      if (s === 0) {
        if (spec.stepCount === 1) matches.push([sc.cand]);
        else stages[0] = [sc.cand];
        continue;
      }
      const prev = stages[s - 1];
      if (!prev) continue;
      if (spec.maxspanMs !== undefined && sc.cand.ts - prev[0]!.ts > spec.maxspanMs) {
        stages[s - 1] = undefined;
        continue;
      }
      stages[s - 1] = undefined;
      const seq = [...prev, sc.cand];
      if (s === spec.stepCount - 1) matches.push(seq);
      else stages[s] = seq;
    }
  }
  const found: PendingAlert[] = [];
  for (const seq of matches) {
    const start = seq[0]!.ts;
    const end = seq[seq.length - 1]!.ts;
    const t = sched.firstIn(end, start + sched.lookbackMs);
    if (t !== undefined) found.push({ events: seq, execTime: t });
  }
  found.sort((a, b) => a.execTime - b.execTime);
  const perExec = new Map<number, number>();
  return found.filter((p) => {
    const n = perExec.get(p.execTime) ?? 0;
    if (n >= maxSignals) return false;
    perExec.set(p.execTime, n + 1);
    return true;
  });
}
