import type { Alert } from '../../alerts/alert.js';
import { formatAlertNdjson } from '../../alerts/format-ndjson.js';
import {
  alertColumnWidths,
  alertHeaders,
  alertKeepEnd,
  alertRows,
  countBySeverity,
} from '../../alerts/format-table.js';
import { groupIncidents, type Incident } from '../../alerts/incidents.js';
import { builtinRulesDir, eventKey, runScan } from '../../detect/run-scan.js';
import { type Diagnostic, formatDiagnostic } from '../../diag/diagnostic.js';
import { formatIngestSummary } from '../../ingest/format-stats.js';
import { ingest } from '../../ingest/ingest.js';
import { openQuarantineFile } from '../../ingest/quarantine-file.js';
import type { IngestStats, QuarantineRecord } from '../../ingest/types.js';
import type { AuditEvent } from '../../model/event.js';
import { outputFormat, parseNow, parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { createProgress } from '../progress.js';
import { ansi, renderCsv, renderTable, useColor } from '../table.js';

/**
 * `auditscope scan`: argv -> `runScan` (detect/run-scan.ts: ingest -> every detection of the
 * built-in pack + --rules -> enriched alerts) -> print. JSON Lines records no loaded rule could
 * match are skipped unparsed by the byte prefilter (counted in the summary; `--no-prefilter` turns
 * it off).
 */
export const command: Command = {
  summary: 'Scan audit logs with detection rules (built-in pack, Sigma, Elastic, Kusto) and print alerts',
  usage:
    'auditscope scan [PATH|-]... | --db FILE [--rules PATH]... [--no-builtin] [--sigma-mapping FILE] [--sigma-placeholders FILE] [--no-prefilter] [--building-blocks] [--elastic-exceptions FILE]... [--output table|ndjson|csv] [--now ISO-TIME] [--quarantine FILE] [--quiet]',
  run,
};

const quarantineEchoLimit = 20;

/** Prints quarantined records to stderr (first few) and to the --quarantine file (all). */
export function quarantineReporter(
  file: string | undefined,
  quiet: boolean,
): { report(q: QuarantineRecord): void; close(): Promise<void> } {
  const qf = file ? openQuarantineFile(file) : undefined;
  let echoed = 0;
  let more = 0;
  return {
    report(q) {
      qf?.write(q);
      if (quiet) return;
      if (echoed < quarantineEchoLimit) {
        echoed++;
        process.stderr.write(`${q.file}:${q.line}: quarantined (${q.reason}): ${q.message}\n`);
      } else more++;
    },
    async close() {
      if (more > 0)
        process.stderr.write(
          `… ${more} more quarantined record${more === 1 ? '' : 's'}${file ? ` (all in ${file})` : ' (use --quarantine FILE to keep them)'}\n`,
        );
      await qf?.close();
    },
  };
}

/** The inputs to read: the positionals, or stdin when none are given and stdin is not a terminal. */
export function inputPaths(positionals: string[]): string[] {
  if (positionals.length > 0) return positionals;
  if (!process.stdin.isTTY) return ['-'];
  throw new UsageError('no input: give files, directories or - for stdin');
}

/**
 * Reads `inputs` into `onEvent` the way the ingest-only verbs (coverage, rbac, timeline) do: a
 * progress bar on stderr, quarantined records reported (and kept in `--quarantine FILE`).
 * @example const stats = await ingestInputs(inputPaths(positionals), (ev) => c.add(ev), values.quarantine, quiet);
 */
export async function ingestInputs(
  inputs: readonly string[],
  onEvent: (ev: AuditEvent) => void,
  quarantineFile: string | undefined,
  quiet: boolean,
): Promise<IngestStats> {
  const quarantine = quarantineReporter(quarantineFile, quiet);
  const progress = createProgress(process.stderr, 'reading');
  const stats = await ingest(
    inputs,
    { event: onEvent, quarantine: quarantine.report },
    { onProgress: progress.update },
  );
  progress.done();
  await quarantine.close();
  return stats;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, scanOptions);
  const output = outputFormat(values.output, 'table');
  const now = parseNow(values.now);
  const quiet = values.quiet === true;
  const inputs = values.db ? positionals : inputPaths(positionals);
  if (values.db && positionals.length > 0)
    throw new UsageError('--db scans the events of a store: give no input files with it (load them first)');
  guardStdout();
  if (values['no-builtin'] && (values.rules ?? []).length === 0)
    throw new UsageError('no rules: --no-builtin needs at least one --rules PATH');

  const quarantine = quarantineReporter(values.quarantine, quiet);
  const progress = createProgress(process.stderr, 'scanning');
  let runtimeShown = 0;
  let loading = true;
  const result = await runScan({
    inputs,
    rulePaths: values.rules ?? [],
    builtin: values['no-builtin'] !== true,
    ...(now !== undefined ? { now } : {}),
    ...(values['sigma-mapping'] ? { sigmaMappingFile: values['sigma-mapping'] } : {}),
    ...(values['sigma-placeholders'] ? { sigmaPlaceholdersFile: values['sigma-placeholders'] } : {}),
    prefilter: values['no-prefilter'] !== true,
    ...(values.db ? { db: values.db } : {}),
    ...(values['elastic-exceptions'] ? { elasticExceptionFiles: values['elastic-exceptions'] } : {}),
    quarantine: quarantine.report,
    onLoaded: () => {
      loading = false;
    },
    onProgress: progress.update,
    onDiagnostic: (d: Diagnostic) => {
      // Loading problems: all (only errors with --quiet); runtime problems: the first 50.
      if (loading) {
        if (!quiet || d.severity === 'error') process.stderr.write(`${formatDiagnostic(d)}\n`);
      } else if (++runtimeShown <= 50) process.stderr.write(`${formatDiagnostic(d)}\n`);
    },
  });
  progress.done();
  await quarantine.close();
  // Building-block alerts (Elastic `building_block_type`) feed other rules; like Kibana, people see
  // them only when asked. Machine output keeps every alert.
  const shown =
    output === 'ndjson' || values['building-blocks']
      ? result.alerts
      : result.alerts.filter((a) => !isBuildingBlock(a));
  const hiddenBlocks = result.alerts.length - shown.length;
  const ready = shown;
  const { stats, ruleStats } = result;

  if (output === 'ndjson') {
    let buf = '';
    for (const a of ready) buf += formatAlertNdjson(a);
    process.stdout.write(buf);
  }
  const color = useColor(process.stdout);
  if (output === 'table' || output === 'csv') {
    const { rows, severities } = alertRows(ready);
    if (output === 'csv') process.stdout.write(renderCsv(alertHeaders, rows));
    else if (rows.length > 0)
      process.stdout.write(
        renderTable(alertHeaders, rows, {
          keepEnd: alertKeepEnd,
          columnWidths: alertColumnWidths,
          ...(color ? { paint: (i: number, text: string) => paintSeverity(severities[i]!, text) } : {}),
        }),
      );
  }
  const bySeverity = countBySeverity(ready);
  const skippedReasons = new Map<string, number>();
  for (const s of ruleStats.skipped) skippedReasons.set(s.reason, (skippedReasons.get(s.reason) ?? 0) + 1);
  const errors = ruleStats.errors;
  const summary =
    `${ready.length} alert${ready.length === 1 ? '' : 's'}${bySeverity.length ? `: ${bySeverity.map(([s, c]) => `${s} ${c}`).join(', ')}` : ''}\n` +
    `rules: ${ruleStats.loaded} loaded, ${ruleStats.skipped.length} skipped${
      skippedReasons.size ? ` (${topReasons(skippedReasons)})` : ''
    }, ${errors} error${errors === 1 ? '' : 's'}\n` +
    formatIngestSummary(stats) +
    (result.duplicates
      ? `duplicates: ${result.duplicates} events seen twice (same auditID and stage) were scanned once\n`
      : '');
  const incidents = output === 'table' ? formatIncidents(groupIncidents(ready)) : '';
  const blocks = hiddenBlocks
    ? `building blocks: ${hiddenBlocks} hidden (--building-blocks shows them)\n`
    : '';
  if (output === 'table') process.stdout.write(`${ready.length ? '\n' : ''}${incidents}${summary}${blocks}`);
  else if (!quiet) process.stderr.write(summary);

  if (ready.length > 0) return ExitCode.alerts;
  if (errors > 0 || (stats.quarantinedByReason['io-error'] ?? 0) > 0) return ExitCode.dataError;
  return ExitCode.ok;
}

