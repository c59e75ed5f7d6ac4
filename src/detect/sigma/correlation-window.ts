import type { CmpOp, CorrelationType } from '../../lang/sigma/ast.js';
import type { AuditEvent } from '../../model/event.js';

/** One input to a correlation: a matched event (or an inner correlation's alert) of referenced rule `rule`. */
export interface WinRecord {
  readonly ts: number;
  /** Arrival order, to order records with equal timestamps. */
  readonly seq: number;
  /** Index of the referenced rule that produced it. */
  readonly rule: number;
  /** The aggregated field's value (value_count / value_sum / value_avg / value_percentile). */
  readonly value?: unknown;
  readonly events: readonly AuditEvent[];
}

export interface WindowSpec {
  readonly kind: CorrelationType;
  readonly spanMs: number;
  /** Conjunction of comparisons; empty for temporal types means "every referenced rule". */
  readonly condition: readonly { readonly op: CmpOp; readonly value: number }[];
  readonly ruleCount: number;
  readonly percentile?: number;
  /** How late (event time) a record may arrive and still be placed in order. */
  readonly toleranceMs: number;
  /** Bound on records kept per group (oldest dropped beyond it). Default 10,000. */
  readonly maxPerGroup?: number;
}

/** A satisfied window: the records in it and the aggregate that satisfied the condition. */
export interface WindowHit {
  readonly group: string;
  readonly records: readonly WinRecord[];
  readonly value: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Exact sliding windows over event time, per group.
 *
 * A window is any interval [t - span, t] ending at a record's time t (not a bucket aligned to the
 * clock), so a burst that straddles a minute or hour boundary is still caught. Records are kept
 * sorted by (time, arrival), so events arriving out of order are placed where they belong; an
 * insert re-checks every window that can contain the new record (those ending at records in
 * [t, t + span]).
 *
 * Conditions that can only become true as records are added (only `gt`/`gte`, on counts, distinct
 * counts, temporal and sums) fire as soon as a window satisfies them; the records of that window are
 * then consumed, so the next alert needs new evidence. Other conditions (`lt`, `lte`, `eq`, `neq`,
 * and any condition on averages or percentiles) are decided when a window closes: a window starts at
 * the oldest pending record of a group, closes once the watermark (newest time seen minus the
 * tolerance) passes start + span (or at flush), and takes its records with it, so closed windows do
 * not overlap (a subset of a window that failed "lt 2" is not re-tested).
 *
 * State is bounded by time: records older than watermark - span are evicted.
 */
export class CorrelationWindows {
  private readonly groups = new Map<string, WinRecord[]>();
  private maxTs = Number.NEGATIVE_INFINITY;
  private nextSweep = Number.POSITIVE_INFINITY;
  private readonly eager: boolean;
  private readonly max: number;
  /** Records dropped because they arrived later than the tolerance allows. */
  lateDropped = 0;

  constructor(private readonly spec: WindowSpec) {
    const opsMonotone = spec.condition.every((c) => c.op === 'gt' || c.op === 'gte');
    this.eager =
      opsMonotone &&
      (spec.kind === 'event_count' ||
        spec.kind === 'value_count' ||
        spec.kind === 'temporal' ||
        spec.kind === 'temporal_ordered' ||
        spec.kind === 'value_sum');
    this.max = spec.maxPerGroup ?? 10_000;
  }

  private get watermark(): number {
    return this.maxTs - this.spec.toleranceMs;
  }

  /** Adds a record to a group; returns the windows it completed (usually none or one). */
  add(group: string, rec: WinRecord): WindowHit[] {
    if (rec.ts > this.maxTs) this.maxTs = rec.ts;
    if (rec.ts < this.watermark - this.spec.spanMs) {
      this.lateDropped++;
      return [];
    }
    let list = this.groups.get(group);
    if (!list) {
      list = [];
      this.groups.set(group, list);
    }
    const pos = upperBound(list, rec);
    list.splice(pos, 0, rec);
    if (list.length > this.max) list.splice(0, list.length - this.max);
    const hits: WindowHit[] = [];
    if (this.eager) {
      const hit = this.checkAround(group, list, rec);
      if (hit) hits.push(hit);
      this.evictOld(list);
      if (list.length === 0) this.groups.delete(group);
      if (this.nextSweep === Number.POSITIVE_INFINITY) this.nextSweep = this.watermark + this.spec.spanMs;
    } else {
      const deadline = list[0]!.ts + this.spec.spanMs;
      if (deadline < this.nextSweep) this.nextSweep = deadline;
    }
    if (this.watermark > this.nextSweep) hits.push(...this.sweep(false));
    return hits;
  }

  /** Closes every pending window (end of input). */
  flush(): WindowHit[] {
    return this.sweep(true);
  }

  /** Windows that can contain `rec`: those ending at records with time in [rec.ts, rec.ts + span]. */
  private checkAround(group: string, list: WinRecord[], rec: WinRecord): WindowHit | undefined {
    const span = this.spec.spanMs;
    let j = list.indexOf(rec);
    for (; j < list.length && list[j]!.ts <= rec.ts + span; j++) {
      const end = list[j]!.ts;
      const lo = lowerBoundTs(list, end - span);
      const win = list.slice(lo, j + 1);
      const v = this.evaluate(win);
      if (v !== undefined) {
        list.splice(lo, j + 1 - lo);
        return { group, records: win, value: v, start: win[0]!.ts, end };
      }
    }
    return undefined;
  }

