import { writeFileSync } from 'node:fs';
import { groupIncidents } from '../../alerts/incidents.js';
import { formatDiagnostic } from '../../diag/diagnostic.js';
import { formatIngestSummary } from '../../ingest/format-stats.js';
import { ingest } from '../../ingest/ingest.js';
import { CoverageCollector } from '../../investigate/coverage-collector.js';
import { coverageReport } from '../../investigate/coverage.js';
import { renderHtmlReport } from '../../investigate/html-report.js';
import { RbacCollector } from '../../investigate/rbac.js';
import { TimelineBuilder } from '../../investigate/timeline.js';
import { runScan } from '../../detect/run-scan.js';
import { parseNow, parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { createProgress } from '../progress.js';
import { builtinRulesDir, inputPaths, quarantineReporter } from './scan.js';

/**
 * `auditscope report`: runs the detections (built-in pack + --rules), groups alerts into
 * incidents, builds the timeline of the users involved and the coverage findings, and writes one
 * self-contained HTML file.
 */
export const command: Command = {
  summary:
    'Write a self-contained HTML incident report: alerts, incidents, attacker timeline, coverage, RBAC',
  usage:
    'auditscope report PATH... --out FILE.html [--rules PATH]... [--no-builtin] [--user U]... [--title TEXT] [--now ISO-TIME] [--quarantine FILE] [--quiet]',
  run,
};

/** At most this many users get a timeline (the ones in the most alerts) unless --user names them. */
const timelineUserLimit = 10;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    out: { type: 'string' },
    title: { type: 'string' },
    user: { type: 'string', multiple: true },
  });
  const out = values.out;
  if (!out) throw new UsageError('--out FILE.html is required');
  const inputs = inputPaths(positionals);
  if (inputs.includes('-'))
    throw new UsageError('report reads its inputs twice: give files or directories, not -');
  const quiet = values.quiet === true;
  const now = parseNow(values.now);
  const rulePaths = [...(values['no-builtin'] ? [] : [builtinRulesDir()]), ...(values.rules ?? [])];
  if (rulePaths.length === 0) throw new UsageError('no rules: --no-builtin needs at least one --rules PATH');

  // Pass 1: detections, coverage and RBAC over every event.
  const coverage = new CoverageCollector();
  const rbac = new RbacCollector();
  const quarantine = quarantineReporter(values.quarantine, quiet);
  const progress = createProgress(process.stderr, 'scanning');
  const result = await runScan({
    inputs,
    rulePaths,
    ...(now !== undefined ? { now } : {}),
    onEvent: (ev) => {
      coverage.add(ev);
      rbac.add(ev);
    },
    quarantine: quarantine.report,
    onProgress: progress.update,
  });
  progress.done();
  await quarantine.close();
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!quiet) for (const d of errors.slice(0, 20)) process.stderr.write(`${formatDiagnostic(d)}\n`);

  // Pass 2: the timeline of the users the alerts are about.
  const perUser = new Map<string, number>();
  for (const a of result.alerts)
    for (const u of [...(a.entities.users ?? []), ...(a.entities.impersonated ?? [])])
      perUser.set(u, (perUser.get(u) ?? 0) + 1);
  const users =
    values.user ??
    [...perUser]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, timelineUserLimit)
      .map(([u]) => u);
  const timeline = new TimelineBuilder({ user: users });
  if (users.length > 0) await ingest(inputs, { event: (ev) => timeline.add(ev), quarantine: () => {} });

  const html = renderHtmlReport({
    title: values.title ?? 'auditscope incident report',
    generatedAt: new Date(now ?? Date.now()).toISOString(),
    inputs,
    ingestSummary: formatIngestSummary(result.stats),
    rulesLoaded: result.ruleStats.loaded,
    alerts: result.alerts,
    incidents: groupIncidents(result.alerts),
    timelineUsers: users,
    timeline: users.length ? timeline.rows() : [],
    coverage: coverageReport(coverage, now ?? Date.now()),
    rbac: rbac.report(),
  });
  writeFileSync(out, html);
  if (!quiet)
    process.stderr.write(
      `report: ${result.alerts.length} alert${result.alerts.length === 1 ? '' : 's'}, ${users.length} user timeline${users.length === 1 ? '' : 's'} -> ${out}\n${formatIngestSummary(result.stats)}`,
    );
  return (result.stats.quarantinedByReason['io-error'] ?? 0) > 0 ? ExitCode.dataError : ExitCode.ok;
}
