import type { Incident } from './incidents.js';

const entityLabels: readonly [string, string][] = [
  ['users', 'users'],
  ['impersonated', 'impersonated'],
  ['ips', 'source IPs'],
  ['clusters', 'clusters'],
  ['namespaces', 'namespaces'],
  ['workloads', 'workloads'],
  ['pods', 'pods'],
  ['images', 'images'],
  ['subjects', 'RBAC subjects'],
];

/**
 * A plain-text incident report for an analyst: title and severity, the time span, the entities,
 * the timeline (one line per alert: time, severity, rule, what happened, ATT&CK ids), and the
 * first triage steps of each distinct rule's investigation guide.
 * @example process.stdout.write(renderIncident(groupIncidents(alerts)[0]))
 */
export function renderIncident(inc: Incident, opts: { guides?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`INCIDENT ${inc.id}  [${inc.severity}, risk ${inc.riskScore}]  ${inc.title}`);
  lines.push(`  ${inc.start} .. ${inc.end}, ${inc.alerts.length} alert${inc.alerts.length === 1 ? '' : 's'}`);
  if (inc.tactics.length)
    lines.push(`  tactics: ${inc.tactics.join(', ')}; techniques: ${inc.techniques.join(', ')}`);
  for (const [key, label] of entityLabels) {
    const vs = inc.entities[key];
    if (vs?.length) lines.push(`  ${label}: ${vs.join(', ')}`);
  }
  lines.push('  timeline:');
  for (const t of inc.timeline) {
    lines.push(
      `    ${t.time}  ${t.severity.padEnd(13)} ${t.rule}${t.techniques.length ? ` (${t.techniques.join(' ')})` : ''}`,
    );
    lines.push(`      ${t.summary}`);
  }
  if (opts.guides ?? true) {
    const seen = new Set<string>();
    for (const a of inc.alerts) {
      if (seen.has(a.rule.id) || !a.rule.guide) continue;
      seen.add(a.rule.id);
      const triage = firstSteps(a.rule.guide, 3);
      if (triage.length) {
        lines.push(`  next steps for '${a.rule.name}':`);
        for (const s of triage) lines.push(`    - ${s}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The first `n` list items of a markdown guide's triage (or first) section. */
export function firstSteps(guide: string, n: number): string[] {
  const out: string[] = [];
  for (const raw of guide.split('\n')) {
    const line = raw.trim();
    if (/^#+\s/.test(line) && out.length > 0) break;
    const m = /^(?:\d+\.|[-*])\s+(.*)$/.exec(line);
    if (m) out.push(m[1]!);
    if (out.length >= n) break;
  }
  return out;
}
