import type { KNode } from './syntax-tree.js';

/**
 * Decoding KQL literal tokens into IR literal values (datetime -> epoch ms, timespan -> ms).
 * The official tree gives .NET-shaped values for these (`System.TimeSpan`, boxed `DateTime`); reading
 * the token text is simpler and exact.
 */

const unitMs: Readonly<Record<string, number>> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

/**
 * Parses a timespan literal: `1d`, `1.5h`, `30m`, `10ms`, `1tick`, `time(1.02:00:00)`, `timespan(2d)`,
 * `time(null)`. Returns milliseconds, null for a null literal, undefined when unreadable.
 * @example parseTimespanText('1d') === 86400000
 */
export function parseTimespanText(text: string): number | null | undefined {
  let t = text.trim();
  const call = /^(?:time|timespan)\s*\(\s*(.*?)\s*\)$/i.exec(t);
  if (call) t = call[1] ?? '';
  if (/^null$/i.test(t)) return null;
  const unit = /^(-?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(t);
  if (unit) {
    const mult = unitMs[(unit[2] ?? '').toLowerCase()];
    return mult === undefined ? undefined : Number(unit[1]) * mult;
  }
  // [-][d.]hh:mm[:ss[.fffffff]]
  const clock = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(t);
  if (clock) {
    const [, neg, d, h, m, s, f] = clock;
    const ms =
      Number(d ?? 0) * 86_400_000 +
      Number(h) * 3_600_000 +
      Number(m) * 60_000 +
      Number(s ?? 0) * 1000 +
      (f ? Number(`0.${f}`) * 1000 : 0);
    return neg ? -ms : ms;
  }
  if (/^-?\d+(?:\.\d+)?$/.test(t)) return Number(t) * 86_400_000; // time(2) = 2 days
  return undefined;
}

/**
 * Parses a datetime literal's inside (`2024-01-01`, `2024-01-01 10:00:00.5`, `2024-01-01T10:00:00Z`,
 * `null`) as UTC. Returns epoch ms (fraction kept), null, or undefined when unreadable.
 * @example parseDatetimeText('datetime(2024-01-01)') === Date.UTC(2024, 0, 1)
 */
export function parseDatetimeText(text: string): number | null | undefined {
  let t = text.trim();
  const call = /^(?:datetime|date)\s*\(\s*(.*?)\s*\)$/i.exec(t);
  if (call) t = call[1] ?? '';
  t = t.replace(/^["']|["']$/g, '');
  if (/^null$/i.test(t)) return null;
  return parseDatetimeValue(t);
}

/** Parses ISO-like datetime text as UTC (no zone = UTC); keeps sub-millisecond digits as a fraction. */
export function parseDatetimeValue(text: string): number | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text.trim(),
    );
  if (!m) {
    const p = Date.parse(text);
    return Number.isNaN(p) ? undefined : p;
  }
  const [, y, mo, d, h, mi, s, f, z] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (f) ms += Number(`0.${f}`) * 1000;
  if (z && z.toUpperCase() !== 'Z') {
    const sign = z.startsWith('-') ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** A numeric literal value (Bridge Int64 objects print their decimal value). */
export function literalNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  const n = Number(String(v));
  return Number.isNaN(n) ? null : n;
}

/** The source text of a node. */
export const nodeText = (source: string, n: KNode): string => source.slice(n.start, n.end);