const isoMs = (t: string): string => {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
};

const isBuildingBlock = (a: Alert): boolean => a.details?.['kibana.alert.building_block_type'] !== undefined;

/** One line per incident (related alerts sharing entities within an hour), most severe first. */
function formatIncidents(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return '';
  const order = ['critical', 'high', 'medium', 'low', 'informational'];
  const lines = [...incidents]
    .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity) || a.start.localeCompare(b.start))
    .map((i) => {
      const who = (i.entities.users ?? []).slice(0, 3).join(', ');
      return `  ${i.severity.padEnd(13)} ${i.alerts.length} alert${i.alerts.length === 1 ? '' : 's'}  ${isoMs(i.start)} .. ${isoMs(i.end)}  ${who}${i.techniques.length ? `  [${i.techniques.slice(0, 6).join(' ')}]` : ''}  ${i.title}`;
    });
  return `${incidents.length} incident${incidents.length === 1 ? '' : 's'} (alerts sharing a user, IP, workload or cluster within an hour):\n${lines.join('\n')}\n\n`;
}

/** `scan`'s own flags (beside the shared ones). */
const scanOptions = {
  'building-blocks': { type: 'boolean' },
  'elastic-exceptions': { type: 'string', multiple: true },
  'sigma-mapping': { type: 'string' },
  'sigma-placeholders': { type: 'string' },
  'no-prefilter': { type: 'boolean' },
} as const;

/** Re-exported from detect/run-scan.ts for the commands that import them from here. */
export { builtinRulesDir, eventKey };

/** The most frequent skip reasons, at most five, most frequent first. */
function topReasons(reasons: Map<string, number>): string {
  const sorted = [...reasons].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 5).map(([r, c]) => `${r}: ${c}`);
  if (sorted.length > 5) shown.push(`${sorted.length - 5} other reasons`);
  return shown.join('; ');
}

function paintSeverity(sev: string, text: string): string {
  switch (sev) {
    case 'critical':
      return ansi.boldRed(text);
    case 'high':
      return ansi.red(text);
    case 'medium':
      return ansi.yellow(text);
    case 'low':
      return ansi.cyan(text);
    default:
      return ansi.dim(text);
  }
}

/** Exit quietly when stdout is closed early (`| head`). */
export function guardStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
