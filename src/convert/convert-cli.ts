import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type ConvertOptions, type ConvertTarget, convertPaths, parseKustoTable } from './convert-rules.js';
import type { ElasticLanguage } from './elastic-emit.js';
import { KUSTO_TABLES } from './kusto-fields.js';

/** Flags of `auditscope rules convert` (parsed by the rules verb). */
export interface ConvertFlags {
  readonly to?: string;
  readonly table?: string;
  readonly out?: string;
  readonly format?: string;
  readonly 'elastic-language'?: string;
  readonly output?: string;
}

export const convertUsage = `auditscope rules convert PATH... --to kusto|elastic|sigma [--table ${KUSTO_TABLES.join('|')}] [--format rule|query] [--elastic-language auto|kuery|eql] [--out DIR] [--output table|ndjson]

  Sigma -> kusto (Sentinel analytic-rule YAML over CloudAuditEvents, AKSAudit, ...; Activity Log rules over AzureActivity)
  Sigma -> elastic (detection-rules TOML over ECS kubernetes.audit_logs / azure.activitylogs; EQL when case-insensitive
           matching needs it, as the Kibana query language is case-sensitive on keyword fields)
  Elastic query/EQL rules -> sigma
  Without --out the converted rules are printed; rules that cannot be converted are listed with their reasons.
  Exit: 0 every rule converted, 1 some could not be, 2 usage.`;

const show = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
};

/** A usage problem in the flags (the caller turns it into its UsageError). */
export class ConvertUsageError extends Error {}

/**
 * Runs `rules convert`: converts, writes or prints, reports what was not converted. Returns the exit code.
 * @example await runConvert(['rules/sigma'], { to: 'kusto', out: 'out/' }, process.stdout, process.stderr)
 */
export async function runConvert(
  paths: readonly string[],
  flags: ConvertFlags,
  stdout: { write(s: string): unknown },
  stderr: { write(s: string): unknown },
): Promise<number> {
  const to = flags.to;
  if (to !== 'kusto' && to !== 'elastic' && to !== 'sigma')
    throw new ConvertUsageError(`--to must be kusto, elastic or sigma${to ? ` (got '${to}')` : ''}`);
  const table = flags.table === undefined ? undefined : parseKustoTable(flags.table);
  if (flags.table !== undefined && !table)
    throw new ConvertUsageError(`--table must be one of ${KUSTO_TABLES.join(', ')} (got '${flags.table}')`);
  const format = flags.format ?? 'rule';
  if (format !== 'rule' && format !== 'query') throw new ConvertUsageError(`--format must be rule or query`);
  const lang = flags['elastic-language'] ?? 'auto';
  if (lang !== 'auto' && lang !== 'kuery' && lang !== 'eql')
    throw new ConvertUsageError('--elastic-language must be auto, kuery or eql');
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    stderr.write(missing.map((p) => `${p}: no such file or directory\n`).join(''));
    return 3;
  }
  const opts: ConvertOptions = {
    to: to as ConvertTarget,
    ...(table ? { table } : {}),
    format,
    elasticLanguage: lang as ElasticLanguage | 'auto',
  };
  const { results, skipped } = await convertPaths(paths, opts);
  if (flags.out) await mkdir(flags.out, { recursive: true });
  const used = new Set<string>();
  for (const r of results) {
    if (flags.output === 'ndjson') {
      stdout.write(
        `${JSON.stringify(r.ok ? { file: show(r.file), title: r.title, converted: true, target: r.target, query: r.query, notes: r.notes } : { file: show(r.file), title: r.title, converted: false, reasons: r.reasons })}\n`,
      );
    }
    if (!r.ok) continue;
    if (flags.out) {
      let name = r.outName;
      for (let i = 2; used.has(name); i++) name = r.outName.replace(/(\.[a-z]+)$/, `-${i}$1`);
      used.add(name);
      await writeFile(join(flags.out, name), r.text);
    } else if (flags.output !== 'ndjson')
      stdout.write(`# ${show(r.file)} -> ${r.target}\n${r.text}${r.text.endsWith('\n') ? '' : '\n'}\n`);
  }
  const ok = results.filter((r) => r.ok);
  const bad = results.filter((r) => !r.ok);
  if (flags.output !== 'ndjson') {
    for (const r of ok) for (const n of r.notes) stderr.write(`note: ${show(r.file)}: ${n}\n`);
    for (const r of bad) {
      stderr.write(`not converted: ${show(r.file)} (${r.title})\n`);
      for (const why of r.reasons) stderr.write(`  - ${why}\n`);
    }
    const targets = new Map<string, number>();
    for (const r of ok) targets.set(r.target, (targets.get(r.target) ?? 0) + 1);
    stderr.write(
      `converted ${ok.length} of ${results.length} rules (${
        [...targets]
          .sort()
          .map(([t, n]) => `${n} ${t}`)
          .join(', ') || 'none'
      })` +
        `${bad.length ? `; ${bad.length} not converted` : ''}` +
        `${skipped.length ? `; ${skipped.length} files skipped (not ${to === 'sigma' ? 'Elastic TOML' : 'Sigma'})` : ''}` +
        `${flags.out ? `; written to ${flags.out}` : ''}\n`,
    );
  }
  return bad.length ? 1 : 0;
}
