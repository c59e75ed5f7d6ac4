import type { KType } from '../../ir/query.js';
import type { ScalarFn } from './scalar-functions.js';
import { isNull, toDate, toNumber, toText, type Value } from './values.js';

/**
 * Datetime and timespan functions (datetimes are UTC `Date`s, timespans milliseconds): now/ago, bin,
 * startof*, format_datetime, datetime_diff/add/part, unixtime conversions, make_datetime/timespan.
 */
const str = (v: Value, t?: KType): string => toText(v, t);
const num = (v: Value): number | null => toNumber(v);
const dateOf = (v: Value): Date | null => toDate(v);
const DAY = 86_400_000;
/** 0001-01-01T00:00:00Z: KQL bins datetimes on .NET ticks from this origin. */
const origin = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();

/** Floors `v` to a multiple of `size` from `at` (default: 0001-01-01 for datetimes, 0 for numbers). */
function binValue(v: Value, size: Value, t: KType, at?: number): Value {
  if (isNull(v) || isNull(size)) return null;
  const s = num(size);
  if (s === null || s <= 0) return null;
  if (t === 'datetime' || v instanceof Date) {
    const d = dateOf(v);
    if (!d) return null;
    const base = at ?? origin;
    return new Date(base + Math.floor((d.getTime() - base) / s) * s);
  }
  const n = num(v);
  if (n === null) return null;
  const base = at ?? 0;
  return Math.floor((n - base) / s) * s + base;
}

/** The `format_datetime` specifiers, longest first (the SQL backend compiles the same tokens). */
export const datetimeFormatTokens =
  /yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|fffffff|ffffff|fffff|ffff|fff|ff|f|tt/g;

function formatDatetime(d: Date, fmt: string): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = d.getUTCMilliseconds();
  const tokens: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    yy: p(d.getUTCFullYear() % 100),
    MM: p(d.getUTCMonth() + 1),
    M: String(d.getUTCMonth() + 1),
    dd: p(d.getUTCDate()),
    d: String(d.getUTCDate()),
    HH: p(d.getUTCHours()),
    H: String(d.getUTCHours()),
    hh: p(d.getUTCHours() % 12 || 12),
    h: String(d.getUTCHours() % 12 || 12),
    mm: p(d.getUTCMinutes()),
    m: String(d.getUTCMinutes()),
    ss: p(d.getUTCSeconds()),
    s: String(d.getUTCSeconds()),
    fffffff: `${p(ms, 3)}0000`,
    ffffff: `${p(ms, 3)}000`,
    fffff: `${p(ms, 3)}00`,
    ffff: `${p(ms, 3)}0`,
    fff: p(ms, 3),
    ff: p(Math.floor(ms / 10), 2),
    f: String(Math.floor(ms / 100)),
    tt: d.getUTCHours() < 12 ? 'AM' : 'PM',
  };
  return fmt.replace(datetimeFormatTokens, (t) => tokens[t] ?? t);
}

const startOf = (d: Date, unit: 'day' | 'week' | 'month' | 'year', offset = 0): Date => {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  switch (unit) {
    case 'day':
      return new Date(Date.UTC(y, m, day + offset));
    case 'week':
      return new Date(Date.UTC(y, m, day - d.getUTCDay() + offset * 7));
    case 'month':
      return new Date(Date.UTC(y, m + offset, 1));
    case 'year':
      return new Date(Date.UTC(y + offset, 0, 1));
  }
};

const partMs: Readonly<Record<string, number>> = {
  day: DAY,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
  week: 7 * DAY,
  microsecond: 0.001,
  nanosecond: 0.000001,
};

function datetimeDiff(part: string, a: Date, b: Date): number {
  const p = part.toLowerCase();
  if (p === 'year') return a.getUTCFullYear() - b.getUTCFullYear();
  if (p === 'quarter')
    return (
      (a.getUTCFullYear() - b.getUTCFullYear()) * 4 +
      Math.floor(a.getUTCMonth() / 3) -
      Math.floor(b.getUTCMonth() / 3)
    );
  if (p === 'month')
    return (a.getUTCFullYear() - b.getUTCFullYear()) * 12 + a.getUTCMonth() - b.getUTCMonth();
  if (p === 'week')
    return Math.round((startOf(a, 'week').getTime() - startOf(b, 'week').getTime()) / (7 * DAY));
  const u = partMs[p];
  if (!u) return Number.NaN;
  // count boundaries crossed, like KQL (difference of truncated values)
  return Math.floor(a.getTime() / u) - Math.floor(b.getTime() / u);
}