  private evictOld(list: WinRecord[]): void {
    const limit = this.watermark - this.spec.spanMs;
    let k = 0;
    while (k < list.length && list[k]!.ts < limit) k++;
    if (k) list.splice(0, k);
  }

  /** Closes windows whose end is behind the watermark (all of them when `all`), and evicts. */
  private sweep(all: boolean): WindowHit[] {
    const hits: WindowHit[] = [];
    const wm = this.watermark;
    let next = Number.POSITIVE_INFINITY;
    for (const [group, list] of this.groups) {
      if (this.eager) {
        if (all) list.length = 0;
        else this.evictOld(list);
      } else {
        while (list.length && (all || list[0]!.ts + this.spec.spanMs < wm)) {
          const start = list[0]!.ts;
          const hi = upperBoundTs(list, start + this.spec.spanMs);
          const win = list.slice(0, hi);
          const v = this.evaluate(win);
          if (v !== undefined)
            hits.push({ group, records: win, value: v, start, end: win[win.length - 1]!.ts });
          // Windows decided at close do not overlap: the next one starts after this one's records.
          list.splice(0, hi);
        }
        if (list.length) next = Math.min(next, list[0]!.ts + this.spec.spanMs);
      }
      if (list.length === 0) this.groups.delete(group);
    }
    this.nextSweep = this.eager ? (all ? Number.POSITIVE_INFINITY : wm + this.spec.spanMs) : next;
    return hits;
  }

  /** The window's aggregate when it satisfies the condition, else undefined. */
  private evaluate(win: readonly WinRecord[]): number | undefined {
    const v = aggregate(this.spec, win);
    if (v === undefined) return undefined;
    const cond = this.spec.condition.length
      ? this.spec.condition
      : [{ op: 'gte' as const, value: this.spec.kind.startsWith('temporal') ? this.spec.ruleCount : 1 }];
    return cond.every((c) => compare(v, c.op, c.value)) ? v : undefined;
  }

  /** Groups currently holding records (for tests and memory checks). */
  get groupCount(): number {
    return this.groups.size;
  }
  get recordCount(): number {
    let n = 0;
    for (const l of this.groups.values()) n += l.length;
    return n;
  }
}

function compare(v: number, op: CmpOp, n: number): boolean {
  switch (op) {
    case 'gt':
      return v > n;
    case 'gte':
      return v >= n;
    case 'lt':
      return v < n;
    case 'lte':
      return v <= n;
    case 'eq':
      return v === n;
    case 'neq':
      return v !== n;
  }
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** The number a window stands for, by correlation type (undefined: the window cannot satisfy it). */
export function aggregate(
  spec: Pick<WindowSpec, 'kind' | 'ruleCount' | 'percentile'>,
  win: readonly WinRecord[],
): number | undefined {
  switch (spec.kind) {
    case 'event_count':
      return win.length;
    case 'value_count': {
      const s = new Set<string>();
      for (const r of win)
        if (r.value !== undefined && r.value !== null && r.value !== '') s.add(String(r.value));
      return s.size;
    }
    case 'temporal': {
      const s = new Set<number>();
      for (const r of win) s.add(r.rule);
      return s.size;
    }
    case 'temporal_ordered':
      return orderedPrefix(win, spec.ruleCount);
    case 'value_sum':
    case 'value_avg': {
      let sum = 0;
      let n = 0;
      for (const r of win) {
        const x = num(r.value);
        if (x === undefined) continue;
        sum += x;
        n++;
      }
      if (n === 0) return undefined;
      return spec.kind === 'value_sum' ? sum : sum / n;
    }
    case 'value_percentile':
    case 'value_median': {
      const xs = win.flatMap((r) => {
        const x = num(r.value);
        return x === undefined ? [] : [x];
      });
      if (!xs.length) return undefined;
      xs.sort((a, b) => a - b);
      const p = (spec.kind === 'value_median' ? 50 : (spec.percentile ?? 50)) / 100;
      // Linear interpolation between closest ranks (the common "type 7" definition).
      const h = (xs.length - 1) * p;
      const lo = Math.floor(h);
      return xs[lo]! + (h - lo) * ((xs[Math.min(lo + 1, xs.length - 1)] ?? xs[lo]!) - xs[lo]!);
    }
  }
}

/**
 * temporal_ordered: how many of the referenced rules, in their listed order, occur as a
 * subsequence of the window (records are already in time order). ruleCount means "all, in order".
 */
function orderedPrefix(win: readonly WinRecord[], ruleCount: number): number {
  let want = 0;
  for (const r of win) {
    if (r.rule === want) {
      want++;
      if (want === ruleCount) break;
    }
  }
  return want;
}

const before = (a: WinRecord, b: WinRecord): boolean => a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);

function upperBound(list: readonly WinRecord[], rec: WinRecord): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(rec, list[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index with ts >= t. */
function lowerBoundTs(list: readonly WinRecord[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with ts > t. */
function upperBoundTs(list: readonly WinRecord[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.ts <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
