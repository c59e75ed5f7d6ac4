import type { Pattern, StringOp } from '../ir/expr.js';

/** RE2 syntax escapes for a literal chunk. */
export const escapeRegex = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * A Sigma wildcard pattern as an RE2 regular expression with the anchors of its operator: `*` is
 * any run of characters (newlines too, hence `s`), `?` one character; `i` unless cased.
 * @example globRegex('eq', { parts: ['a', { wildcard: '*' }] }, false) === '(?is)^a.*$'
 */
export function globRegex(op: StringOp, p: Pattern, cased: boolean): string {
  const body = p.parts
    .map((x) => (typeof x === 'string' ? escapeRegex(x) : x.wildcard === '*' ? '.*' : '.'))
    .join('');
  const start = op === 'eq' || op === 'startswith' ? '^' : '';
  const end = op === 'eq' || op === 'endswith' ? '$' : '';
  return `(?${cased ? '' : 'i'}s)${start}${body}${end}`;
}

/**
 * Whether a test could be true of the empty string: then a missing field (which KQL reads as an
 * empty string, and Sigma as no value at all) must be excluded explicitly.
 * @example canMatchEmpty({ parts: [''] }) === true
 */
export function canMatchEmpty(p: Pattern): boolean {
  return p.parts.every((x) => (typeof x === 'string' ? x === '' : x.wildcard === '*'));
}

/** Whether a string has letters whose case can differ (case-insensitive and case-sensitive tests disagree on it). */
export const hasCasedLetters = (s: string): boolean => s.toLowerCase() !== s.toUpperCase();
