import type { Span } from '../diag/span.js';

/**
 * The boolean expression IR that event-matching front ends (Sigma detections, Kibana query
 * language, EQL conditions) lower to, and that engine/ compiles to closures.
 *
 * Fields are names in the rule's view (e.g. Sigma `objectRef.resource`, ECS
 * `kubernetes.audit.verb`); the engine resolves them to getters once, at compile time, through a
 * `FieldResolver` the caller supplies. A field whose value is an array matches when any element
 * matches (Sigma and Elasticsearch agree on this); `all: true` on a Compare means every listed
 * value must match (Sigma `|all`), not every element.
 */
export type Expr =
  | { readonly kind: 'And'; readonly args: readonly Expr[]; readonly span?: Span }
  | { readonly kind: 'Or'; readonly args: readonly Expr[]; readonly span?: Span }
  | { readonly kind: 'Not'; readonly arg: Expr; readonly span?: Span }
  | { readonly kind: 'Const'; readonly value: boolean; readonly span?: Span }
  /** The field is present and not null. */
  | { readonly kind: 'Exists'; readonly field: string; readonly span?: Span }
  /** The field is absent or null (Sigma `field: null`). */
  | { readonly kind: 'IsNull'; readonly field: string; readonly span?: Span }
  | Compare
  | {
      readonly kind: 'Regex';
      readonly field: string;
      readonly pattern: string;
      readonly flags: RegexFlags;
      readonly span?: Span;
    }
  | { readonly kind: 'Cidr'; readonly field: string; readonly cidrs: readonly string[]; readonly span?: Span }
  /** Compare one field's value with another field's (Sigma `|fieldref`). */
  | {
      readonly kind: 'FieldRef';
      readonly field: string;
      readonly other: string;
      readonly op: StringOp;
      readonly cased: boolean;
      readonly span?: Span;
    }
  /** Full-text keyword search over every string value of the event (Sigma keyword lists). */
  | {
      readonly kind: 'Keyword';
      readonly values: readonly Pattern[];
      readonly all: boolean;
      readonly span?: Span;
    };

export type StringOp = 'eq' | 'contains' | 'startswith' | 'endswith';
export type NumberOp = 'lt' | 'lte' | 'gt' | 'gte';

/**
 * A value test on one field. For string ops each value is a `Pattern`; for number ops each value
 * is a number. Matches when any value matches (or, with `all`, when every value matches).
 */
export interface Compare {
  readonly kind: 'Compare';
  readonly field: string;
  readonly op: StringOp | NumberOp;
  readonly values: readonly (Pattern | number)[];
  /** Case-sensitive match (Sigma `|cased`, Elasticsearch keyword fields). Default false. */
  readonly cased: boolean;
  readonly all: boolean;
  /**
   * Compare a part of the field's date value instead of the value (Sigma 2.1 time modifiers,
   * `|hour`, `|month`...): the field is read as an ISO-8601 time or epoch ms and the part is taken in UTC.
   */
  readonly timePart?: TimePart;
  readonly span?: Span;
}

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * A literal or wildcard string value. `text` is the literal with wildcards already separated:
 * `parts` alternates literal chunks and wildcard tokens. A pattern with no wildcard has one
 * literal part. Booleans and numbers in rules are compared as their string form unless the
 * field value is a number/boolean of equal value (both Sigma and Kibana treat `201` and "201" alike).
 */
export interface Pattern {
  readonly parts: readonly PatternPart[];
}
export type PatternPart = string | { readonly wildcard: '*' | '?' };

export interface RegexFlags {
  readonly i?: boolean;
  readonly m?: boolean;
  readonly s?: boolean;
}

export const literal = (text: string): Pattern => ({ parts: [text] });
export const isLiteral = (p: Pattern): boolean => p.parts.every((x) => typeof x === 'string');
export const patternText = (p: Pattern): string =>
  p.parts.map((x) => (typeof x === 'string' ? x : x.wildcard)).join('');

/**
 * A pattern from wildcard text where every `*` (any run) and `?` (one character) is a wildcard and
 * there is no escape (EQL wildcard strings, Elastic exception `wildcard` entries).
 * @example wildcardPattern('kube-*').parts // ['kube-', { wildcard: '*' }]
 */
export function wildcardPattern(s: string): Pattern {
  const parts: PatternPart[] = [];
  let lit = '';
  for (const ch of s) {
    if (ch === '*' || ch === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push({ wildcard: ch });
    } else lit += ch;
  }
  if (lit || parts.length === 0) parts.push(lit);
  return { parts };
}

export function assertNever(x: never): never {
  throw new Error(`unexpected node: ${JSON.stringify(x)}`);
}
