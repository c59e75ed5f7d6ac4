import type { KType } from '../../ir/query.js';
import { datetimeFns } from './datetime-functions.js';
import { re2OrThrow } from './regex.js';
import { isNull, jsonEqual, toBool, toDate, toNumber, toText, type Value } from './values.js';

/**
 * Eager scalar functions (arguments already evaluated). Lazy ones (`iff`, `case`, `coalesce`) are
 * compiled in compile-scalar.ts. Every function returns null instead of failing on bad input, as KQL does.
 */
export interface FnEnv {
  /** The query's pinned now (epoch ms). */
  readonly now: number;
}

export type ScalarFn = (
  args: readonly Value[],
  types: readonly KType[],
  env: FnEnv,
  resultType: KType,
) => Value;

const str = (v: Value, t?: KType): string => toText(v, t);
const num = (v: Value): number | null => toNumber(v);
const dateOf = (v: Value): Date | null => toDate(v);
const DAY = 86_400_000;

/** Parses JSON text leniently (KQL parse_json: invalid JSON stays a string). */
export function parseJsonValue(v: Value): Value {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

const toIntOrNull = (v: Value, t: KType | undefined): number | null => {
  if (t === 'datetime' && v instanceof Date) return null;
  const n = typeof v === 'string' ? Number(v.trim()) : num(v);
  if (n === null || Number.isNaN(n) || (typeof v === 'string' && v.trim() === '')) return null;
  return Math.trunc(n);
};

function urlDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
}

/** An IPv4 address as a number (the text trimmed as JS trims), or null when it is not one. */
export function ipv4ToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((x) => x > 255)) return null;
  return (((parts[0] ?? 0) << 24) >>> 0) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
}

/**
 * A CIDR range as its masked base and mask, or null when the text is not one.
 * @example ipv4Range('10.0.0.0/8') // { base: 167772160, mask: 4278190080 }
 */
export function ipv4Range(cidr: string): { readonly base: number; readonly mask: number } | null {
  const [baseText, bitsText] = cidr.split('/');
  const b = ipv4ToInt(baseText ?? '');
  if (b === null) return null;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!(bits >= 0 && bits <= 32)) return null;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (b & mask) >>> 0, mask };
}

function inRange(ip: string, cidr: string): boolean | null {
  const a = ipv4ToInt(ip);
  const r = ipv4Range(cidr);
  if (a === null || r === null) return null;
  return (a & r.mask) >>> 0 === r.base;
}

/** The private IPv4 ranges `ipv4_is_private` checks. */
export const privateIpv4Ranges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;

function extractGroup(re: string, group: number, text: string): string | null {
  const m = re2OrThrow(re).matcher(text);
  if (!m.find()) return null;
  return m.group(group) ?? null;
}

