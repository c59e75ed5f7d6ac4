/**
 * Elastic's rule scheduler replayed over recorded data. A rule runs every `interval`; each
 * execution at time t searches [t - lookback, t] (both ends included, as the detection engine's
 * range query on the timestamp field). With a pinned "now" the last execution runs at now and the
 * earlier ones step back by `interval`; without one, the last execution runs at the newest event's
 * time, so the executions cover the data's time span. Executions before the oldest event see
 * nothing and are not listed.
 * @example [...new Schedule(300_000, 1_500_000, minTs, maxTs, now).times()]
 */
export class Schedule {
  /** Time of the last execution (epoch ms). */
  readonly last: number;
  /** Time of the first execution that can see data. */
  readonly first: number;

  constructor(
    readonly intervalMs: number,
    readonly lookbackMs: number,
    minTs: number,
    maxTs: number,
    now?: number,
  ) {
    this.last = now ?? maxTs;
    // The earliest execution whose window still reaches the oldest event.
    const k = Math.max(0, Math.floor((this.last - minTs) / intervalMs));
    this.first = this.last - k * intervalMs;
  }

  /** Execution times in order (first .. last). */
  *times(): Generator<number> {
    for (let t = this.first; t <= this.last; t += this.intervalMs) yield t;
  }

  /**
   * Execution times that can see events at the given sorted times: each execution from the first
   * that reaches `ts[i]` on, skipping runs of executions whose windows hold no event (long quiet
   * spans cost nothing). `nextEventTs` returns the time of the caller's first event not yet behind
   * the window (undefined when none is left), so the caller's cursor drives the skipping.
   * @example for (const t of sched.relevantTimes(() => sorted[lo]?.ts)) { ... }
   */
  *relevantTimes(nextEventTs: () => number | undefined): Generator<number> {
    let t = this.first;
    while (t <= this.last) {
      const ts = nextEventTs();
      if (ts === undefined) return;
      if (ts > t) {
        const jump = this.firstIn(ts, this.last);
        if (jump === undefined) return;
        t = jump;
      }
      yield t;
      t += this.intervalMs;
    }
  }

  /**
   * The executions whose window [t - lookback, t] holds at least one of the events `sorted` (by
   * `ts`), each with `lo`, the index of its first event in the window; the window's events are
   * `sorted[lo..]` while `ts <= t`. Stops when no event is left ahead of the windows.
   * @example for (const { t, lo } of sched.windows(sorted)) for (let i = lo; i < sorted.length && sorted[i]!.ts <= t; i++) ...
   */
  *windows(sorted: readonly { readonly ts: number }[]): Generator<{ t: number; lo: number }> {
    let lo = 0;
    for (const t of this.relevantTimes(() => sorted[lo]?.ts)) {
      const from = t - this.lookbackMs;
      while (lo < sorted.length && sorted[lo]!.ts < from) lo++;
      if (lo >= sorted.length) return;
      if (sorted[lo]!.ts > t) continue;
      yield { t, lo };
    }
  }

  /** The first execution at or after `a` (and at or before `b`), or undefined. */
  firstIn(a: number, b: number): number | undefined {
    if (a > this.last || b < this.first || a > b) return undefined;
    const from = Math.max(a, this.first);
    const k = Math.ceil((from - this.first) / this.intervalMs);
    const t = this.first + k * this.intervalMs;
    return t <= b && t <= this.last ? t : undefined;
  }
}
