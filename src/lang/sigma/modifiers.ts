import type { Pattern, PatternPart, TimePart } from '../../ir/expr.js';

/**
 * Value modifiers of the Sigma specification v2.1 (sigma-appendix-modifiers.md), plus the pySigma
 * spellings of the regex flags (`ignorecase`, `multiline`, `dotall`).
 */
export const MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'ignorecase',
  'multiline',
  'dotall',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
] as const;
export type Modifier = (typeof MODIFIERS)[number];

const known = new Set<string>(MODIFIERS);
/** True for a modifier of the specification (or a pySigma regex-flag spelling). */
export const isModifier = (s: string): s is Modifier => known.has(s);
/** The Sigma 2.1 time modifiers, in the IR's spelling. */
export const TIME_PARTS: readonly TimePart[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];

/** The closest known modifier within edit distance 2 (for "did you mean"). */
export function suggestModifier(name: string): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  const n = name.toLowerCase();
  for (const m of MODIFIERS) {
    if (m.length <= 2) continue; // never suggest the one-letter regex flags
    const d = editDistance(n, m);
    if (d < bestD) {
      best = m;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/**
 * A value on its way through the encoding modifiers: text, or bytes (a binary string, one char per
 * byte) once an encoding such as `utf16le` has been applied.
 */
export interface Encoded {
  readonly text: string;
  readonly bytes: boolean;
}

const bytesOf = (v: Encoded): Buffer => Buffer.from(v.text, v.bytes ? 'latin1' : 'utf8');

/** `base64`: the value's bytes (UTF-8 text, or the bytes of a previous encoding) in Base64. */
export const base64 = (v: Encoded): Encoded => ({ text: bytesOf(v).toString('base64'), bytes: false });

/**
 * `base64offset`: the three Base64 forms the value takes when it starts at byte offset 0, 1 or 2
 * of a longer encoded text, with the characters that depend on neighbouring bytes cut off (the
 * same slicing pySigma uses).
 */
export function base64offset(v: Encoded): Encoded[] {
  const b = bytesOf(v);
  const starts = [0, 2, 3];
  const ends = [0, -3, -2];
  const out: Encoded[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), b]).toString('base64');
    const end = ends[(b.length + i) % 3]!;
    out.push({ text: enc.slice(starts[i]!, end === 0 ? undefined : end), bytes: false });
  }
  return out;
}

function utf16(v: Encoded, order: 'le' | 'be', bom: boolean): Encoded {
  const s = v.bytes ? v.text : v.text;
  let out = bom ? (order === 'le' ? '\xff\xfe' : '\xfe\xff') : '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lo = String.fromCharCode(c & 0xff);
    const hi = String.fromCharCode(c >> 8);
    out += order === 'le' ? lo + hi : hi + lo;
  }
  return { text: out, bytes: true };
}
/** `utf16le` / `wide`: UTF-16 little-endian bytes, e.g. `cmd` -> 63 00 6d 00 64 00. */
export const utf16le = (v: Encoded): Encoded => utf16(v, 'le', false);
/** `utf16be`: UTF-16 big-endian bytes. */
export const utf16be = (v: Encoded): Encoded => utf16(v, 'be', false);
/** `utf16`: little-endian with a byte order mark (FF FE), as the spec's example shows. */
export const utf16bom = (v: Encoded): Encoded => utf16(v, 'le', true);

const dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
const maxDashPositions = 4;

/**
 * `windash`: every combination of `-`, `/`, en dash, em dash and horizontal bar at the positions
 * where a command-line flag starts (a dash or slash not preceded by a word character and followed
 * by one, like pySigma's `\B[-/]\b`). At most 4 positions vary (5^4 variants); further ones keep
 * their character.
 */
export function windash(s: string): string[] {
  const positions: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '-' && c !== '/') continue;
    const before = i > 0 && /\w/.test(s[i - 1]!);
    const after = i + 1 < s.length && /\w/.test(s[i + 1]!);
    if (!before && after) positions.push(i);
  }
  let out = [s];
  for (const pos of positions.slice(0, maxDashPositions)) {
    const next: string[] = [];
    for (const v of out) for (const d of dashes) next.push(v.slice(0, pos) + d + v.slice(pos + 1));
    out = next;
  }
  return out;
}

/**
 * `expand`: replaces `%name%` placeholders with each of the values the user supplied for them
 * (every combination when several placeholders appear). Names with no values are returned in
 * `missing`.
 * @example expandPlaceholders('%admins%', { admins: ['a', 'b'] }).values // ['a', 'b']
 */
export function expandPlaceholders(
  s: string,
  map: Readonly<Record<string, readonly string[]>>,
): { values: string[]; missing: string[] } {
  const missing: string[] = [];
  let values = [''];
  const re = /%([A-Za-z0-9_.-]+)%/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const lit = s.slice(last, m.index);
    const subs = map[m[1]!];
    if (!subs || subs.length === 0) {
      missing.push(m[1]!);
      values = values.map((v) => v + lit + m![0]);
    } else values = values.flatMap((v) => subs.map((x) => v + lit + x));
    last = m.index + m[0].length;
  }
  values = values.map((v) => v + s.slice(last));
  return { values, missing };
}

/**
 * Reads a Sigma string value into a Pattern: `*` and `?` are wildcards; `\*`, `\?` and `\\` are
 * the literal characters; a backslash before anything else is a plain backslash (so Windows paths
 * need no escaping).
 * @example parseSigmaString('C:\\Windows\\*') // parts: ['C:\\Windows\\', { wildcard: '*' }]
 */
export function parseSigmaString(s: string): Pattern {
  const parts: PatternPart[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        cur += n;
        i++;
      } else cur += c;
    } else if (c === '*' || c === '?') {
      if (cur) parts.push(cur);
      cur = '';
      parts.push({ wildcard: c });
    } else cur += c;
  }
  if (cur || parts.length === 0) parts.push(cur);
  return { parts };
}

/** A Pattern for text taken literally (after an encoding, wildcards are not special). */
export const literalPattern = (s: string): Pattern => ({ parts: [s] });