/** The scalar function table (canonical names). */
export const scalarFns: Readonly<Record<string, ScalarFn>> = {
  ...datetimeFns,
  tostring: ([v], [t]) => str(v, t),
  toint: ([v], [t]) => toIntOrNull(v, t),
  tolong: ([v], [t]) => toIntOrNull(v, t),
  todouble: ([v]) => {
    if (typeof v === 'string' && v.trim() === '') return null;
    const n = num(v);
    return n === null ? (typeof v === 'string' && /^nan$/i.test(v.trim()) ? Number.NaN : null) : n;
  },
  tobool: ([v]) => toBool(v),
  todatetime: ([v]) => dateOf(v),
  totimespan: ([v], [t]) => {
    if (t === 'timespan' || typeof v === 'number') return typeof v === 'number' ? v : null;
    if (typeof v !== 'string') return null;
    const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(v.trim());
    if (!m) return null;
    const ms =
      Number(m[2] ?? 0) * DAY +
      Number(m[3]) * 3_600_000 +
      Number(m[4]) * 60_000 +
      Number(m[5] ?? 0) * 1000 +
      (m[6] ? Number(`0.${m[6]}`) * 1000 : 0);
    return m[1] ? -ms : ms;
  },
  parse_json: ([v]) => parseJsonValue(v),
  extract: ([re, g, text]) => {
    const s = str(text);
    const r = extractGroup(str(re), num(g) ?? 0, s);
    return r ?? '';
  },
  extract_all: ([re, a, b]) => {
    const text = b === undefined ? a : b;
    const groups = b === undefined ? undefined : Array.isArray(a) ? a.map((x) => num(x) ?? 0) : undefined;
    if (isNull(text)) return null;
    const rx = re2OrThrow(str(re));
    const m = rx.matcher(str(text));
    const count = rx.groupCount();
    const out: Value[] = [];
    while (m.find()) {
      if (groups) out.push(groups.map((gi) => m.group(gi) ?? ''));
      else if (count <= 1) out.push(m.group(count) ?? '');
      else out.push(Array.from({ length: count }, (_x, i) => m.group(i + 1) ?? ''));
      if (m.end() === m.start() && m.end() >= str(text).length) break;
    }
    return out.length ? out : null;
  },
  url_decode: ([v]) => urlDecode(str(v)),
  url_encode: ([v]) => encodeURIComponent(str(v)),
  strcat: (args, types) => args.map((a, i) => str(a, types[i])).join(''),
  strcat_delim: ([d, ...rest], [, ...types]) => rest.map((a, i) => str(a, types[i])).join(str(d)),
  strcat_array: ([arr, d]) => (Array.isArray(arr) ? arr.map((x) => str(x)).join(str(d)) : ''),
  split: ([s, d, idx]) => {
    const parts = str(s).split(str(d));
    if (idx === undefined) return parts;
    const i = num(idx);
    if (i === null) return null;
    const p = parts[i < 0 ? parts.length + i : i];
    return p === undefined ? [] : [p];
  },
  bag_keys: ([b]) =>
    b && typeof b === 'object' && !Array.isArray(b) && !(b instanceof Date) ? Object.keys(b) : null,
  bag_has_key: ([b, k]) =>
    b && typeof b === 'object' && !Array.isArray(b) ? Object.hasOwn(b as object, str(k)) : false,
  bag_pack: (args) => {
    const o: Record<string, Value> = {};
    for (let i = 0; i + 1 < args.length; i += 2) o[str(args[i])] = args[i + 1] ?? null;
    return o;
  },
  pack_array: (args) => args.map((a) => a ?? null),
  array_length: ([a]) => (Array.isArray(a) ? a.length : null),
  array_concat: (args) => (args.every(Array.isArray) ? (args as Value[][]).flat() : null),
  array_slice: ([a, s, e]) => {
    if (!Array.isArray(a)) return null;
    const n = a.length;
    let i = num(s) ?? 0;
    let j = num(e) ?? n - 1;
    if (i < 0) i += n;
    if (j < 0) j += n;
    return a.slice(Math.max(0, i), Math.max(0, j + 1));
  },
  array_index_of: ([a, v]) =>
    Array.isArray(a) ? a.findIndex((x) => jsonEqual(x, v) || str(x) === str(v)) : null,
  set_has_element: ([a, v]) =>
    Array.isArray(a) ? a.some((x) => jsonEqual(x, v) || str(x) === str(v)) : null,
  isnull: ([v], [t]) => (t === 'string' ? false : isNull(v)),
  isnotnull: ([v], [t]) => (t === 'string' ? true : !isNull(v)),
  isempty: ([v]) => isNull(v) || v === '' || (typeof v === 'number' && Number.isNaN(v) && false),
  isnotempty: ([v]) => !(isNull(v) || v === ''),
  not: ([v]) => (isNull(v) ? null : !toBool(v)),
  tolower: ([v], [t]) => str(v, t).toLowerCase(),
  toupper: ([v], [t]) => str(v, t).toUpperCase(),
  strlen: ([v], [t]) => [...str(v, t)].length,
  substring: ([v, s, l], [t]) => {
    const chars = [...str(v, t)];
    const start = Math.max(0, num(s) ?? 0);
    const len = l === undefined ? undefined : (num(l) ?? 0);
    return chars.slice(start, len === undefined ? undefined : start + Math.max(0, len)).join('');
  },
  indexof: ([v, lookup, start, length, occurrence], [t]) => {
    const s = str(v, t);
    const needle = str(lookup);
    const from = num(start) ?? 0;
    const occ = num(occurrence) ?? 1;
    const end = length === undefined || num(length) === -1 ? s.length : from + (num(length) ?? 0);
    let i = from - 1;
    for (let k = 0; k < occ; k++) {
      i = s.indexOf(needle, i + 1);
      if (i < 0) return -1;
    }
    return i + needle.length <= end ? i : -1;
  },
  replace_string: ([v, lookup, rewrite], [t]) => {
    const s = str(v, t);
    const l = str(lookup);
    return l === '' ? s : s.split(l).join(str(rewrite));
  },
  replace_regex: ([a, b, c], [ta]) => {
    // replace_regex(text, regex, rewrite) (legacy replace(regex, rewrite, text) is reordered when lowered)
    const [text, re, rewrite] = [a, b, c];
    const rx = re2OrThrow(str(re));
    return rx.matcher(str(text, ta)).replaceAll(str(rewrite).replace(/\\(\d)/g, '$$$1'));
  },
  trim: ([re, v]) => trimRe(str(v), str(re), true, true),
  trim_start: ([re, v]) => trimRe(str(v), str(re), true, false),
  trim_end: ([re, v]) => trimRe(str(v), str(re), false, true),
  reverse: ([v], [t]) => [...str(v, t)].reverse().join(''),
  countof: ([v, search, kind]) => {
    const s = str(v);
    const n = str(search);
    if (!n) return 0;
    if (str(kind) === 'regex') {
      const m = re2OrThrow(n).matcher(s);
      let c = 0;
      while (m.find()) c++;
      return c;
    }
    let c = 0;
    for (let i = s.indexOf(n); i >= 0; i = s.indexOf(n, i + 1)) c++;
    return c;
  },
  abs: ([v]) => {
    const n = num(v);
    return n === null ? null : Math.abs(n);
  },
  round: ([v, p]) => {
    const n = num(v);
    if (n === null) return null;
    const f = 10 ** (num(p) ?? 0);
    return Math.round(n * f) / f;
  },
  sqrt: ([v]) => nullOr(num(v), Math.sqrt),
  log: ([v]) => nullOr(num(v), Math.log),
  log10: ([v]) => nullOr(num(v), Math.log10),
  exp: ([v]) => nullOr(num(v), Math.exp),
  pow: ([a, b]) => {
    const x = num(a);
    const y = num(b);
    return x === null || y === null ? null : x ** y;
  },
  min_of: (args) => extreme(args, -1),
  max_of: (args) => extreme(args, 1),
  gettype: ([v], [t]) => {
    if (t !== 'dynamic')
      return t === 'datetime' ? 'datetime' : t === 'timespan' ? 'timespan' : t === 'real' ? 'real' : t;
    if (v === null || v === undefined) return 'null';
    if (Array.isArray(v)) return 'array';
    if (typeof v === 'object') return 'dictionary';
    if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
    return typeof v === 'boolean' ? 'bool' : 'string';
  },
  base64_decode_tostring: ([v]) => {
    try {
      return Buffer.from(str(v), 'base64').toString('utf8');
    } catch {
      return '';
    }
  },
  base64_encode_tostring: ([v]) => Buffer.from(str(v), 'utf8').toString('base64'),
  ipv4_is_private: ([v]) => {
    const ip = str(v).split('/')[0] ?? '';
    if (ipv4ToInt(ip) === null) return null;
    return privateIpv4Ranges.some((c) => inRange(ip, c));
  },
  ipv4_is_in_range: ([v, c]) => inRange(str(v), str(c)),
  has_any_index: ([v, arr]) => {
    const s = str(v).toLowerCase();
    if (!Array.isArray(arr)) return -1;
    return arr.findIndex((x) => s.includes(str(x).toLowerCase()));
  },
  parse_url: ([v]) => {
    try {
      const u = new URL(str(v));
      const q: Record<string, string> = {};
      u.searchParams.forEach((val, k) => {
        q[k] = val;
      });
      return {
        Scheme: u.protocol.replace(/:$/, ''),
        Host: u.hostname,
        Port: u.port,
        Path: u.pathname,
        Username: u.username,
        Password: u.password,
        'Query Parameters': q,
        Fragment: u.hash.replace(/^#/, ''),
      };
    } catch {
      return null;
    }
  },
};

function nullOr<T>(v: number | null, f: (n: number) => T): T | null {
  return v === null ? null : f(v);
}

function extreme(args: readonly Value[], dir: 1 | -1): Value {
  let best: Value = null;
  for (const a of args) {
    if (isNull(a)) continue;
    if (best === null) best = a;
    else {
      const x = toNumber(a instanceof Date ? a.getTime() : a);
      const y = toNumber(best instanceof Date ? best.getTime() : best);
      if (x !== null && y !== null && (x - y) * dir > 0) best = a;
    }
  }
  return best;
}

/** `trim(regex, text)`: removes leading/trailing runs of the (RE2) pattern. */
function trimRe(text: string, re: string, start: boolean, end: boolean): string {
  let out = text;
  if (start) out = re2OrThrow(`^(?:${re})+`).matcher(out).replaceFirst('');
  if (end) out = re2OrThrow(`(?:${re})+$`).matcher(out).replaceFirst('');
  return out;
}
