import type { AuditEvent } from '../model/event.js';

export type SeverityLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/**
 * Sort rank of a severity, most severe first: order tables and reports by it ascending.
 * @example severityRank.critical < severityRank.low // true
 */
export const severityRank: Readonly<Record<SeverityLevel, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  informational: 4,
};
export type RuleLanguage = 'sigma' | 'elastic' | 'kusto' | 'auditscope';

/** One MITRE ATT&CK mapping: a tactic with optional techniques and sub-techniques. */
export interface Threat {
  readonly framework: 'MITRE ATT&CK';
  readonly tactic?: { readonly id?: string; readonly name: string; readonly reference?: string };
  readonly techniques: readonly {
    readonly id: string;
    readonly name?: string;
    readonly reference?: string;
    readonly subtechniques?: readonly { readonly id: string; readonly name?: string }[];
  }[];
}

/** What every loaded rule, whatever its language, says about itself. */
export interface RuleMeta {
  readonly id: string;
  readonly name: string;
  readonly language: RuleLanguage;
  readonly severity: SeverityLevel;
  /** 0..100, as Elastic uses it; derived from severity when the rule has none. */
  readonly riskScore: number;
  readonly description?: string;
  readonly threat: readonly Threat[];
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsePositives: readonly string[];
  /** Markdown investigation guide (Elastic `note`, our own rules' guide). */
  readonly guide?: string;
  readonly author?: readonly string[];
  readonly status?: string;
  /** File the rule was loaded from, with the 1-based line it starts at. */
  readonly file?: string;
  readonly line?: number;
}

/** People and things an alert is about; used to group alerts into incidents. */
export interface Entities {
  readonly users?: readonly string[];
  readonly ips?: readonly string[];
  readonly clusters?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly workloads?: readonly string[];
  readonly pods?: readonly string[];
  readonly images?: readonly string[];
  readonly [k: string]: readonly string[] | undefined;
}

export interface Alert {
  /** Time of the (last) event that made the alert. */
  readonly time: string;
  readonly rule: RuleMeta;
  /** Events that made the alert; one for single-event rules, several for correlations. */
  readonly events: readonly AuditEvent[];
  readonly entities: Entities;
  /** Severity and risk after overrides (Elastic severity_mapping / risk_score_mapping). */
  readonly severity: SeverityLevel;
  readonly riskScore: number;
  /** Free-form extra fields: correlation group keys, counts, Kusto row, Elastic fields. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Short human description (alertDetailsOverride, correlation summary). */
  readonly title?: string;
}

export const defaultRiskScore: Record<SeverityLevel, number> = {
  informational: 21,
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};
