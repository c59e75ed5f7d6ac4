import { existsSync } from 'node:fs';
import { storeInfo } from '../../store/info.js';
import { outputFormat, parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { renderCsv, renderTable } from '../table.js';

const human = (n: number): string =>
  n >= 1 << 30
    ? `${(n / (1 << 30)).toFixed(1)} GiB`
    : n >= 1 << 20
      ? `${(n / (1 << 20)).toFixed(1)} MiB`
      : `${(n / 1024).toFixed(1)} KiB`;

export const command: Command = {
  summary: 'inspect a DuckDB store: rows and time range per table, file size',
  usage: 'auditscope db info --db FILE [--output table|ndjson|csv]',
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, {});
    const [sub] = positionals;
    if (sub !== 'info') throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'give a subcommand: info');
    if (!values.db) throw new UsageError('--db FILE is required');
    if (!existsSync(values.db)) {
      process.stderr.write(`auditscope db: no store at ${values.db}\n`);
      return ExitCode.dataError;
    }
    const fmt = outputFormat(values.output);
    const info = await storeInfo(values.db);
    if (fmt === 'ndjson') {
      process.stdout.write(`${JSON.stringify(info)}\n`);
      return ExitCode.ok;
    }
    const headers = ['TABLE', 'ROWS', 'FROM', 'TO'];
    const rows = info.tables.map((t) => [t.name, String(t.rows), t.from ?? '', t.to ?? '']);
    if (fmt === 'csv') {
      process.stdout.write(renderCsv(headers, rows));
      return ExitCode.ok;
    }
    process.stdout.write(
      `store ${info.path}: ${human(info.bytes)}, ${info.events} events from ${info.files} files` +
        `${info.from ? `, ${info.from} .. ${info.to}` : ''}\n\n`,
    );
    process.stdout.write(renderTable(headers, rows));
    return ExitCode.ok;
  },
};
