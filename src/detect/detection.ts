import type { Alert, RuleMeta } from '../alerts/alert.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import type { IndexHint } from '../engine/rule-index.js';
import type { AuditEvent } from '../model/event.js';

/**
 * A rule of any language, ready to run over a stream of events.
 *
 * `scan` feeds every event in input order to every runner (`push`), then calls `flush` once at the
 * end of input. Stateful rules (correlations, thresholds, new_terms, scheduled Elastic and Kusto
 * rules replayed over a file) keep bounded state and emit when they can; `flush` emits what is left.
 */
export interface Detection {
  readonly meta: RuleMeta;
  /** Cheap routing: false when this rule can never match the event (wrong log source). */
  applies(ev: AuditEvent): boolean;
  /**
   * Optional necessary conditions (event kind, audit verbs, resources) for a rule index: a scan
   * skips the rule for events outside them. Omit when unsure; see engine/rule-index.ts.
   */
  readonly index?: IndexHint;
  createRunner(ctx: RunContext): RuleRunner;
}

export interface RuleRunner {
  push(ev: AuditEvent): void;
  flush(): void;
}

export interface RunContext {
  /** Pinned "now" in epoch ms (`--now`); undefined means the clock. */
  readonly now?: number;
  readonly emit: (alert: Alert) => void;
  /** Non-fatal problems found while running (e.g. regex limits hit). */
  readonly report: (d: Diagnostic) => void;
}

/** What a rule loader returns for a file or directory: rules, diagnostics, and what was skipped. */
export interface LoadResult {
  readonly detections: Detection[];
  readonly diagnostics: Diagnostic[];
  /** Rules that were read but do not apply here (other products), or use unsupported features, by reason. */
  readonly skipped: { readonly file: string; readonly reason: string }[];
}
