import type { KType } from '../../ir/query.js';

/**
 * Runtime values of the KQL evaluator and the KQL semantics that are easy to get wrong
 * (docs/kusto.md §1.6): dynamic -> text comparison, `has` term matching, nulls.
 *
 * Encoding (see ir/query.ts): null; boolean; number (int/long/real, timespan in ms); string;
 * Date (datetime); plain JSON for dynamic.
 */
export type Value = unknown;
export type Row = Record<string, Value>;

export const isNullish = (v: Value): v is null | undefined => v === null || v === undefined;

/** Null for KQL purposes: a missing or JSON-null value, an invalid date, NaN is a real value. */
export function isNull(v: Value): boolean {
  return v === null || v === undefined || (v instanceof Date && Number.isNaN(v.getTime()));
}

/** KQL text of a datetime: ISO-8601 UTC, fraction only when present. */
export function datetimeText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : `${iso.slice(0, -1)}0000Z`;
}

/** KQL text of a timespan in ms: `[-][d.]hh:mm:ss[.fffffff]`. */
export function timespanText(ms: number): string {
  const neg = ms < 0;
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = Math.round((rest - s * 1000) * 10_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const body = `${days ? `${days}.` : ''}${p2(h)}:${p2(m)}:${p2(s)}${frac ? `.${String(frac).padStart(7, '0')}` : ''}`;
  return neg ? `-${body}` : body;
}

/**
 * `tostring()`: null -> '', strings unquoted, datetimes ISO, bags/arrays as JSON. `type` is the static
 * type when known (a timespan is a number at run time).
 * @example toText(true) === 'true'
 */
export function toText(v: Value, type?: KType): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (type === 'timespan') return timespanText(v);
    if (Number.isNaN(v)) return 'NaN';
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : datetimeText(v);
  return JSON.stringify(v, (_k, x) => (x instanceof Date ? datetimeText(x) : x));
}

/** Converts a value to a number (KQL toreal semantics); null when not convertible. */
export function toNumber(v: Value): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    const n = Number(t);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/** Converts a value to a Date (KQL todatetime); null when not convertible. */
export function toDate(v: Value): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (!t) return null;
    const iso =
      /^\d{4}-\d{2}-\d{2}( |T|$)/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(t) && t.length > 10
        ? `${t.replace(' ', 'T')}Z`
        : t;
    const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  if (typeof v === 'number') return null;
  return null;
}

/** Converts to a boolean (KQL tobool): true/false, 1/0, "true"/"false" (any case). */
export function toBool(v: Value): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    const n = Number(t);
    return t !== '' && !Number.isNaN(n) ? n !== 0 : null;
  }
  return null;
}

/** Deep equality of dynamic values. */
export function jsonEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Row)[k], (b as Row)[k]));
}

const isContainer = (v: Value): boolean => typeof v === 'object' && v !== null && !(v instanceof Date);

/**
 * KQL `==` once nulls are excluded. A dynamic scalar compared with a string compares its text (so JSON
 * `true == "true"` and `201 == "201"`); compared with a number it compares numerically.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (typeof a === typeof b && !isContainer(a)) {
    if (a instanceof Date || b instanceof Date) return toNumber(a) === toNumber(b);
    return a === b;
  }
  if (a instanceof Date || b instanceof Date) {
    const x = a instanceof Date ? a.getTime() : toDate(a)?.getTime();
    const y = b instanceof Date ? b.getTime() : toDate(b)?.getTime();
    return x !== undefined && x === y;
  }
  if (isContainer(a) || isContainer(b)) {
    if (isContainer(a) && isContainer(b)) return jsonEqual(a, b);
    return false;
  }
  if (typeof a === 'string' || typeof b === 'string') return toText(a) === toText(b);
  if (typeof a === 'number' || typeof b === 'number') return toNumber(a) === toNumber(b);
  return false;
}

/** Ordering for <, >, sort, min/max: -1/0/1, or null when either side is null or incomparable. */
export function compareValues(a: Value, b: Value): number | null {
  if (isNull(a) || isNull(b)) return null;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date || b instanceof Date) {
    const x = a instanceof Date ? a.getTime() : toDate(a)?.getTime();
    const y = b instanceof Date ? b.getTime() : toDate(b)?.getTime();
    if (x === undefined || y === undefined) return null;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  const s = toText(a);
  const t = toText(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

const alnum = /[\p{L}\p{N}]/u;
const isTermChar = (ch: string | undefined): boolean => ch !== undefined && alnum.test(ch);

/**
 * KQL `has` family on already case-folded text: the needle must sit on term boundaries (a term is a
 * maximal run of letters/digits; `_` and punctuation delimit). `prefix`/`suffix` check one side only.
 * @example hasTerm('system:serviceaccount:kube-system', 'kube', 'both') === true
 */
export function hasTerm(hay: string, needle: string, side: 'both' | 'prefix' | 'suffix'): boolean {
  if (needle === '') return true;
  const startsTerm = isTermChar(needle[0]);
  const endsTerm = isTermChar(needle[needle.length - 1]);
  let i = hay.indexOf(needle);
  while (i >= 0) {
    const okStart = side === 'suffix' || !startsTerm || !isTermChar(hay[i - 1]);
    const j = i + needle.length;
    const okEnd = side === 'prefix' || !endsTerm || !isTermChar(hay[j]);
    if (okStart && okEnd) return true;
    i = hay.indexOf(needle, i + 1);
  }
  return false;
}

/** Flattens `in` list items: dynamic arrays contribute their elements. */
export function flattenList(values: readonly Value[]): Value[] {
  const out: Value[] = [];
  for (const v of values) {
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** Normalizes a value read from a row to its static type (a string column never holds null). */
export function normalize(v: Value, type: KType): Value {
  if (v === undefined) return type === 'string' ? '' : null;
  switch (type) {
    case 'string':
      return v === null ? '' : typeof v === 'string' ? v : toText(v);
    case 'datetime':
      return v instanceof Date || v === null ? v : typeof v === 'number' ? new Date(v) : toDate(v);
    default:
      return v;
  }
}

/**
 * Provenance: a row may carry, under this symbol key, the source records (e.g. AuditEvents) it came
 * from. Row-preserving operators keep it (object spread copies symbol keys), project copies it,
 * summarize unions it per group, join merges both sides. It never appears as a column.
 */
export const rowSources: unique symbol = Symbol('auditscope.rowSources');

type WithSources = { [rowSources]?: readonly unknown[] };

/** The source records of a row, if it carries any. */
export const sourcesOf = (r: Row): readonly unknown[] | undefined => (r as WithSources)[rowSources];

/** Sets a row's source records (no-op for undefined). */
export function setSources(r: Row, s: readonly unknown[] | undefined): void {
  if (s) (r as WithSources)[rowSources] = s;
}
