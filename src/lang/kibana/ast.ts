import type { Span } from '../../diag/span.js';
import type { PatternPart } from '../../ir/expr.js';

/**
 * The syntax tree of a Kibana query language (KQL, `language = "kuery"`) query, as Kibana's
 * `kuery.peg` grammar builds it: boolean operators over field/value expressions.
 *
 * A `Field` node pairs one field with a value expression (`field:(a or not b)`); a `Match` with a
 * null field is free text (`"foo bar"` alone), searched over every field.
 */
export type KqlNode =
  | { readonly kind: 'Or'; readonly args: readonly KqlNode[]; readonly span: Span }
  | { readonly kind: 'And'; readonly args: readonly KqlNode[]; readonly span: Span }
  | { readonly kind: 'Not'; readonly arg: KqlNode; readonly span: Span }
  | { readonly kind: 'Field'; readonly field: string; readonly value: KqlValue; readonly span: Span }
  /** Free text: a value with no field. */
  | { readonly kind: 'Text'; readonly value: KqlLiteral; readonly span: Span }
  | {
      readonly kind: 'Range';
      readonly field: string;
      readonly op: RangeOp;
      readonly value: KqlLiteral;
      readonly span: Span;
    }
  /** `field:{ query }`: the inner query's fields are relative to `field`. */
  | { readonly kind: 'Nested'; readonly field: string; readonly query: KqlNode; readonly span: Span };

export type RangeOp = 'lt' | 'lte' | 'gt' | 'gte';

/** A value expression on the right of `field:`, e.g. `(a or b and not c)`. */
export type KqlValue =
  | { readonly kind: 'ValueOr'; readonly args: readonly KqlValue[]; readonly span: Span }
  | { readonly kind: 'ValueAnd'; readonly args: readonly KqlValue[]; readonly span: Span }
  | { readonly kind: 'ValueNot'; readonly arg: KqlValue; readonly span: Span }
  | KqlLiteral;

/**
 * A literal value. `quoted` literals are phrases (no wildcards); unquoted ones may carry `*`
 * wildcards, kept as separate parts. `text` is the unescaped text with `*` for wildcards.
 */
export interface KqlLiteral {
  readonly kind: 'Literal';
  readonly quoted: boolean;
  readonly parts: readonly PatternPart[];
  readonly text: string;
  readonly span: Span;
}

/**
 * True when the literal is the bare wildcard `*` (an exists query).
 * @example isStarLiteral(lit) // true for the `*` of `field:*`
 */
export const isStarLiteral = (l: KqlLiteral): boolean =>
  !l.quoted && l.parts.length === 1 && typeof l.parts[0] !== 'string';
