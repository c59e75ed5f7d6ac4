import type { Span } from '../../diag/span.js';
import type { Cond } from './condition.js';
import type { YNode, YScalar } from './yaml-tree.js';

/** Metadata every Sigma document (rule, correlation, filter) may carry. */
export interface SigmaMeta {
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly status?: string;
  readonly description?: string;
  readonly author?: string;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly level?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly license?: string;
  /** `fields`: event fields an analyst wants to see with each alert. */
  readonly fields: readonly string[];
  /** auditscope's custom attribute `guide:`: the rule's investigation guide (markdown). */
  readonly guide?: string;
}

export interface SigmaLogsourceAst {
  readonly product?: string;
  readonly service?: string;
  readonly category?: string;
  readonly definition?: string;
}

/** One `field|mod1|mod2: values` line of a selection (field undefined for keyword lists). */
export interface DetectionItem {
  readonly field: string | undefined;
  readonly modifiers: readonly string[];
  /** Scalars as written; a single value is a one-element list. */
  readonly values: readonly YScalar[];
  readonly span: Span;
  /** Span of the `field|modifiers` key. */
  readonly keySpan: Span;
}

/**
 * A named selection. `groups` is an OR of ANDs: a map is one group, a list of maps is one group per
 * map, and a keyword list is one group holding one field-less item.
 */
export interface Selection {
  readonly name: string;
  readonly groups: readonly (readonly DetectionItem[])[];
  readonly span: Span;
  readonly nameSpan: Span;
}

export interface ConditionAst {
  readonly text: string;
  readonly cond: Cond | undefined;
  readonly span: Span;
}

/** Where a document came from: the file, its text (for diagnostics) and the 1-based line of its start. */
export interface SigmaOrigin {
  readonly file: string;
  readonly source: string;
  readonly line: number;
  readonly span: Span;
  /**
   * The document is part of a legacy collection (merged with an `action: global` head or repeated
   * with `action: repeat`): its `id` may legitimately be shared with the collection's other rules.
   */
  readonly collection?: true;
}

export interface SigmaRuleAst {
  readonly type: 'rule';
  readonly meta: SigmaMeta;
  readonly logsource: SigmaLogsourceAst;
  readonly selections: ReadonlyMap<string, Selection>;
  /** Several conditions (a list) are OR-ed, as the spec says. */
  readonly conditions: readonly ConditionAst[];
  readonly origin: SigmaOrigin;
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile'
  | 'value_median';

export type CmpOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface CorrelationAst {
  readonly type: 'correlation';
  readonly meta: SigmaMeta;
  readonly kind: CorrelationType;
  /** Referenced rules by id or name. */
  readonly rules: readonly { readonly ref: string; readonly span: Span }[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  /** Conjunction of comparisons (`gt: 100, lte: 200`). Temporal types default to "all rules seen". */
  readonly condition: readonly { readonly op: CmpOp; readonly value: number }[];
  /** Field of value_count / value_sum / value_avg / value_percentile. */
  readonly field?: string;
  /** value_percentile: which percentile (default 50). */
  readonly percentile?: number;
  /** alias -> (rule name -> field). */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly generate: boolean;
  readonly origin: SigmaOrigin;
}

export interface FilterAst {
  readonly type: 'filter';
  readonly meta: SigmaMeta;
  readonly logsource: SigmaLogsourceAst;
  /** 'any' applies to every rule of the logsource. */
  readonly rules: 'any' | readonly { readonly ref: string; readonly span: Span }[];
  readonly selections: ReadonlyMap<string, Selection>;
  readonly condition: ConditionAst;
  readonly origin: SigmaOrigin;
}

export type SigmaDoc = SigmaRuleAst | CorrelationAst | FilterAst;

export type { YNode };
