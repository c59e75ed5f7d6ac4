import type { Threshold } from '../../lang/elastic/rule.js';
import { type PendingAlert, valuesOf } from './alert-builder.js';
import { type Candidate, fieldOf } from './candidate.js';
import type { Schedule } from './schedule.js';

/**
 * Replays a threshold rule. Each execution groups the matching events of its window by the
 * threshold fields (one bucket per value combination; one bucket for the whole window with no
 * fields) and alerts on buckets with at least `value` events and, for each `cardinality` entry,
 * at least that many distinct values of its field. As in Kibana, events up to a bucket's last
 * alert are not counted again for that bucket by later executions. The alert carries
 * `kibana.alert.threshold_result.{terms, count, cardinality, from}` and every event of the bucket.
 * @example replayThreshold(sortedCandidates, schedule, { fields: ['user.name'], value: 10, cardinality: [] }, 100)
 */
export function replayThreshold(
  sorted: readonly Candidate[],
  sched: Schedule,
  th: Threshold,
  maxSignals: number,
): PendingAlert[] {
  const out: PendingAlert[] = [];
  const lastSignal = new Map<string, number>();
  for (const { t, lo } of sched.windows(sorted)) {
    const buckets = new Map<string, { terms: { field: string; value: string }[]; cands: Candidate[] }>();
    for (let i = lo; i < sorted.length && sorted[i]!.ts <= t; i++) {
      const c = sorted[i]!;
      for (const terms of bucketTerms(c, th.fields)) {
        const key = JSON.stringify(terms);
        if ((lastSignal.get(key) ?? Number.NEGATIVE_INFINITY) >= c.ts) continue;
        let b = buckets.get(key);
        if (!b)
          buckets.set(
            key,
            (b = { terms: th.fields.map((field, k) => ({ field, value: terms[k]! })), cands: [] }),
          );
        b.cands.push(c);
      }
    }
    let created = 0;
    for (const [key, b] of buckets) {
      if (created >= maxSignals) break;
      if (b.cands.length < th.value) continue;
      const card = th.cardinality.map((cd) => {
        const distinct = new Set(b.cands.flatMap((c) => valuesOf(fieldOf(c, cd.field))));
        return { field: cd.field, value: distinct.size, min: cd.value };
      });
      if (card.some((cd) => cd.value < cd.min)) continue;
      lastSignal.set(key, b.cands[b.cands.length - 1]!.ts);
      created++;
      out.push({
        events: b.cands,
        execTime: t,
        fields: {
          'kibana.alert.threshold_result': {
            terms: b.terms,
            count: b.cands.length,
            ...(card.length ? { cardinality: card.map(({ field, value }) => ({ field, value })) } : {}),
            from: new Date(t - sched.lookbackMs).toISOString(),
          },
        },
      });
    }
  }
  return out;
}

function bucketTerms(c: Candidate, fields: readonly string[]): string[][] {
  let out: string[][] = [[]];
  for (const f of fields) {
    const vs = [...new Set(valuesOf(fieldOf(c, f)))];
    if (vs.length === 0) return [];
    out = out.flatMap((p) => vs.map((v) => [...p, v]));
  }
  return out;
}
