import { RE2JS } from 're2js';

/**
 * An ES|QL date (epoch ms); field values of `@timestamp`-like fields and date functions.
 * @example new EsDate(Date.parse('2026-01-01T00:00:00Z'))
 */
export class EsDate {
  constructor(readonly ms: number) {}
  toJSON(): string {
    return new Date(this.ms).toISOString();
  }
}

/**
 * An ES|QL time span (`9 minutes`).
 * @example new EsSpan(9 * 60_000) // 9 minutes
 */
export class EsSpan {
  constructor(readonly ms: number) {}
}

/**
 * An ES|QL value: null, a scalar, or a multi-value (a JS array of two or more scalars; a one-element
 * array is the scalar, as Elasticsearch stores it).
 */
export type Scalar = string | number | boolean | EsDate | EsSpan;
export type Value = null | Scalar | Scalar[];

const dateFields = new Set(['@timestamp', 'event.ingested', 'event.created']);

/**
 * Normalizes a document value to an ES|QL value (dates for the ECS date fields).
 * @example toValue(['10.0.0.1']) // '10.0.0.1' (a one-element array is a scalar)
 */
export function toValue(v: unknown, field?: string): Value {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) {
    const xs = v.flatMap((x) => {
      const y = toValue(x, field);
      return y === null ? [] : Array.isArray(y) ? y : [y];
    });
    return xs.length === 0 ? null : xs.length === 1 ? xs[0]! : xs;
  }
  if (typeof v === 'string') {
    if (field && dateFields.has(field)) {
      const t = Date.parse(v);
      return Number.isFinite(t) ? new EsDate(t) : v;
    }
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return null;
}

/**
 * Every non-null scalar of a value.
 * @example scalars(['a', 'b']) // ['a', 'b']; scalars(null) // []
 */
export const scalars = (v: Value): Scalar[] => (v === null ? [] : Array.isArray(v) ? v : [v]);

/**
 * Builds a value from scalars (null when none, the scalar when one).
 * @example fromScalars(['a']) // 'a'
 */
export const fromScalars = (xs: readonly Scalar[]): Value =>
  xs.length === 0 ? null : xs.length === 1 ? xs[0]! : [...xs];

/**
 * A stable string key of a scalar, for grouping and distinct counts.
 * @example keyOf(1) !== keyOf('1')
 */
export function keyOf(s: Scalar): string {
  if (s instanceof EsDate) return `d:${s.ms}`;
  if (s instanceof EsSpan) return `s:${s.ms}`;
  return `${typeof s}:${String(s)}`;
}

/**
 * Three-way comparison of two scalars, or undefined when they are not comparable.
 * @example compareScalars(2, 10) // < 0
 */
export function compareScalars(a: Scalar, b: Scalar): number | undefined {
  if (a instanceof EsDate || b instanceof EsDate) {
    const x = a instanceof EsDate ? a.ms : typeof a === 'string' ? Date.parse(a) : Number.NaN;
    const y = b instanceof EsDate ? b.ms : typeof b === 'string' ? Date.parse(b) : Number.NaN;
    return Number.isFinite(x) && Number.isFinite(y) ? x - y : undefined;
  }
  if (a instanceof EsSpan || b instanceof EsSpan) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = Number(a);
    const y = Number(b);
    if (Number.isFinite(x) && Number.isFinite(y) && a !== '' && b !== '') return x - y;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Plain JSON form of a value for alert fields (dates as ISO text).
 * @example plain(new EsDate(0)) // '1970-01-01T00:00:00.000Z'
 */
export function plain(v: Value): unknown {
  if (v instanceof EsDate) return new Date(v.ms).toISOString();
  if (v instanceof EsSpan) return v.ms;
  if (Array.isArray(v)) return v.map((x) => plain(x));
  return v;
}

const regexCache = new Map<string, RE2JS | undefined>();

/**
 * A compiled RE2 regex (linear time), cached; undefined when the pattern does not compile.
 * @example re2('.*curl.*')?.matches('curl -s x') // true
 */
export function re2(pattern: string, flags = 0): RE2JS | undefined {
  const key = `${flags}/${pattern}`;
  if (regexCache.has(key)) return regexCache.get(key);
  let r: RE2JS | undefined;
  try {
    r = RE2JS.compile(pattern, flags);
  } catch {
    r = undefined;
  }
  if (regexCache.size > 10_000) regexCache.clear();
  regexCache.set(key, r);
  return r;
}

/**
 * ES|QL LIKE: `*` any run, `?` one character, whole value, case-sensitive.
 * @example likeRegex('eks:*')?.matches('eks:node') // true
 */
export function likeRegex(pattern: string): RE2JS | undefined {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return re2(out, RE2JS.DOTALL);
}

/**
 * URL decoding as Java's URLDecoder does it (`+` is a space); null on a malformed escape.
 * @example urlDecode('a+b%2Fc') // 'a b/c'
 */
export function urlDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
