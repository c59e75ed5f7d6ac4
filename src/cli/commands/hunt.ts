import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { huntFiles } from '../../detect/kusto/hunt.js';
import { type Diagnostic, formatDiagnostic, hasErrors } from '../../diag/diagnostic.js';
import { timespanText, toText } from '../../engine/kusto/values.js';
import type { ColumnDef } from '../../ir/query.js';
import { outputFormat, parseNow, parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { renderCsv, renderTable } from '../table.js';

/**
 * `auditscope hunt`: run a KQL query over audit logs (in memory, through the table views) or over a
 * DuckDB store (`--db`). `--now` pins now()/ago() so hunts over old evidence are reproducible.
 */
export const command: Command = {
  summary: 'Hunt with a KQL (Kusto) query over audit logs or a --db store (AKSAudit, CloudAuditEvents, ...)',
  usage:
    'auditscope hunt (--query TEXT | --file F.kql | --saved NAME) [PATH|-]... [--db FILE] [--now ISO-TIME] [--output table|ndjson|csv] [--quarantine FILE] [--explain] [--quiet]',
  run,
};

/**
 * Text of one cell: datetimes ISO, timespans `d.hh:mm:ss`, null empty, a dynamic holding a plain
 * string (or number, bool) as its bare text, as the Defender results grid shows it (`priv-shell`,
 * not `"priv-shell"`), dynamic objects and arrays as JSON.
 * @example cellText('priv-shell', 'dynamic') === 'priv-shell'
 */
export function cellText(v: unknown, type: ColumnDef['type']): string {
  if (v === null || v === undefined) return '';
  if (type === 'timespan' && typeof v === 'number') return timespanText(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  return toText(v, type);
}

/** A row as a JSON object for ndjson: datetimes ISO, timespans as KQL text, dynamic as-is. */
export function jsonRow(
  row: Readonly<Record<string, unknown>>,
  columns: readonly ColumnDef[],
): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.name];
    if (v instanceof Date) o[c.name] = Number.isNaN(v.getTime()) ? null : v.toISOString();
    else if (c.type === 'timespan' && typeof v === 'number') o[c.name] = timespanText(v);
    else if (typeof v === 'bigint') o[c.name] = Number(v);
    else o[c.name] = v ?? null;
  }
  return o;
}

/** Length of the header line renderCsv writes (to cut it from single-row renders). */
const csvHeaderLength = (headers: readonly string[]): number => renderCsv(headers, []).length;

function printDiagnostics(ds: readonly Diagnostic[], quiet: boolean): void {
  for (const d of ds) if (!quiet || d.severity === 'error') process.stderr.write(`${formatDiagnostic(d)}\n`);
}

