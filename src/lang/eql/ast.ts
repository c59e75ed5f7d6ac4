import type { Span } from '../../diag/span.js';

/** A parsed EQL query: one event query, or a sequence of them. */
export type EqlQuery =
  | { readonly kind: 'Event'; readonly event: EventQuery; readonly span: Span }
  | {
      readonly kind: 'Sequence';
      /** Join keys shared by every step (`sequence by user.name`). */
      readonly by: readonly string[];
      /** `with maxspan=5m`, in ms. */
      readonly maxspanMs: number | undefined;
      readonly steps: readonly SequenceStep[];
      readonly until: SequenceStep | undefined;
      readonly span: Span;
    };

export interface SequenceStep {
  readonly event: EventQuery;
  /** Step-level join keys (`[any where ...] by source.ip`), appended to the shared ones. */
  readonly by: readonly string[];
  readonly span: Span;
}

/** `<category> where <condition>`; category `any` matches every event. */
export interface EventQuery {
  readonly category: string;
  readonly where: EqlNode;
  readonly span: Span;
}

/** A value or condition. Lowering decides which shapes are valid where. */
export type EqlNode =
  | { readonly kind: 'And'; readonly args: readonly EqlNode[]; readonly span: Span }
  | { readonly kind: 'Or'; readonly args: readonly EqlNode[]; readonly span: Span }
  | { readonly kind: 'Not'; readonly arg: EqlNode; readonly span: Span }
  | {
      readonly kind: 'Compare';
      readonly op: '==' | '!=' | '<' | '<=' | '>' | '>=';
      readonly left: EqlNode;
      readonly right: EqlNode;
      readonly span: Span;
    }
  /** `:`, `like`, `regex`, `in` (each with `~` for case-insensitive), with one value or a list. */
  | {
      readonly kind: 'Match';
      readonly op: ':' | 'like' | 'regex' | 'in';
      readonly insensitive: boolean;
      readonly left: EqlNode;
      readonly values: readonly EqlNode[];
      readonly span: Span;
    }
  | {
      readonly kind: 'Call';
      readonly name: string;
      readonly insensitive: boolean;
      readonly args: readonly EqlNode[];
      readonly span: Span;
    }
  | { readonly kind: 'Field'; readonly name: string; readonly span: Span }
  | { readonly kind: 'String'; readonly value: string; readonly span: Span }
  | { readonly kind: 'Number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'Boolean'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'Null'; readonly span: Span };
