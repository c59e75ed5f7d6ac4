import { readFileSync } from 'node:fs';
import type { Alert } from '../../src/alerts/alert.js';
import type { Detection } from '../../src/detect/detection.js';
import { loadElasticRule } from '../../src/detect/elastic/elastic-loader.js';
import { completeActivityRecord, completeAuditEvent } from '../../src/detect/testing/synthetic-event.js';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import { ingestText } from '../../src/ingest/index.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus } from '../corpus.js';

/**
 * Helpers for Elastic rule tests. Every event they make is synthetic: a partial audit Event or
 * Activity Log record completed with defaults, serialized, and read back through the real ingest
 * so rules see it through the real ECS view.
 */
export function readSynthetic(lines: readonly string[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  const problems: string[] = [];
  ingestText(lines.join('\n'), 'synthetic.jsonl', {
    event: (ev) => events.push(ev),
    quarantine: (q) => problems.push(`${q.reason}: ${q.message}`),
  });
  if (problems.length) throw new Error(`synthetic events quarantined: ${problems.join('; ')}`);
  return events;
}

/** A synthetic raw audit Event at `time` (ISO). */
export function audit(partial: Record<string, unknown>, time = '2026-11-20T09:00:00.000000Z'): AuditEvent {
  return readSynthetic([JSON.stringify(completeAuditEvent(partial, time))])[0]!;
}

/** A synthetic Azure Activity Log record at `time` (ISO). */
export function activity(partial: Record<string, unknown>, time = '2026-11-20T09:00:00.000000Z'): AuditEvent {
  return readSynthetic([JSON.stringify(completeActivityRecord(partial, time))])[0]!;
}

/** Runs one detection over events (in the given order) and returns its alerts and runtime reports. */
export function run(
  det: Detection,
  events: readonly AuditEvent[],
  now?: number,
): { alerts: Alert[]; reports: Diagnostic[] } {
  const alerts: Alert[] = [];
  const reports: Diagnostic[] = [];
  const r = det.createRunner({
    ...(now !== undefined ? { now } : {}),
    emit: (a) => alerts.push(a),
    report: (d) => reports.push(d),
  });
  for (const ev of events) if (det.applies(ev)) r.push(ev);
  r.flush();
  return { alerts, reports };
}

/** ISO time `minutes` after the synthetic base time 2026-11-20T09:00:00Z. */
export const at = (minutes: number): string =>
  new Date(Date.parse('2026-11-20T09:00:00Z') + minutes * 60_000).toISOString();
export const ms = (minutes: number): number => Date.parse('2026-11-20T09:00:00Z') + minutes * 60_000;

/** `annotations` of an allowed and of a forbidden request. */
export const allow = { 'authorization.k8s.io/decision': 'allow' };
export const forbid = { 'authorization.k8s.io/decision': 'forbid' };

/**
 * Loads a rule of the corpus' Elastic detection-rules pack, `rel` below `rules/integrations/`.
 * @example loadCorpusRule('kubernetes/execution_user_exec_to_pod.toml').detections[0]
 */
export function loadCorpusRule(rel: string): ReturnType<typeof loadElasticRule> {
  const file = corpus(`elastic-detection-rules/rules/integrations/${rel}`);
  return loadElasticRule(file, readFileSync(file, 'utf8'));
}