async function run(argv: string[]): Promise<number> {
  const started = performance.now();
  const { values, positionals } = parseVerbArgs(argv, {
    query: { type: 'string', short: 'e' },
    file: { type: 'string', short: 'f' },
    saved: { type: 'string' },
    explain: { type: 'boolean' },
  });
  const output = outputFormat(values.output, 'table');
  const now = parseNow(values.now) ?? Date.now();
  const quiet = values.quiet === true;
  const given = [values.query, values.file, values.saved].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw new UsageError('give the query with exactly one of --query TEXT, --file F.kql or --saved NAME');
  let query: string;
  let file: string | undefined;
  if (values.saved !== undefined) {
    const { builtinRulesDir } = await import('./scan.js');
    const name = values.saved.replace(/\.kql$/i, '');
    if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--saved: not a hunt name: '${values.saved}'`);
    file = join(builtinRulesDir(), 'hunts', `${name}.kql`);
    try {
      query = await readFile(file, 'utf8');
    } catch {
      const names = await readdir(join(builtinRulesDir(), 'hunts')).catch(() => [] as string[]);
      const known = names.filter((n) => n.endsWith('.kql')).map((n) => n.slice(0, -4));
      throw new UsageError(`--saved: no saved hunt '${name}' (known: ${known.join(', ') || 'none'})`);
    }
  } else if (values.file !== undefined) {
    file = values.file;
    try {
      query = await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--file: cannot read '${file}': ${(e as Error).message}`);
    }
  } else query = values.query ?? '';
  const opts = { now, ...(file ? { file } : {}) };

  let columns: readonly ColumnDef[] = [];
  let rows: readonly Record<string, unknown>[] = [];
  let diagnostics: readonly Diagnostic[];
  let render: string | undefined;
  if (values.db !== undefined) {
    if (positionals.length) throw new UsageError('give either input PATHs or --db FILE, not both');
    const { huntOnStore } = await import('../../store/hunt.js');
    const r = await huntOnStore(values.db, query, { ...opts, ...(values.explain ? { explain: true } : {}) });
    diagnostics = r.diagnostics;
    if (values.explain) {
      printDiagnostics(diagnostics, quiet);
      for (const n of r.notes) process.stderr.write(`auditscope hunt: ${n}\n`);
      if (r.sql) process.stdout.write(`${r.sql}\n`);
      return hasErrors(diagnostics) ? ExitCode.dataError : ExitCode.ok;
    }
    columns = r.columns;
    rows = r.rows;
    if (!quiet) for (const n of r.notes) process.stderr.write(`auditscope hunt: ${n}\n`);
  } else if (values.explain) {
    // the lowered tabular IR (what the evaluator and the SQL compiler run), without source spans
    const { parseKusto } = await import('../../lang/kusto/parse-kusto.js');
    const { kustoSchemas } = await import('../../detect/kusto/catalog.js');
    const p = parseKusto(query, kustoSchemas(), file ? { file } : {});
    printDiagnostics(p.diagnostics, quiet);
    if (p.program)
      process.stdout.write(`${JSON.stringify(p.program, (k, v) => (k === 'span' ? undefined : v), 2)}\n`);
    return hasErrors(p.diagnostics) ? ExitCode.dataError : ExitCode.ok;
  } else {
    const inputs = positionals.length ? positionals : process.stdin.isTTY ? [] : ['-'];
    if (!inputs.length) throw new UsageError('no input: give files, directories, - for stdin, or --db FILE');
    // streamed: events are never held, only the rows that pass the query's leading filters
    // (detect/kusto/stream-tables.ts); bad records are never dropped silently: echoed (first few)
    // and kept in --quarantine FILE
    const { quarantineReporter } = await import('./scan.js');
    const qr = quarantineReporter(values.quarantine, quiet);
    const r = await huntFiles(query, inputs, { ...opts, quarantine: (q) => qr.report(q) });
    await qr.close();
    // the same request delivered twice (kube-audit + kube-audit-admin, two exports) is one row, as
    // in Defender's CloudAuditEvents
    if (r.duplicates && !quiet)
      process.stderr.write(
        `auditscope hunt: ${r.duplicates} duplicate record${r.duplicates === 1 ? '' : 's'} of the same requests ignored\n`,
      );
    diagnostics = r.diagnostics;
    if (r.result) {
      columns = r.result.columns;
      rows = r.result.rows;
      render = r.result.render?.chart;
    }
  }
  printDiagnostics(diagnostics, quiet);
  if (hasErrors(diagnostics)) return ExitCode.dataError;

  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  if (output === 'ndjson' || output === 'csv') {
    // written in chunks, waiting for the pipe to drain: a large result never becomes one string
    const headers = columns.map((c) => c.name);
    const cut = csvHeaderLength(headers);
    const line =
      output === 'ndjson'
        ? (r: Readonly<Record<string, unknown>>) => JSON.stringify(jsonRow(r, columns))
        : (r: Readonly<Record<string, unknown>>) =>
            renderCsv(headers, [columns.map((c) => cellText(r[c.name], c.type))]).slice(cut);
    let out = output === 'csv' ? renderCsv(headers, []) : '';
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as Readonly<Record<string, unknown>>;
      out += output === 'ndjson' ? `${line(r)}\n` : line(r);
      if (out.length >= 1 << 20 || i === rows.length - 1) {
        const more = process.stdout.write(out);
        out = '';
        if (!more) await once(process.stdout, 'drain');
      }
    }
    if (out) process.stdout.write(out);
  } else {
    const cells = rows.map((r) => columns.map((c) => cellText(r[c.name], c.type)));
    const headers = columns.map((c) => `${c.name}:${c.type}`);
    process.stdout.write(renderTable(headers, cells, { maxWidth: 48 }));
    const ms = Math.round(performance.now() - started);
    const hint = render ? ` (render ${render}: shown as a table)` : '';
    process.stdout.write(`\n${rows.length} row${rows.length === 1 ? '' : 's'} in ${ms} ms${hint}\n`);
  }
  return ExitCode.ok;
}
