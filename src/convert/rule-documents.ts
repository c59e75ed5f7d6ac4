import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { stringify as tomlStringify } from 'smol-toml';
import { stringify as yamlStringify } from 'yaml';
import type { Threat } from '../alerts/alert.js';
import { techniqueInfo } from '../alerts/attack-ids.js';
import type { SigmaMeta } from '../lang/sigma/ast.js';

/**
 * The rule files a conversion writes: a Sentinel analytic rule (YAML), an Elastic
 * detection-rules TOML and a Sigma rule, with metadata carried across (severity, ATT&CK).
 */

/** A stable UUID-shaped id derived from a text (so re-converting a rule keeps its id). */
export function derivedId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const SENTINEL_SEVERITY: Readonly<Record<string, string>> = {
  informational: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'High',
};

const ELASTIC_SEVERITY: Readonly<Record<string, { severity: string; risk: number }>> = {
  informational: { severity: 'low', risk: 21 },
  low: { severity: 'low', risk: 21 },
  medium: { severity: 'medium', risk: 47 },
  high: { severity: 'high', risk: 73 },
  critical: { severity: 'critical', risk: 99 },
};

/** Sentinel spells tactics in PascalCase: 'Command and Control' -> 'CommandAndControl'. */
const sentinelTactic = (name: string): string =>
  name
    .split(/\s+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

const techniqueIds = (threats: readonly Threat[]): string[] => [
  ...new Set(threats.flatMap((t) => t.techniques.map((x) => x.id))),
];

export interface SentinelInput {
  readonly meta: SigmaMeta;
  readonly threats: readonly Threat[];
  readonly query: string;
  readonly table: string;
  readonly source: string;
}

/**
 * A Sentinel scheduled analytic rule (the Azure-Sentinel repository's template shape).
 * @example sentinelRuleYaml({ meta, threats, query, table: 'CloudAuditEvents', source: 'x.yml' })
 */
export function sentinelRuleYaml(x: SentinelInput): string {
  const m = x.meta;
  const connector =
    x.table === 'AzureActivity'
      ? { connectorId: 'AzureActivity', dataTypes: ['AzureActivity'] }
      : x.table === 'CloudAuditEvents'
        ? { connectorId: 'MicrosoftThreatProtection', dataTypes: ['CloudAuditEvents'] }
        : { connectorId: 'AzureKubernetes', dataTypes: [x.table] };
  const doc = {
    id: m.id ?? derivedId(x.source + m.title),
    name: m.title,
    description: m.description ?? m.title,
    severity: SENTINEL_SEVERITY[m.level ?? 'medium'] ?? 'Medium',
    requiredDataConnectors: [connector],
    queryFrequency: '1h',
    queryPeriod: '1h',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    tactics: [...new Set(x.threats.flatMap((t) => (t.tactic ? [sentinelTactic(t.tactic.name)] : [])))],
    relevantTechniques: techniqueIds(x.threats),
    query: x.query,
    entityMappings: entityMappings(x.table),
    version: '1.0.0',
    kind: 'Scheduled',
    metadata: { source: { kind: 'Community' }, author: { name: m.author ?? 'unknown' } },
    tags: [`Converted from Sigma by auditscope: ${basename(x.source)}`],
  };
  return yamlStringify(doc, { lineWidth: 0 });
}

function entityMappings(table: string): unknown[] {
  if (table === 'AzureActivity')
    return [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'Caller' }] },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'CallerIpAddress' }] },
    ];
  if (table === 'CloudAuditEvents')
    return [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] }];
  return [];
}

export interface ElasticTomlInput {
  readonly meta: SigmaMeta;
  readonly threats: readonly Threat[];
  readonly query: string;
  readonly language: 'kuery' | 'eql';
  readonly index: readonly string[];
  readonly source: string;
}

/**
 * An Elastic detection-rules TOML (`[metadata]`, `[rule]`, `[[rule.threat]]`).
 * @example elasticRuleToml({ meta, threats, query, language: 'kuery', index: ['logs-kubernetes.audit_logs-*'], source })
 */
export function elasticRuleToml(x: ElasticTomlInput, today: string): string {
  const m = x.meta;
  const sev = ELASTIC_SEVERITY[m.level ?? 'medium'] ?? { severity: 'medium', risk: 47 };
  const threat = x.threats
    .filter((t) => t.tactic?.id)
    .map((t) => ({
      framework: 'MITRE ATT&CK',
      technique: t.techniques.map((tech) => ({
        id: tech.id,
        name: techniqueInfo(tech.id)?.name ?? tech.id,
        reference: `https://attack.mitre.org/techniques/${tech.id}/`,
      })),
      tactic: {
        id: t.tactic!.id!,
        name: t.tactic!.name,
        reference: `https://attack.mitre.org/tactics/${t.tactic!.id}/`,
      },
    }));
  const doc = {
    metadata: { creation_date: today, maturity: 'development', updated_date: today },
    rule: {
      author: [m.author ?? 'unknown'],
      description: m.description ?? m.title,
      from: 'now-6m',
      interval: '5m',
      index: [...x.index],
      language: x.language,
      license: m.license ?? 'DRL-1.1',
      name: m.title,
      ...(m.falsepositives.length ? { false_positives: [...m.falsepositives] } : {}),
      ...(m.references.length ? { references: [...m.references] } : {}),
      risk_score: sev.risk,
      rule_id: m.id ?? derivedId(x.source + m.title),
      severity: sev.severity,
      tags: [`Converted from Sigma by auditscope: ${basename(x.source)}`],
      type: x.language === 'eql' ? 'eql' : 'query',
      query: x.query,
      ...(threat.length ? { threat } : {}),
    },
  };
  return tomlStringify(doc);
}

export interface SigmaYamlInput {
  readonly title: string;
  readonly id: string;
  readonly description: string;
  readonly author: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly level: string;
  readonly tags: readonly string[];
  readonly logsource: Readonly<Record<string, string>>;
  readonly detection: Record<string, unknown>;
  readonly source: string;
  readonly date: string;
}

/** A Sigma rule document. */
export function sigmaRuleYaml(x: SigmaYamlInput): string {
  const doc = {
    title: x.title,
    id: x.id,
    status: 'experimental',
    description: x.description,
    ...(x.references.length ? { references: [...x.references] } : {}),
    author: x.author.join(', ') || 'unknown',
    date: x.date,
    ...(x.tags.length ? { tags: [...x.tags] } : {}),
    logsource: x.logsource,
    detection: x.detection,
    falsepositives: x.falsepositives.length
      ? x.falsepositives.map((s) => s.replace(/\s+/g, ' ').trim())
      : ['Unknown'],
    level: x.level,
  };
  return `# Converted from ${x.source} by auditscope rules convert\n${yamlStringify(doc, { lineWidth: 0 })}`;
}

/** Sigma ATT&CK tags of an Elastic rule's threat mappings. */
export function sigmaTagsOfThreats(threats: readonly Threat[]): string[] {
  const out: string[] = [];
  for (const t of threats) {
    if (t.tactic) out.push(`attack.${t.tactic.name.toLowerCase().replace(/\s+/g, '-')}`);
    for (const tech of t.techniques) {
      out.push(`attack.${tech.id.toLowerCase()}`);
      for (const s of tech.subtechniques ?? []) out.push(`attack.${s.id.toLowerCase()}`);
    }
  }
  return [...new Set(out)];
}
