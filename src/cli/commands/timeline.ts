import { formatIngestSummary } from '../../ingest/format-stats.js';
import {
  TimelineBuilder,
  type TimelineFilter,
  timelineCells,
  timelineHeaders,
} from '../../investigate/timeline.js';
import { outputFormat, parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { renderCsv, renderTable } from '../table.js';
import { guardStdout, ingestInputs, inputPaths } from './scan.js';

/**
 * `auditscope timeline`: one chronological timeline across cluster and cloud logs (audit events of
 * every provider, Activity Log, kubectl events), filtered by user, IP, namespace, resource, time.
 */
export const command: Command = {
  summary:
    'Print one chronological timeline of who did what, across audit logs, Activity Log and kubectl events',
  usage:
    'auditscope timeline [PATH|-]... [--user U]... [--ip IP|CIDR]... [--namespace NS]... [--resource R]... [--from T] [--to T] [--no-collapse] [--output table|ndjson|csv] [--quarantine FILE] [--quiet]',
  run,
};

/** Flags of `timeline`. */
export const timelineOptions = {
  user: { type: 'string', multiple: true },
  ip: { type: 'string', multiple: true },
  namespace: { type: 'string', multiple: true, short: 'n' },
  resource: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  'no-collapse': { type: 'boolean' },
} as const;

function parseTimeFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--${name}: not an ISO-8601 time: '${v}'`);
  return t;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, timelineOptions);
  const output = outputFormat(values.output, 'table');
  const quiet = values.quiet === true;
  const filter: TimelineFilter = {
    ...(values.user ? { user: values.user } : {}),
    ...(values.ip ? { ip: values.ip } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.resource ? { resource: values.resource } : {}),
    ...(values.from !== undefined ? { from: parseTimeFlag('from', values.from) } : {}),
    ...(values.to !== undefined ? { to: parseTimeFlag('to', values.to) } : {}),
  };
  const inputs = inputPaths(positionals);
  guardStdout();
  const builder = new TimelineBuilder(filter);
  const stats = await ingestInputs(inputs, (ev) => builder.add(ev), values.quarantine, quiet);
  const rows = builder.rows(values['no-collapse'] !== true);

  if (output === 'ndjson') {
    let buf = '';
    for (const r of rows) buf += `${JSON.stringify(r)}\n`;
    process.stdout.write(buf);
  } else if (output === 'csv') {
    process.stdout.write(renderCsv(timelineHeaders, rows.map(timelineCells)));
  } else if (rows.length > 0) {
    process.stdout.write(
      renderTable(timelineHeaders, rows.map(timelineCells), {
        maxWidth: 48,
        keepEnd: [timelineHeaders.length - 1],
      }),
    );
  }
  const events = rows.reduce((n, r) => n + r.count, 0);
  const summary =
    `timeline: ${rows.length} line${rows.length === 1 ? '' : 's'} (${events} event${events === 1 ? '' : 's'}` +
    `${builder.duplicates ? `, ${builder.duplicates} duplicate stages or feed copies merged` : ''})\n` +
    formatIngestSummary(stats);
  if (output === 'table') process.stdout.write(`${rows.length ? '\n' : ''}${summary}`);
  else if (!quiet) process.stderr.write(summary);
  return (stats.quarantinedByReason['io-error'] ?? 0) > 0 ? ExitCode.dataError : ExitCode.ok;
}
