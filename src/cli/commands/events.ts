import { eventColumns } from '../../alerts/format-fields.js';
import { formatIngestSummary } from '../../ingest/format-stats.js';
import { ingest } from '../../ingest/ingest.js';
import type { AuditEvent } from '../../model/event.js';
import { listViews, renderView, type ViewRenderer } from '../../views/registry.js';
import { outputFormat, parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { createProgress } from '../progress.js';
import { renderCsv, renderTable } from '../table.js';
import { guardStdout, inputPaths, quarantineReporter } from './scan.js';

/**
 * `auditscope events`: prints normalized events (NDJSON by default, one AuditEvent per line), or
 * a table / CSV of the facts people look for; with `--view NAME`, each event's row in that view
 * (`sigma`, `ecs`, `CloudAuditEvents`, `AKSAudit`, …; events with no row in it are skipped).
 */
export const command: Command = {
  summary: 'Read audit logs of any supported format and print the normalized events',
  usage:
    'auditscope events [PATH|-]... [--view NAME] [--output ndjson|table|csv] [--quarantine FILE] [--quiet]',
  run,
};

const headers = [
  'TIME',
  'KIND',
  'FORMAT',
  'PROVIDER',
  'USER',
  'VERB/OPERATION',
  'RESOURCE/NAME',
  'NAMESPACE',
  'SOURCE',
];

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, { view: { type: 'string' } });
  const output = outputFormat(values.output, 'ndjson');
  let view: ViewRenderer | undefined;
  if (values.view !== undefined) {
    view = renderView(values.view);
    if (!view) throw new UsageError(`unknown view '${values.view}' (views: ${listViews().join(', ')})`);
  }
  const quiet = values.quiet === true;
  const inputs = inputPaths(positionals);
  guardStdout();
  const quarantine = quarantineReporter(values.quarantine, quiet);
  const rows: string[][] = [];
  const out = process.stdout;
  let buf = '';
  let viewColumns: string[] | undefined;
  let noRow = 0;
  const viewEvent = (ev: AuditEvent) => {
    const row = view!(ev);
    if (row === undefined) {
      noRow++;
      return;
    }
    if (output === 'ndjson') {
      buf += `${JSON.stringify(row)}\n`;
      if (buf.length > 1 << 16) {
        out.write(buf);
        buf = '';
      }
      return;
    }
    viewColumns ??= Object.keys(row);
    rows.push(viewColumns.map((c) => cellText(row[c])));
  };
  const event = view
    ? viewEvent
    : output === 'ndjson'
      ? (ev: AuditEvent) => {
          buf += `${JSON.stringify(ev)}\n`;
          if (buf.length > 1 << 16) {
            out.write(buf);
            buf = '';
          }
        }
      : (ev: AuditEvent) => {
          const c = eventColumns(ev);
          rows.push([
            ev.time,
            ev.kind,
            ev.format,
            ev.provider,
            c.user,
            c.action,
            c.target,
            c.namespace,
            c.source,
          ]);
        };
  const progress = createProgress(process.stderr);
  const stats = await ingest(
    inputs,
    { event, quarantine: quarantine.report },
    { onProgress: progress.update },
  );
  progress.done();
  if (buf) out.write(buf);
  await quarantine.close();
  const cols = view ? (viewColumns ?? []) : headers;
  if (output === 'table') out.write(renderTable(cols, rows, view ? {} : { keepEnd: [headers.length - 1] }));
  else if (output === 'csv') out.write(renderCsv(cols, rows));
  if (!quiet) {
    process.stderr.write(formatIngestSummary(stats));
    if (view && noRow > 0)
      process.stderr.write(
        `view ${values.view}: ${noRow} event${noRow === 1 ? ' has' : 's have'} no row in it\n`,
      );
  }
  return (stats.quarantinedByReason['io-error'] ?? 0) > 0 ? ExitCode.dataError : ExitCode.ok;
}

/** A view cell as text: dates as ISO, objects as JSON, null/undefined as empty. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
