import type { Pattern, StringOp } from '../ir/expr.js';

/** A compiled test on one (already case-folded, if needed) string. */
export type StringTest = (s: string) => boolean;

/**
 * Compiles a string operation with a wildcard pattern into the cheapest test that decides it.
 *
 * The op is folded into the pattern first (`contains` = `*p*`, `startswith` = `p*`, `endswith` =
 * `*p`), runs of `*` collapse, and then:
 * - no wildcard: `===`; `lit*`: `startsWith`; `*lit`: `endsWith`; `*lit*`: `includes`;
 * - anything else: a segment matcher. Segments between `*` are found left to right, each at its
 *   leftmost position (which is optimal for `*`-separated globs, so there is no backtracking);
 *   cost is O(text x pattern) in the worst case, never exponential.
 *
 * `fold` lower-cases the literal chunks once, here, so the event side only lower-cases its value
 * (once per field per event, see field-table.ts).
 * @example compileGlob('contains', { parts: ['kube-', { wildcard: '*' }, '-system'] }, true)('x-kube-a-system-y') === true
 */
export function compileGlob(op: StringOp, pattern: Pattern, fold: boolean): StringTest {
  const parts = normalize(op, pattern, fold);
  const hasQ = parts.some((p) => p === '?');
  if (!hasQ) {
    const lits = parts.flatMap((p) => (typeof p === 'object' ? [p.lit] : []));
    const lead = parts[0] === '*';
    const trail = parts.length > 0 && parts[parts.length - 1] === '*';
    if (lits.length === 0) return parts.length === 0 ? (s) => s.length === 0 : () => true;
    if (lits.length === 1) {
      const lit = lits[0]!;
      if (!lead && !trail) return (s) => s === lit;
      if (!lead && trail) return (s) => s.startsWith(lit);
      if (lead && !trail) return (s) => s.endsWith(lit);
      return (s) => s.includes(lit);
    }
    if (lits.length === 2 && !lead && !trail) {
      const [a, b] = lits as [string, string];
      const min = a.length + b.length;
      return (s) => s.length >= min && s.startsWith(a) && s.endsWith(b);
    }
  }
  const segs = segments(parts);
  return (s) => matchSegments(s, segs);
}

/** Token list: literal chunks (objects, so a literal '*' is never taken for a wildcard), '*' and '?'. */
type Tok = { readonly lit: string } | '*' | '?';

function normalize(op: StringOp, pattern: Pattern, fold: boolean): Tok[] {
  const raw: Tok[] = [];
  if (op === 'contains' || op === 'endswith') raw.push('*');
  for (const p of pattern.parts) {
    if (typeof p === 'string') {
      if (p.length) raw.push({ lit: fold ? p.toLowerCase() : p });
    } else raw.push(p.wildcard);
  }
  if (op === 'contains' || op === 'startswith') raw.push('*');
  const out: Tok[] = [];
  for (const t of raw) {
    const prev = out[out.length - 1];
    if (typeof t === 'object' && prev !== undefined && typeof prev === 'object')
      out[out.length - 1] = { lit: prev.lit + t.lit };
    else if (t === '*' && prev === '*') continue;
    else out.push(t);
  }
  return out;
}

/**
 * A segment is what lies between two `*`: literal characters and `?` (any one char). `null` marks
 * `?` positions. `anchoredStart`/`anchoredEnd` tell whether the glob starts/ends without `*`.
 */
interface Segments {
  readonly segs: readonly (readonly (string | null)[])[];
  readonly anchoredStart: boolean;
  readonly anchoredEnd: boolean;
}

function segments(parts: Tok[]): Segments {
  // Re-derive structure from the token list: '*' splits; '?' is a single-char wildcard.
  const segs: (string | null)[][] = [[]];
  for (const t of parts) {
    if (t === '*') segs.push([]);
    else if (t === '?') segs[segs.length - 1]!.push(null);
    else for (let i = 0; i < t.lit.length; i++) segs[segs.length - 1]!.push(t.lit[i]!);
  }
  return {
    segs,
    anchoredStart: parts[0] !== '*',
    anchoredEnd: parts[parts.length - 1] !== '*',
  };
}

/** UTF-16 code-unit matching of one segment at `at`. */
function segAt(s: string, at: number, seg: readonly (string | null)[]): boolean {
  if (at + seg.length > s.length) return false;
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c !== null && s[at + i] !== c) return false;
  }
  return true;
}

function segFind(s: string, from: number, seg: readonly (string | null)[]): number {
  for (let at = from; at + seg.length <= s.length; at++) if (segAt(s, at, seg)) return at;
  return -1;
}

function matchSegments(s: string, g: Segments): boolean {
  const { segs, anchoredStart, anchoredEnd } = g;
  if (segs.length === 1) {
    const only = segs[0]!;
    return only.length === s.length && segAt(s, 0, only);
  }
  let pos = 0;
  let first = 0;
  let last = segs.length - 1;
  if (anchoredStart) {
    const s0 = segs[0]!;
    if (!segAt(s, 0, s0)) return false;
    pos = s0.length;
    first = 1;
  }
  let end = s.length;
  if (anchoredEnd) {
    const sl = segs[last]!;
    if (sl.length > s.length - pos || !segAt(s, s.length - sl.length, sl)) return false;
    end = s.length - sl.length;
    last -= 1;
  }
  const hay = end === s.length ? s : s.slice(0, end);
  for (let i = first; i <= last; i++) {
    const seg = segs[i]!;
    if (seg.length === 0) continue;
    const at = segFind(hay, pos, seg);
    if (at < 0) return false;
    pos = at + seg.length;
  }
  return pos <= end;
}
