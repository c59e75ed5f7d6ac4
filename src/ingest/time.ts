/**
 * Timestamps as the sources write them, to ISO-8601 UTC text (keeping the source's fractional
 * digits) plus epoch milliseconds (with the sub-millisecond part as a fraction).
 *
 * The common case (`2024-11-15T21:00:00.154534959Z`) takes a fast path with no regex; other
 * shapes (numeric offsets, no zone, the US `M/d/yyyy h:mm:ss AM` forms Azure writes, the Log
 * Analytics portal's `M/d/yyyy, h:mm:ss.fff PM`, Panther's `yyyy-MM-dd HH:mm:ss.ff`) take a slow
 * path. A time without a zone is UTC.
 */

export interface ParsedTime {
  readonly time: string;
  readonly ts: number;
}

/**
 * Parses a source timestamp; undefined when it is not a recognizable time.
 * @example parseTime('1/9/2007 10:41:00 AM +01:00') // { time: '2007-01-09T09:41:00Z', ts: 1168335660000 }
 */
export function parseTime(s: unknown): ParsedTime | undefined {
  if (typeof s !== 'string') {
    if (typeof s === 'number' && Number.isFinite(s)) return fromEpochMs(s);
    return undefined;
  }
  const n = s.length;
  // Fast path: YYYY-MM-DDTHH:MM:SS[.f+]Z
  if (
    n >= 20 &&
    s.charCodeAt(n - 1) === 90 /* Z */ &&
    s.charCodeAt(10) === 84 /* T */ &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45
  ) {
    const ms = isoUtcMillis(s, n);
    if (!Number.isNaN(ms)) return { time: s, ts: ms + subMillis(s, 19, n - 1) };
  }
  return parseSlow(s.trim());
}

/** Two ASCII digits at `i` as a number (NaN when not digits). */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff…]Z` to epoch ms from character codes (no Date.parse: this runs once per
 * event). NaN when the text is not exactly that shape.
 */
function isoUtcMillis(s: string, n: number): number {
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN;
  const year = d2(s, 0) * 100 + d2(s, 2);
  const mo = d2(s, 5);
  const day = d2(s, 8);
  const h = d2(s, 11);
  const mi = d2(s, 14);
  const sec = d2(s, 17);
  if (mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return Number.NaN;
  let ms = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 || n < 22) return Number.NaN;
    let scale = 100;
    for (let i = 20; i < n - 1 && i < 23; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      ms += c * scale;
      scale /= 10;
    }
  } else if (n !== 20) return Number.NaN;
  return Date.UTC(year, mo - 1, day, h, mi, sec, ms);
}

/** Epoch milliseconds (possibly fractional) to a ParsedTime with millisecond text. */
export function fromEpochMs(ms: number): ParsedTime | undefined {
  const d = new Date(Math.floor(ms));
  if (Number.isNaN(d.getTime())) return undefined;
  return { time: d.toISOString(), ts: ms };
}

/** The fraction digits after the first three (sub-millisecond), as a fraction of a millisecond. */
function subMillis(s: string, dot: number, end: number): number {
  if (s.charCodeAt(dot) !== 46 /* . */ || end - dot - 1 <= 3) return 0;
  let v = 0;
  let scale = 1;
  for (let i = dot + 4; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return 0;
    v = v * 10 + c;
    scale *= 10;
  }
  return v / scale;
}

const isoRe =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const usRe =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s*([AP]M))?(?:\s*(Z|[+-]\d{2}:?\d{2}))?$/i;

function parseSlow(s: string): ParsedTime | undefined {
  let m = isoRe.exec(s);
  if (m) return build(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), m[7], m[8]);
  m = usRe.exec(s);
  if (m) {
    let hour = +m[4]!;
    const ampm = m[8]?.toUpperCase();
    if (ampm === 'PM' && hour < 12) hour += 12;
    if (ampm === 'AM' && hour === 12) hour = 0;
    return build(+m[3]!, +m[1]!, +m[2]!, hour, +m[5]!, +(m[6] ?? 0), m[7], m[9]);
  }
  if (/^\d{10,13}(\.\d+)?$/.test(s)) {
    const v = Number(s);
    return fromEpochMs(s.indexOf('.') === 10 || s.length === 10 ? v * 1000 : v);
  }
  return undefined;
}

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  sec: number,
  frac: string | undefined,
  zone: string | undefined,
): ParsedTime | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  let ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  if (Number.isNaN(ms)) return undefined;
  const base = new Date(ms).toISOString().slice(0, 19);
  if (!frac) return { time: `${base}Z`, ts: ms };
  const fracMs = Number(`0.${frac}`) * 1000;
  return { time: `${base}.${frac}Z`, ts: ms + fracMs };
}