/** The datetime function table (merged into scalarFns). */
export const datetimeFns: Readonly<Record<string, ScalarFn>> = {
  now: ([offset], _t, env) => new Date(env.now + (num(offset) ?? 0)),
  ago: ([ts], _t, env) => (isNull(ts) ? null : new Date(env.now - (num(ts) ?? 0))),
  bin: ([v, size], [t]) => binValue(v, size, t ?? 'real'),
  bin_at: ([v, size, at], [t]) => {
    const o = at instanceof Date ? at.getTime() : (num(at) ?? 0);
    return binValue(v, size, t ?? 'real', o);
  },
  format_datetime: ([d, f]) => {
    const x = dateOf(d);
    return x ? formatDatetime(x, str(f)) : '';
  },
  startofday: ([d, o]) => {
    const x = dateOf(d);
    return x ? startOf(x, 'day', num(o) ?? 0) : null;
  },
  startofweek: ([d, o]) => {
    const x = dateOf(d);
    return x ? startOf(x, 'week', num(o) ?? 0) : null;
  },
  startofmonth: ([d, o]) => {
    const x = dateOf(d);
    return x ? startOf(x, 'month', num(o) ?? 0) : null;
  },
  startofyear: ([d, o]) => {
    const x = dateOf(d);
    return x ? startOf(x, 'year', num(o) ?? 0) : null;
  },
  endofday: ([d, o]) => {
    const x = dateOf(d);
    return x ? new Date(startOf(x, 'day', (num(o) ?? 0) + 1).getTime() - 0.0001) : null;
  },
  datetime_diff: ([p, a, b]) => {
    const x = dateOf(a);
    const y = dateOf(b);
    if (!x || !y) return null;
    const r = datetimeDiff(str(p), x, y);
    return Number.isNaN(r) ? null : r;
  },
  datetime_add: ([p, amount, d]) => {
    const x = dateOf(d);
    const n = num(amount);
    if (!x || n === null) return null;
    const part = str(p).toLowerCase();
    const r = new Date(x.getTime());
    if (part === 'year') r.setUTCFullYear(r.getUTCFullYear() + n);
    else if (part === 'quarter') r.setUTCMonth(r.getUTCMonth() + 3 * n);
    else if (part === 'month') r.setUTCMonth(r.getUTCMonth() + n);
    else {
      const u = partMs[part];
      if (!u) return null;
      return new Date(x.getTime() + n * u);
    }
    return r;
  },
  datetime_part: ([p, d]) => {
    const x = dateOf(d);
    if (!x) return null;
    const part = str(p).toLowerCase();
    const map: Record<string, number> = {
      year: x.getUTCFullYear(),
      quarter: Math.floor(x.getUTCMonth() / 3) + 1,
      month: x.getUTCMonth() + 1,
      day: x.getUTCDate(),
      dayofyear: Math.floor((x.getTime() - Date.UTC(x.getUTCFullYear(), 0, 1)) / DAY) + 1,
      hour: x.getUTCHours(),
      minute: x.getUTCMinutes(),
      second: x.getUTCSeconds(),
      millisecond: x.getUTCMilliseconds(),
    };
    return map[part] ?? null;
  },
  dayofweek: ([d]) => {
    const x = dateOf(d);
    return x ? x.getUTCDay() * DAY : null;
  },
  hourofday: ([d]) => dateOf(d)?.getUTCHours() ?? null,
  getmonth: ([d]) => {
    const x = dateOf(d);
    return x ? x.getUTCMonth() + 1 : null;
  },
  getyear: ([d]) => dateOf(d)?.getUTCFullYear() ?? null,
  unixtime_seconds_todatetime: ([v]) => {
    const n = num(v);
    return n === null ? null : new Date(n * 1000);
  },
  unixtime_milliseconds_todatetime: ([v]) => {
    const n = num(v);
    return n === null ? null : new Date(n);
  },
  make_datetime: (args) => {
    const n = args.map((a) => num(a) ?? 0);
    const [y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0] = n;
    return new Date(Date.UTC(y, mo - 1, d, h, mi, 0) + s * 1000);
  },
  make_timespan: (args) => {
    const n = args.map((a) => num(a) ?? 0);
    if (n.length === 2) return (n[0] ?? 0) * 3_600_000 + (n[1] ?? 0) * 60_000;
    if (n.length === 3) return (n[0] ?? 0) * 3_600_000 + (n[1] ?? 0) * 60_000 + (n[2] ?? 0) * 1000;
    return (n[0] ?? 0) * DAY + (n[1] ?? 0) * 3_600_000 + (n[2] ?? 0) * 60_000 + (n[3] ?? 0) * 1000;
  },
};
