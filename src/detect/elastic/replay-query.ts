import type { PendingAlert } from './alert-builder.js';
import type { Candidate } from './candidate.js';
import type { Schedule } from './schedule.js';

/**
 * Replays a query (or single-event EQL) rule: each execution takes the matching events in its
 * window in time order, skips events that already made an alert (Kibana's alert ids are derived
 * from the source document, so overlapping windows never alert twice on one event), and creates
 * at most `maxSignals` alerts. Events left over by the cap can alert in a later, overlapping
 * execution, as in Kibana.
 * @example replayQuery(sortedCandidates, schedule, 100)
 */
export function replayQuery(
  sorted: readonly Candidate[],
  sched: Schedule,
  maxSignals: number,
): PendingAlert[] {
  const out: PendingAlert[] = [];
  const alerted = new Set<Candidate>();
  for (const { t, lo } of sched.windows(sorted)) {
    let created = 0;
    for (let i = lo; i < sorted.length && sorted[i]!.ts <= t && created < maxSignals; i++) {
      const c = sorted[i]!;
      if (alerted.has(c)) continue;
      alerted.add(c);
      out.push({ events: [c], execTime: t });
      created++;
    }
  }
  return out;
}
