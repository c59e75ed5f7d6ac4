import { expandInputs } from '../../ingest/sources.js';
import { createWriteStream } from 'node:fs';
import { parseRetention } from '../../store/retention.js';
import { loadFiles } from '../../store/load.js';
import { parseVerbArgs, parseNow, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { renderTable } from '../table.js';

export const command: Command = {
  summary: 'load audit logs into an embedded DuckDB store for hunting (incremental, idempotent)',
  usage:
    'auditscope load PATH... --db FILE [--retention 90d] [--tables T1,T2] [--batch N] [--no-raw] [--force] [--quarantine FILE] [--now ISO-TIME] [--quiet]',
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, {
      retention: { type: 'string' },
      batch: { type: 'string' },
      'no-raw': { type: 'boolean' },
      force: { type: 'boolean' },
      tables: { type: 'string' },
    });
    if (!values.db) throw new UsageError('--db FILE is required');
    if (positionals.length === 0) throw new UsageError('give at least one PATH to load');
    let retentionMs: number | undefined;
    if (values.retention !== undefined) {
      retentionMs = parseRetention(values.retention);
      if (retentionMs === undefined)
        throw new UsageError(`--retention: expected a duration like 90d, 12h (got '${values.retention}')`);
    }
    const batch = values.batch !== undefined ? Number(values.batch) : undefined;
    if (batch !== undefined && !(Number.isInteger(batch) && batch > 0))
      throw new UsageError('--batch must be a positive integer');
    const now = parseNow(values.now);
    const quarantine = values.quarantine ? createWriteStream(values.quarantine) : undefined;
    const started = Date.now();
    let report: Awaited<ReturnType<typeof loadFiles>>;
    try {
      // Directories are read recursively, as scan reads them; unreadable paths are reported, not loaded.
      const { files, errors } = await expandInputs(positionals);
      for (const e of errors) process.stderr.write(`${e.path}: ${e.message}\n`);
      if (files.some((f) => f.path === '-'))
        throw new UsageError('load reads files and directories, not stdin (-)');
      if (files.length === 0) return errors.length > 0 ? ExitCode.dataError : ExitCode.ok;
      report = await loadFiles(
        values.db,
        files.map((f) => f.path),
        {
          ...(retentionMs !== undefined ? { retentionMs } : {}),
          ...(now !== undefined ? { now } : {}),
          ...(batch !== undefined ? { batchEvents: batch } : {}),
          keepRaw: !values['no-raw'],
          force: values.force === true,
          ...(values.tables
            ? {
                tables: values.tables
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean),
              }
            : {}),
          ...(quarantine ? { onQuarantine: (q) => quarantine.write(`${JSON.stringify(q)}\n`) } : {}),
        },
      );
    } catch (e) {
      if (e instanceof Error && /^unknown table/.test(e.message))
        throw new UsageError(`--tables: ${e.message}`);
      throw e;
    }
    if (quarantine) await new Promise<void>((r) => quarantine.end(r));
    if (!values.quiet) {
      const secs = (Date.now() - started) / 1000;
      const rows = report.files.map((f) => [f.path, f.status, String(f.events), String(f.quarantined)]);
      process.stderr.write(renderTable(['FILE', 'STATUS', 'EVENTS', 'QUARANTINED'], rows, { keepEnd: [0] }));
      const added = Object.entries(report.added)
        .filter(([k]) => k !== '_events')
        .map(([k, v]) => `${k} +${v}`)
        .join(', ');
      process.stderr.write(
        `loaded ${report.events} events (${report.added['_events'] ?? 0} new) in ${secs.toFixed(1)} s` +
          `${report.events && secs > 0 ? ` (${Math.round(report.events / secs)} events/s)` : ''}` +
          `${added ? `; rows: ${added}` : ''}` +
          `${report.quarantined ? `; ${report.quarantined} records quarantined` : ''}` +
          `${retentionMs !== undefined ? `; retention pruned ${report.pruned} rows` : ''}\n`,
      );
    }
    return report.quarantined > 0 && report.events === 0 ? ExitCode.dataError : ExitCode.ok;
  },
};
