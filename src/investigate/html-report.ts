import type { Alert, SeverityLevel } from '../alerts/alert.js';
import type { Incident } from '../alerts/incidents.js';
import { ruleAttack } from '../alerts/rule-attack.js';
import type { CoverageReport } from './coverage.js';
import { eventFacts } from './event-facts.js';
import type { RbacReport } from './rbac.js';
import type { TimelineRow } from './timeline.js';

/** Everything an incident report shows. */
export interface ReportInput {
  readonly title: string;
  readonly generatedAt: string;
  readonly inputs: readonly string[];
  /** Plain-text ingest summary (records read, formats, quarantined). */
  readonly ingestSummary: string;
  readonly rulesLoaded: number;
  readonly alerts: readonly Alert[];
  readonly incidents: readonly Incident[];
  /** Users whose timeline is shown (those involved in alerts). */
  readonly timelineUsers: readonly string[];
  readonly timeline: readonly TimelineRow[];
  readonly coverage: CoverageReport;
  readonly rbac?: RbacReport;
}

/**
 * Escapes text for HTML element content and quoted attribute values.
 * @example escapeHtml('<script>"x"</script>') // '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
 */
export function escapeHtml(s: unknown): string {
  return String(s ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const e = escapeHtml;
const severities: readonly SeverityLevel[] = ['critical', 'high', 'medium', 'low', 'informational'];

const style = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:12.5px}
th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top;word-break:break-word}
th{background:#f6f8fa}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
pre{background:#f6f8fa;padding:.6rem;white-space:pre-wrap;border-radius:4px}
.sev{font-weight:600;padding:0 .35rem;border-radius:3px;color:#fff}
.critical{background:#8b0000}.high{background:#cf222e}.medium{background:#bf8700}.low{background:#0969da}.informational{background:#6e7781}
.ans-yes{color:#1a7f37;font-weight:600}.ans-no{color:#cf222e;font-weight:600}.ans-partial,.ans-unknown{color:#9a6700;font-weight:600}
.muted{color:#57606a}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.3rem 0}dt{font-weight:600}dd{margin:0}
`;

const sev = (s: SeverityLevel): string => `<span class="sev ${e(s)}">${e(s)}</span>`;

function table(headers: readonly string[], rows: readonly (readonly string[])[], raw = false): string {
  if (rows.length === 0) return '<p class="muted">None.</p>';
  const cell = (c: string): string => (raw ? c : e(c));
  return `<table><thead><tr>${headers.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function entitiesList(ent: Alert['entities']): string {
  const parts = Object.entries(ent)
    .filter(([, v]) => v && v.length > 0)
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${(v ?? []).map((x) => `<code>${e(x)}</code>`).join(', ')}</dd>`);
  return parts.length ? `<dl>${parts.join('')}</dl>` : '';
}

function summary(r: ReportInput): string {
  const bySev = severities
    .map((s) => [s, r.alerts.filter((a) => a.severity === s).length] as const)
    .filter(([, n]) => n > 0);
  const times = r.alerts.map((a) => a.time).sort();
  const answerNo = r.coverage.questions.filter((q) => q.answer === 'no' || q.answer === 'partial').length;
  return `<h2 id="summary">Summary</h2>
<dl>
<dt>Alerts</dt><dd>${r.alerts.length}${bySev.length ? `: ${bySev.map(([s, n]) => `${sev(s)} ${n}`).join(' ')}` : ''}</dd>
<dt>Incidents</dt><dd>${r.incidents.length}</dd>
<dt>Alert time span</dt><dd>${times.length ? `${e(times[0])} .. ${e(times.at(-1))}` : '-'}</dd>
<dt>Users in alerts</dt><dd>${[...new Set(r.alerts.flatMap((a) => a.entities.users ?? []))].map((u) => `<code>${e(u)}</code>`).join(', ') || '-'}</dd>
<dt>Rules run</dt><dd>${r.rulesLoaded}</dd>
<dt>Evidence</dt><dd>${r.inputs.map((i) => `<code>${e(i)}</code>`).join(', ')}</dd>
<dt>Blind spots</dt><dd>${answerNo} question${answerNo === 1 ? '' : 's'} the logs cannot fully answer (see Coverage)</dd>
</dl>
<pre>${e(r.ingestSummary)}</pre>`;
}

function incidents(r: ReportInput): string {
  let out = `<h2 id="incidents">Incidents</h2>`;
  if (r.incidents.length === 0) return `${out}<p class="muted">No incidents.</p>`;
  for (const inc of r.incidents) {
    out += `<div class="card"><h3>${sev(inc.severity)} ${e(inc.title)} <span class="muted">(${e(inc.id)}, risk ${inc.riskScore})</span></h3>
<p>${e(inc.start)} .. ${e(inc.end)}, ${inc.alerts.length} alert${inc.alerts.length === 1 ? '' : 's'}${
      inc.techniques.length
        ? `; ATT&amp;CK ${inc.techniques.map((t) => `<code>${e(t)}</code>`).join(' ')}`
        : ''
    }${inc.links.length ? `; linked by ${inc.links.map((l) => `<code>${e(l)}</code>`).join(', ')}` : ''}</p>
${entitiesList(inc.entities)}
${table(
  ['Time', 'Severity', 'Rule', 'What happened', 'ATT&CK'],
  inc.timeline.map((t) => [e(t.time), sev(t.severity), e(t.rule), e(t.summary), e(t.techniques.join(' '))]),
  true,
)}</div>`;
  }
  return out;
}

function alerts(r: ReportInput): string {
  let out = `<h2 id="alerts">Alerts by severity</h2>`;
  if (r.alerts.length === 0) return `${out}<p class="muted">No alerts.</p>`;
  for (const s of severities) {
    const group = r.alerts.filter((a) => a.severity === s).sort((a, b) => a.time.localeCompare(b.time));
    if (group.length === 0) continue;
    out += `<h3>${sev(s)} ${group.length}</h3>`;
    for (const a of group) {
      const attack = ruleAttack(a.rule);
      const ev = a.events.at(-1);
      const f = ev ? eventFacts(ev) : undefined;
      out += `<div class="card"><strong>${e(a.title ?? a.rule.name)}</strong> <span class="muted">${e(a.time)}</span>
<dl>
<dt>Rule</dt><dd>${e(a.rule.name)} <span class="muted">(${e(a.rule.language)}, ${e(a.rule.id)}${a.rule.file ? `, ${e(a.rule.file)}${a.rule.line ? `:${a.rule.line}` : ''}` : ''})</span></dd>
${a.rule.description ? `<dt>Description</dt><dd>${e(a.rule.description)}</dd>` : ''}
<dt>ATT&amp;CK</dt><dd>${e([...attack.tactics, ...attack.techniques].join(', ') || '-')}</dd>
${f ? `<dt>Event</dt><dd><code>${e(f.actor)}</code> ${e(f.action)} <code>${e(f.target)}</code> (${e(f.outcome || '-')}) from ${e(f.ip || '-')} <span class="muted">${e(f.location)}</span></dd>` : ''}
</dl>
${entitiesList(a.entities)}
${a.rule.guide ? `<details><summary>Investigation guide</summary><pre>${e(a.rule.guide)}</pre></details>` : ''}
</div>`;
    }
  }
  return out;
}

function timeline(r: ReportInput): string {
  const head = `<h2 id="timeline">Attacker timeline</h2><p class="muted">Every event by ${
    r.timelineUsers.map((u) => `<code>${e(u)}</code>`).join(', ') || 'no user'
  } across the evidence, oldest first; runs of identical reads within a minute are counted on one line.</p>`;
  return (
    head +
    table(
      ['Time', 'Source', 'Actor', 'Action', 'Target', 'Outcome', 'Source IP', 'Count', 'Location'],
      r.timeline.map((t) => [
        t.time,
        t.source,
        t.actor,
        t.action,
        t.target,
        t.outcome,
        t.ip,
        t.count > 1 ? `x${t.count}` : '',
        t.location,
      ]),
    )
  );
}

function coverage(r: ReportInput): string {
  const c = r.coverage;
  const name = new Map(c.clusters.map((x) => [x.cluster, x.name]));
  const counts = (m: Readonly<Record<string, number>>): string =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return `<h2 id="coverage">Coverage: what these logs can and cannot show</h2>
${table(
  ['Cluster', 'Provider', 'Sources', 'Audit levels', 'From', 'To', 'Gaps'],
  c.clusters.map((x) => [
    x.name,
    x.provider,
    counts(x.sources),
    counts(x.levels) || '-',
    x.from,
    x.to,
    x.gaps.map((g) => `${g.from} .. ${g.to} (${g.hours}h)`).join('; ') || 'none',
  ]),
)}
${table(
  ['Question', 'Cluster', 'Answer', 'Why', 'Fix'],
  c.questions.map((q) => [
    e(q.question),
    e(name.get(q.cluster) ?? q.cluster),
    `<span class="ans-${e(q.answer)}">${e(q.answer)}</span>`,
    e(q.why),
    e(q.fix ?? ''),
  ]),
  true,
)}
${table(
  ['Cluster', 'Source', 'Oldest', 'Risk', 'Note'],
  c.retention.map((x) => [name.get(x.cluster) ?? x.cluster, x.source, x.oldest, x.risk, x.note]),
)}
${c.fixes.length ? `<h3>Fixes</h3><ol>${c.fixes.map((f) => `<li>${e(f)}</li>`).join('')}</ol>` : ''}`;
}

function rbac(r: RbacReport | undefined): string {
  if (!r) return '';
  return `<h2 id="rbac">RBAC exposure</h2><p class="muted">${e(r.disclaimer)}</p>
${table(
  ['Severity', 'Subject', 'Finding', 'Via', 'Evidence'],
  r.findings.map((f) => [sev(f.severity), e(f.subject), e(f.finding), e(f.via), e(f.evidence.join(', '))]),
  true,
)}
${r.fixes.length ? `<h3>Fixes</h3><ol>${r.fixes.map((f) => `<li>${e(f)}</li>`).join('')}</ol>` : ''}`;
}

/**
 * A self-contained HTML incident report: inline CSS, no scripts, no external assets, every value
 * HTML-escaped. Sections: summary, incidents, alerts by severity (rule, ATT&CK, entities,
 * investigation guide), the attacker timeline, coverage findings, RBAC exposure.
 * @example writeFileSync('incident.html', renderHtmlReport(input))
 */
export function renderHtmlReport(r: ReportInput): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(r.title)}</title><style>${style}</style></head>
<body>
<h1>${e(r.title)}</h1>
<p class="muted">Generated by auditscope at ${e(r.generatedAt)}.
<a href="#summary">Summary</a> · <a href="#incidents">Incidents</a> · <a href="#alerts">Alerts</a> · <a href="#timeline">Timeline</a> · <a href="#coverage">Coverage</a>${r.rbac ? ' · <a href="#rbac">RBAC</a>' : ''}</p>
${summary(r)}
${incidents(r)}
${alerts(r)}
${timeline(r)}
${coverage(r)}
${rbac(r.rbac)}
</body></html>
`;
}
