import { formatIngestSummary } from '../../ingest/format-stats.js';
import { RbacCollector, type RbacReport } from '../../investigate/rbac.js';
import { outputFormat, parseVerbArgs } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { numberedList, renderCsv, renderTable } from '../table.js';
import { guardStdout, ingestInputs, inputPaths } from './scan.js';

/**
 * `auditscope rbac`: RBAC exposure (cluster-admin and wildcard holders, who can delete events,
 * anonymous bindings, service accounts bound to cluster roles) from what the audit logs show.
 */
export const command: Command = {
  summary:
    'Report RBAC exposure (cluster-admin, wildcards, event deletion, anonymous bindings) from the audit logs',
  usage: 'auditscope rbac [PATH|-]... [--output table|ndjson|csv] [--quarantine FILE] [--quiet]',
  run,
};

const headers = ['SEVERITY', 'SUBJECT', 'FINDING', 'VIA', 'EVIDENCE'];

function cells(r: RbacReport): string[][] {
  return r.findings.map((f) => [
    f.severity,
    f.subject,
    f.finding,
    f.via,
    f.evidence.length > 1 ? `${f.evidence[0]} (+${f.evidence.length - 1})` : (f.evidence[0] ?? ''),
  ]);
}

/**
 * The report for people: the disclaimer, the findings table, evidence, and numbered fixes.
 * @example process.stdout.write(renderRbac(collector.report()))
 */
export function renderRbac(r: RbacReport): string {
  let out = `${r.disclaimer}\n\nSeen: ${r.rolesSeen} role${r.rolesSeen === 1 ? '' : 's'}, ${r.bindingsSeen} binding${r.bindingsSeen === 1 ? '' : 's'} with bodies, ${r.usersSeen} users acting`;
  if (r.writesWithoutBody.length)
    out += `; ${r.writesWithoutBody.length} RBAC writes without a body (Metadata level: content unknown, e.g. ${r.writesWithoutBody[0]})`;
  out += '\n\n';
  if (r.findings.length === 0) out += 'No RBAC exposure found in these logs.\n';
  else out += renderTable(headers, cells(r), { maxWidth: 120, keepEnd: [4] });
  if (r.findings.some((f) => f.evidence.length > 1)) {
    out += '\nEvidence\n';
    for (const f of r.findings)
      if (f.evidence.length > 1) out += `  ${f.subject} (${f.kind}): ${f.evidence.join(', ')}\n`;
  }
  if (r.fixes.length) {
    out += `\nFixes\n\n${numberedList(r.fixes)}`;
  }
  return out;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {});
  const output = outputFormat(values.output, 'table');
  const quiet = values.quiet === true;
  const inputs = inputPaths(positionals);
  guardStdout();
  const collector = new RbacCollector();
  const stats = await ingestInputs(inputs, (ev) => collector.add(ev), values.quarantine, quiet);
  const report = collector.report();
  if (output === 'ndjson') {
    const rows = [
      { type: 'note', note: report.disclaimer },
      ...report.findings.map((f) => ({ type: 'finding', ...f })),
      ...report.fixes.map((fix, i) => ({ type: 'fix', rank: i + 1, fix })),
    ];
    process.stdout.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  } else if (output === 'csv') process.stdout.write(renderCsv(headers, cells(report)));
  else process.stdout.write(`${renderRbac(report)}\n${formatIngestSummary(stats)}`);
  if (output !== 'table' && !quiet)
    process.stderr.write(`${report.disclaimer}\n${formatIngestSummary(stats)}`);
  return ExitCode.ok;
}
