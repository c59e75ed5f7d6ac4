import type { EsqlCommand } from '../../lang/elastic/esql-ast.js';
import type { PendingAlert } from './alert-builder.js';
import type { Candidate } from './candidate.js';
import type { EsqlRunner, Row } from './esql-run.js';
import { keyOf, plain, scalars } from './esql-values.js';
import type { Schedule } from './schedule.js';

/**
 * Replays an ES|QL rule. Each execution at t runs the query over the events of its window
 * [t - lookback, t] with NOW() = t. The leading row-wise commands (WHERE / EVAL / GROK without
 * NOW()) already ran as events arrived (`rows`), which is exact since they look at one event at
 * a time. A query without STATS alerts once per source event (deduplicated by event across
 * overlapping windows, as Kibana does with `_id`); an aggregating query alerts once per result
 * row, deduplicated by the row's values. The row's columns become alert fields; an aggregated
 * alert carries every event of its group. At most `maxSignals` alerts per execution.
 * @example replayEsql(rows, rest, runner, schedule, 100)
 */
export function replayEsql(
  rows: readonly Row[],
  rest: readonly EsqlCommand[],
  runner: EsqlRunner,
  sched: Schedule,
  maxSignals: number,
): PendingAlert[] {
  const aggregating = rest.some((c) => c.kind === 'Stats');
  const out: PendingAlert[] = [];
  const seenEvents = new Set<Candidate>();
  const seenRows = new Set<string>();
  let lo = 0;
  for (const t of sched.relevantTimes(() => rows[lo]?.cand?.ts)) {
    const from = t - sched.lookbackMs;
    while (lo < rows.length && rows[lo]!.cand!.ts < from) lo++;
    if (lo >= rows.length) break;
    let hi = lo;
    while (hi < rows.length && rows[hi]!.cand!.ts <= t) hi++;
    if (hi === lo) continue;
    runner.now = t;
    let created = 0;
    for (const r of runner.run(rest, rows.slice(lo, hi))) {
      if (created >= maxSignals) break;
      if (r.events.length === 0) continue;
      if (aggregating) {
        const key = JSON.stringify([...r.cols].map(([k, v]) => [k, scalars(v).map(keyOf)]));
        if (seenRows.has(key)) continue;
        seenRows.add(key);
      } else {
        const c = r.events[0]!;
        if (seenEvents.has(c)) continue;
        seenEvents.add(c);
      }
      const fields: Record<string, unknown> = {};
      for (const [k, v] of r.cols) fields[k] = plain(v);
      out.push({ events: r.events, execTime: t, fields });
      created++;
    }
  }
  return out;
}
