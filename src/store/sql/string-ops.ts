import type { Scalar } from '../../ir/query.js';
import type { ScalarCtx } from './compile-scalar.js';
import { unsupported } from './unsupported.js';
import { asText, type SqlValue } from './values.js';

/** RE2-escapes literal text. */
export const re2Escape = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);

// A KQL term is a maximal run of letters and digits (kusto.md 1.6: underscore is a delimiter).
const notAlnum = '[^\\pL\\pN]';

/**
 * The RE2 pattern for `has` / `hasprefix` / `hassuffix` of a literal needle: the needle must start
 * and/or end on a term boundary. Case-insensitive unless `cs`.
 * @example termPattern('has', 'cluster', false) === '(?i)(^|[^\\pL\\pN])cluster($|[^\\pL\\pN])'
 */
export function termPattern(op: 'has' | 'hasprefix' | 'hassuffix', needle: string, cs: boolean): string {
  const pre = op === 'hassuffix' ? '' : `(^|${notAlnum})`;
  const post = op === 'hasprefix' ? '' : `($|${notAlnum})`;
  // A needle that itself starts/ends with a non-alphanumeric character needs no boundary there.
  const first = needle.charAt(0);
  const last = needle.charAt(needle.length - 1);
  const isAlnum = (c: string) => /[\p{L}\p{N}]/u.test(c);
  return `${cs ? '' : '(?i)'}${isAlnum(first) ? pre : ''}${re2Escape(needle)}${isAlnum(last) ? post : ''}`;
}

/**
 * Compiles a KQL string predicate. A null left side makes the positive form false and the negated
 * form true (null-values.md, measured); `has*` needs a literal right side (the term pattern is built
 * at compile time).
 */
export function compileStrOp(
  ctx: ScalarCtx,
  e: Extract<Scalar, { kind: 'StrOp' }>,
  l: SqlValue,
  r: SqlValue,
): string {
  const { d } = ctx;
  const a = asText(d, l);
  const b = asText(d, r);
  const lo = (x: string) => (e.cs ? x : `lower(${x})`);
  let test: string;
  switch (e.op) {
    case 'has':
    case 'hasprefix':
    case 'hassuffix': {
      if (typeof r.literal !== 'string')
        return unsupported(
          `${e.op} with a computed right side`,
          'the term pattern is built from a literal',
          e.span,
        );
      if (r.literal === '') {
        test = `(${a} IS NOT NULL)`;
        break;
      }
      test = d.regexMatch(a, d.quoteString(termPattern(e.op, r.literal, e.cs)));
      break;
    }
    case 'contains':
      test = `contains(${lo(a)}, ${lo(b)})`;
      break;
    case 'startswith':
      test = `starts_with(${lo(a)}, ${lo(b)})`;
      break;
    case 'endswith':
      test = `ends_with(${lo(a)}, ${lo(b)})`;
      break;
    case 'matches_regex':
      test = d.regexMatch(a, b);
      break;
  }
  return e.negated ? `(NOT coalesce(${test}, false))` : `coalesce(${test}, false)`;
}

/** `has_any` (OR of `has`) / `has_all` (AND) over literal needles. */
export function compileHasAny(
  ctx: ScalarCtx,
  v: SqlValue,
  list: readonly SqlValue[],
  all: boolean,
  cs: boolean,
): string {
  const { d } = ctx;
  const needles: string[] = [];
  for (const x of list) {
    if (typeof x.literal === 'string') needles.push(x.literal);
    else if (Array.isArray(x.literal))
      for (const el of x.literal as readonly unknown[]) needles.push(String(el));
    else if (typeof x.literal === 'number') needles.push(String(x.literal));
    else return unsupported(all ? 'has_all' : 'has_any', 'needles must be literals to build term patterns');
  }
  if (needles.length === 0) return all ? 'true' : 'false';
  const a = asText(d, v);
  const tests = needles.map(
    (n) => `coalesce(${d.regexMatch(a, d.quoteString(termPattern('has', n, cs)))}, false)`,
  );
  return `(${tests.join(all ? ' AND ' : ' OR ')})`;
}
