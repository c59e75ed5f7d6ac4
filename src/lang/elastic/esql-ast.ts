import type { Span } from '../../diag/span.js';

/** An ES|QL query: `FROM ...` followed by processing commands, as Elastic ES|QL rules write it. */
export interface EsqlQuery {
  readonly from: {
    readonly indices: readonly string[];
    readonly metadata: readonly string[];
    readonly span: Span;
  };
  readonly commands: readonly EsqlCommand[];
}

export type EsqlCommand =
  | { readonly kind: 'Where'; readonly cond: EsqlExpr; readonly span: Span }
  | { readonly kind: 'Eval'; readonly assigns: readonly EsqlAssign[]; readonly span: Span }
  | {
      readonly kind: 'Stats';
      readonly aggs: readonly EsqlAssign[];
      readonly by: readonly EsqlAssign[];
      readonly span: Span;
    }
  | { readonly kind: 'Keep'; readonly patterns: readonly string[]; readonly span: Span }
  | { readonly kind: 'Drop'; readonly patterns: readonly string[]; readonly span: Span }
  | { readonly kind: 'Rename'; readonly pairs: readonly { from: string; to: string }[]; readonly span: Span }
  | { readonly kind: 'Grok'; readonly input: EsqlExpr; readonly pattern: string; readonly span: Span }
  | {
      readonly kind: 'Sort';
      readonly keys: readonly { readonly expr: EsqlExpr; readonly desc: boolean }[];
      readonly span: Span;
    }
  | { readonly kind: 'Limit'; readonly n: number; readonly span: Span };

/** `name = expr`; an unnamed expression is named after its source text, as ES|QL does. */
export interface EsqlAssign {
  readonly name: string;
  readonly expr: EsqlExpr;
}

export type EsqlExpr =
  | { readonly kind: 'Field'; readonly name: string; readonly span: Span }
  | { readonly kind: 'Literal'; readonly value: string | number | boolean | null; readonly span: Span }
  /** A time span literal: `9 minutes`, `1 hour`. */
  | { readonly kind: 'TimeSpan'; readonly ms: number; readonly span: Span }
  | { readonly kind: 'Star'; readonly span: Span }
  | { readonly kind: 'Call'; readonly name: string; readonly args: readonly EsqlExpr[]; readonly span: Span }
  | {
      readonly kind: 'Binary';
      readonly op: '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';
      readonly left: EsqlExpr;
      readonly right: EsqlExpr;
      readonly span: Span;
    }
  | { readonly kind: 'And' | 'Or'; readonly left: EsqlExpr; readonly right: EsqlExpr; readonly span: Span }
  | { readonly kind: 'Not'; readonly arg: EsqlExpr; readonly span: Span }
  | {
      readonly kind: 'In';
      readonly arg: EsqlExpr;
      readonly list: readonly EsqlExpr[];
      readonly negated: boolean;
      readonly span: Span;
    }
  | {
      readonly kind: 'Like';
      readonly arg: EsqlExpr;
      readonly pattern: string;
      readonly regex: boolean;
      readonly negated: boolean;
      readonly span: Span;
    }
  | { readonly kind: 'IsNull'; readonly arg: EsqlExpr; readonly negated: boolean; readonly span: Span };
