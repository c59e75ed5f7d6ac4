import type { TimePart } from '../ir/expr.js';

/**
 * The numeric part of a date value, in UTC (Sigma 2.1 time modifiers). The value may be an ISO-8601
 * string or epoch milliseconds. `week` is the ISO-8601 week number (1..53). Undefined when the
 * value is not a date.
 * @example timePartOf('2024-05-01T03:04:05Z', 'hour') === 3
 */
export function timePartOf(v: unknown, part: TimePart): number | undefined {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string' && v.length >= 4) ms = Date.parse(v);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week':
      return isoWeek(d);
    default:
      return undefined;
  }
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7; // Monday = 1 .. Sunday = 7
  t.setUTCDate(t.getUTCDate() + 4 - dow); // Thursday of this week decides the year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}
