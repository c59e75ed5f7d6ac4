import type { AuditEvent, K8sAudit } from '../model/event.js';
import type { Alert, RuleMeta, SeverityLevel } from './alert.js';
import { defaultRiskScore } from './alert.js';
import { extractEntities } from './entities.js';

// Synthetic events and alerts for the alerts/ unit tests (not real captures).

/** A synthetic normalized audit event. */
export function auditEvent(a: K8sAudit, extra: Partial<AuditEvent> = {}): AuditEvent {
  const time = a.stageTimestamp ?? '2026-11-20T09:00:00.000000Z';
  return {
    kind: 'audit',
    format: 'aks-diagnostic',
    provider: 'aks',
    time,
    ts: Date.parse(time),
    id: `${a.auditID ?? 'synthetic'}:${a.stage ?? 'ResponseComplete'}`,
    audit: a,
    cluster: {
      id: '/SUBSCRIPTIONS/00000000-0000-4000-8000-00000000C0DE/RESOURCEGROUPS/RG-SYNTHETIC/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-SYNTHETIC',
    },
    raw: JSON.stringify(a),
    source: { file: 'synthetic.json', line: 1, index: 0 },
    ...extra,
  };
}

/** A synthetic rule meta. */
export function ruleMeta(name: string, tags: string[] = [], severity: SeverityLevel = 'medium'): RuleMeta {
  return {
    id: `rule-${name.toLowerCase().replace(/\W+/g, '-')}`,
    name,
    language: 'sigma',
    severity,
    riskScore: defaultRiskScore[severity],
    threat: [],
    tags,
    references: [],
    falsePositives: [],
  };
}

/** A synthetic alert over events, with entities extracted. */
export function alertOf(rule: RuleMeta, events: AuditEvent[]): Alert {
  return {
    time: events[events.length - 1]!.time,
    rule,
    events,
    entities: extractEntities(events),
    severity: rule.severity,
    riskScore: rule.riskScore,
  };
}
