import { formatIngestSummary } from '../../ingest/format-stats.js';
import { type CoverageReport, coverageReport } from '../../investigate/coverage.js';
import { CoverageCollector } from '../../investigate/coverage-collector.js';
import { outputFormat, parseNow, parseVerbArgs } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { numberedList, renderCsv, renderTable } from '../table.js';
import { guardStdout, ingestInputs, inputPaths } from './scan.js';

/**
 * `auditscope coverage`: what the logs can and cannot show (feeds, audit levels, time range and
 * gaps, retention risk, and which investigation questions they can answer), with a list of fixes.
 */
export const command: Command = {
  summary:
    'Say what the logs can and cannot show: sources, audit levels, gaps, retention, answerable questions, fixes',
  usage:
    'auditscope coverage [PATH|-]... [--now ISO-TIME] [--output table|ndjson|csv] [--quarantine FILE] [--quiet]',
  run,
};

const counts = (m: Readonly<Record<string, number>>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/**
 * The report as machine rows: one object per cluster, question, retention finding and fix.
 * @example coverageRows(report)[0].type // 'cluster'
 */
export function coverageRows(r: CoverageReport): Record<string, unknown>[] {
  return [
    ...r.clusters.map((c) => ({ type: 'cluster', ...c })),
    ...r.questions.map((q) => ({ type: 'question', ...q })),
    ...r.retention.map((x) => ({ type: 'retention', ...x })),
    ...r.fixes.map((fix, i) => ({ type: 'fix', rank: i + 1, fix })),
  ];
}

/**
 * The report for people: a cluster table, a question table, retention notes and numbered fixes.
 * @example process.stdout.write(renderCoverage(coverageReport(collector, Date.now())))
 */
export function renderCoverage(r: CoverageReport): string {
  if (r.clusters.length === 0)
    return r.otherActivity
      ? `coverage: ${r.otherActivity} Activity Log records read, none about a Kubernetes cluster: these logs cannot show anything inside a cluster\n`
      : 'coverage: no events read: nothing can be shown\n';
  let out = 'What these logs can show, per cluster\n\n';
  out += renderTable(
    ['CLUSTER', 'PROVIDER', 'EVENTS', 'SOURCES', 'AUDIT LEVELS', 'STAGES', 'FROM', 'TO', 'GAPS'],
    r.clusters.map((c) => [
      c.name,
      c.provider,
      String(c.events),
      counts(c.sources),
      counts(c.levels) || '-',
      counts(c.stages) || '-',
      c.from,
      c.to,
      c.gaps.length
        ? `${c.gaps.length} (${c.gaps.reduce((n, g) => n + g.hours, 0)}h without events)`
        : 'none',
    ]),
    { maxWidth: 70 },
  );
  for (const c of r.clusters)
    for (const g of c.gaps.slice(0, 10)) out += `  gap in ${c.name}: ${g.from} .. ${g.to} (${g.hours}h)\n`;
  out += '\nCan these logs answer...\n\n';
  const name = new Map(r.clusters.map((c) => [c.cluster, c.name]));
  out += renderTable(
    ['QUESTION', 'CLUSTER', 'ANSWER', 'WHY'],
    r.questions.map((q) => [q.question, name.get(q.cluster) ?? q.cluster, q.answer, q.why]),
    { maxWidth: 220 },
  );
  out += '\nRetention\n\n';
  out += renderTable(
    ['CLUSTER', 'SOURCE', 'OLDEST', 'AGE', 'RISK', 'NOTE'],
    r.retention.map((x) => [
      name.get(x.cluster) ?? x.cluster,
      x.source,
      x.oldest,
      x.ageHours >= 48 ? `${Math.round(x.ageHours / 24)}d` : `${x.ageHours}h`,
      x.risk,
      x.note,
    ]),
    { maxWidth: 220 },
  );
  if (r.otherActivity)
    out += `(${r.otherActivity} Activity Log records are about resources other than clusters)\n`;
  out += r.fixes.length ? '\nFixes\n\n' : '\nFixes: none needed for these questions\n';
  out += numberedList(r.fixes);
  return out;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {});
  const output = outputFormat(values.output, 'table');
  const now = parseNow(values.now) ?? Date.now();
  const quiet = values.quiet === true;
  const inputs = inputPaths(positionals);
  guardStdout();
  const collector = new CoverageCollector();
  const stats = await ingestInputs(inputs, (ev) => collector.add(ev), values.quarantine, quiet);
  const report = coverageReport(collector, now);
  if (output === 'ndjson')
    process.stdout.write(
      coverageRows(report)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(''),
    );
  else if (output === 'csv')
    process.stdout.write(
      renderCsv(
        ['cluster', 'question', 'technique', 'answer', 'why', 'fix'],
        report.questions.map((q) => [q.cluster, q.question, q.technique, q.answer, q.why, q.fix ?? '']),
      ),
    );
  else process.stdout.write(`${renderCoverage(report)}\n${formatIngestSummary(stats)}`);
  if (output !== 'table' && !quiet) process.stderr.write(formatIngestSummary(stats));
  return ExitCode.ok;
}
