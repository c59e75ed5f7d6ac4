import type { Alert, Entities, RuleMeta, SeverityLevel } from '../../alerts/alert.js';
import type { ElasticRule } from '../../lang/elastic/rule.js';
import { ecsGet, ecsIndexNames } from '../../views/ecs/ecs-document.js';
import type { Candidate } from './candidate.js';

/** An alert before suppression: the events that made it, the execution that found it, type-specific fields. */
export interface PendingAlert {
  readonly events: readonly Candidate[];
  /** Time of the rule execution that created the alert (the alert's `@timestamp` in Kibana). */
  readonly execTime: number;
  readonly fields?: Readonly<Record<string, unknown>>;
}

const order: Record<SeverityLevel, number> = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 };

/**
 * Severity after `severity_mapping`: Kibana sorts the mapping from low to high and keeps the last
 * (highest) entry whose field value equals the entry's value (any element of an array).
 * @example mappedSeverity(rule, doc) // 'high'
 */
export function mappedSeverity(rule: ElasticRule, doc: Record<string, unknown>): SeverityLevel {
  let out = rule.severity;
  const sorted = [...rule.severityMapping].sort((a, b) => order[a.severity] - order[b.severity]);
  for (const m of sorted) if (valuesOf(ecsGet(doc, m.field)).includes(m.value)) out = m.severity;
  return out;
}

/**
 * Risk score after `risk_score_mapping`: the mapped field's numeric value (0..100) when the document
 * has one, else the rule's risk score.
 * @example mappedRiskScore(rule, doc) // 42 when the mapped field holds 42
 */
export function mappedRiskScore(rule: ElasticRule, doc: Record<string, unknown>): number {
  for (const m of rule.riskScoreMapping) {
    const n = Number(valuesOf(ecsGet(doc, m.field))[0]);
    if (valuesOf(ecsGet(doc, m.field)).length && Number.isFinite(n) && n >= 0 && n <= 100) return n;
  }
  return rule.riskScore;
}

/**
 * Builds the alert Kibana would write: severity and risk after overrides, entities from ECS fields,
 * and the `kibana.alert.*` fields of the alert document in `details`.
 * @example buildAlert(rule, meta, { events: [c], execTime: c.ts })
 */
export function buildAlert(rule: ElasticRule, meta: RuleMeta, p: PendingAlert): Alert {
  const first = p.events[0]!;
  const last = p.events[p.events.length - 1]!;
  const severity = mappedSeverity(rule, first.doc);
  const riskScore = mappedRiskScore(rule, first.doc);
  const iso = (t: number): string => new Date(t).toISOString();
  // rule_name_override: the alert is named after a field of the source event when it has one.
  const override = rule.ruleNameOverride ? valuesOf(ecsGet(first.doc, rule.ruleNameOverride))[0] : undefined;
  const name = override ?? rule.name;
  const details: Record<string, unknown> = {
    '@timestamp': iso(p.execTime),
    'kibana.alert.rule.name': name,
    'kibana.alert.rule.rule_id': rule.ruleId,
    'kibana.alert.rule.type': rule.type,
    'kibana.alert.rule.description': rule.description,
    'kibana.alert.rule.tags': rule.tags,
    'kibana.alert.rule.references': rule.references,
    'kibana.alert.rule.interval': rule.interval,
    'kibana.alert.rule.from': rule.from,
    'kibana.alert.rule.max_signals': rule.maxSignals,
    'kibana.alert.rule.index': rule.index,
    'kibana.alert.rule.threat': elasticThreat(rule),
    'kibana.alert.severity': severity,
    'kibana.alert.risk_score': riskScore,
    'kibana.alert.workflow_status': 'open',
    'kibana.alert.original_time': iso(first.ts),
    'kibana.alert.reason': reason(rule, last),
    'kibana.alert.ancestors': p.events.map((c) => ({
      id: c.ev.id,
      index: ecsIndexNames(c.ev, c.dataset)[0] ?? '',
      type: 'event',
      depth: 0,
    })),
    ...(rule.buildingBlockType ? { 'kibana.alert.building_block_type': rule.buildingBlockType } : {}),
    ...(rule.investigationFields.length
      ? { 'kibana.alert.rule.investigation_fields': { field_names: rule.investigationFields } }
      : {}),
    ...p.fields,
  };
  return {
    time: last.ev.time,
    rule: meta,
    events: p.events.map((c) => c.ev),
    entities: entitiesOf(p.events),
    severity,
    riskScore,
    details,
    title: override ? `${override}: ${reason(rule, last)}` : reason(rule, last),
  };
}

function reason(rule: ElasticRule, c: Candidate): string {
  const user = valuesOf(ecsGet(c.doc, 'user.name'))[0];
  const action = valuesOf(ecsGet(c.doc, 'event.action'))[0];
  const bits = [action && `event with action ${action}`, user && `by ${user}`].filter(Boolean).join(' ');
  return `${bits || 'event'} created ${rule.severity} alert ${rule.name}.`;
}

/**
 * The rule's threat in Elastic's alert shape (`tactic`, `technique[].subtechnique[]`).
 * @example elasticThreat(rule)[0] // { framework: 'MITRE ATT&CK', tactic: {...}, technique: [...] }
 */
export function elasticThreat(rule: ElasticRule): unknown[] {
  return rule.threat.map((t) => ({
    framework: t.framework,
    ...(t.tactic ? { tactic: t.tactic } : {}),
    technique: t.techniques.map((x) => ({
      id: x.id,
      ...(x.name ? { name: x.name } : {}),
      ...(x.reference ? { reference: x.reference } : {}),
      subtechnique: x.subtechniques ?? [],
    })),
  }));
}

function entitiesOf(cs: readonly Candidate[]): Entities {
  const pick = (...fields: string[]): string[] => {
    const out = new Set<string>();
    for (const c of cs) for (const f of fields) for (const v of valuesOf(ecsGet(c.doc, f))) out.add(v);
    return [...out];
  };
  const e: Record<string, string[]> = {
    users: pick('user.name', 'kubernetes.audit.user.username'),
    ips: pick('source.ip'),
    clusters: pick('orchestrator.cluster.name', 'azure.resource.name'),
    namespaces: pick('orchestrator.namespace', 'kubernetes.audit.objectRef.namespace'),
    pods: pick('kubernetes.audit.objectRef.resource').includes('pods')
      ? pick('kubernetes.audit.objectRef.name')
      : [],
    images: pick('kubernetes.audit.requestObject.spec.containers.image'),
  };
  for (const k of Object.keys(e)) if (e[k]!.length === 0) delete e[k];
  return e;
}

/**
 * Scalar values of a field as strings (arrays flattened one level).
 * @example valuesOf(['a', 1, null]) // ['a', '1']
 */
export function valuesOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(valuesOf);
  if (typeof v === 'object') return [JSON.stringify(v)];
  return [String(v)];
}
