import type { SeverityLevel, Threat } from '../../alerts/alert.js';

/** Elastic Security rule types (`detection_rules/schemas/definitions.py` `RuleType`). */
export type ElasticRuleType =
  | 'query'
  | 'saved_query'
  | 'eql'
  | 'esql'
  | 'threshold'
  | 'threat_match'
  | 'new_terms'
  | 'machine_learning';

export type ElasticLanguage = 'kuery' | 'lucene' | 'eql' | 'esql';

/** One Kibana exception item entry (`entries[]` of an exception list item). */
export interface ExceptionEntry {
  readonly field: string;
  readonly type: 'match' | 'match_any' | 'exists' | 'wildcard' | 'nested' | 'list';
  readonly operator: 'included' | 'excluded';
  readonly value?: string | readonly string[];
  /** For `nested`: entries relative to `field`. */
  readonly entries?: readonly ExceptionEntry[];
}

/** An exception item: its entries all hold (AND) for the item to match; a matching event makes no alert. */
export interface ExceptionItem {
  readonly name?: string;
  readonly entries: readonly ExceptionEntry[];
}

/** An `[[rule.exceptions_list]]` reference, with inline items when the file carries them. */
export interface ExceptionListRef {
  readonly id?: string;
  readonly listId?: string;
  readonly namespaceType?: string;
  readonly type?: string;
  readonly items: readonly ExceptionItem[];
}

export interface SeverityMappingItem {
  readonly field: string;
  readonly operator: 'equals';
  readonly value: string;
  readonly severity: SeverityLevel;
}

export interface RiskScoreMappingItem {
  readonly field: string;
  readonly operator: 'equals';
  readonly value: string;
}

export interface AlertSuppression {
  readonly groupBy: readonly string[];
  /** Suppression window in ms; undefined = per rule execution. */
  readonly durationMs?: number;
  readonly missingFieldsStrategy: 'suppress' | 'doNotSuppress';
}

export interface NewTerms {
  readonly fields: readonly string[];
  /** History window length in ms (`history_window_start = "now-7d"`). */
  readonly historyMs: number;
}

export interface Threshold {
  readonly fields: readonly string[];
  readonly value: number;
  readonly cardinality: readonly { readonly field: string; readonly value: number }[];
}

/**
 * An Elastic detection rule as read from a detection-rules TOML file, normalized: durations in
 * ms, defaults applied (interval 5m, from now-6m, max_signals 100), offsets of the query text.
 */
export interface ElasticRule {
  readonly file: string;
  /** 1-based line of the `[rule]` table. */
  readonly line: number;
  readonly ruleId: string;
  readonly name: string;
  readonly description: string;
  readonly type: ElasticRuleType;
  readonly language: ElasticLanguage | undefined;
  readonly query: string | undefined;
  /** Offset of the query text inside the file, to position query diagnostics. */
  readonly queryOffset: number;
  readonly index: readonly string[];
  readonly intervalMs: number;
  /** How far back each execution searches (`from = "now-25m"` = 25 min). */
  readonly lookbackMs: number;
  readonly interval: string;
  readonly from: string;
  readonly maxSignals: number;
  readonly severity: SeverityLevel;
  readonly riskScore: number;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsePositives: readonly string[];
  readonly author: readonly string[];
  readonly license?: string;
  readonly note?: string;
  readonly setup?: string;
  readonly version?: number;
  readonly maturity?: string;
  readonly integration: readonly string[];
  readonly threat: readonly Threat[];
  readonly timestampOverride?: string;
  readonly buildingBlockType?: string;
  readonly riskScoreMapping: readonly RiskScoreMappingItem[];
  readonly severityMapping: readonly SeverityMappingItem[];
  readonly ruleNameOverride?: string;
  readonly exceptionsList: readonly ExceptionListRef[];
  readonly alertSuppression?: AlertSuppression;
  readonly newTerms?: NewTerms;
  readonly threshold?: Threshold;
  readonly investigationFields: readonly string[];
  readonly requiredFields: readonly {
    readonly name: string;
    readonly type?: string;
    readonly ecs?: boolean;
  }[];
  readonly relatedIntegrations: readonly { readonly package: string; readonly integration?: string }[];
}
