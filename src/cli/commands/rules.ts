import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { ruleAttack } from '../../alerts/rule-attack.js';
import { loadRules } from '../../detect/load-rules.js';
import { attackCoverage, coverageRows, navigatorLayer } from '../../detect/testing/coverage.js';
import type { SigmaOptions } from '../../detect/sigma/compile-rule.js';
import { configureSigmaLoader } from '../../detect/sigma/sigma-loader.js';
import { readSigmaMappingFile } from '../../detect/sigma/sigma-options.js';
import { lintRules } from '../../detect/testing/lint-rules.js';
import { type RuleTestReport, runRuleTests } from '../../detect/testing/run-rule-tests.js';
import { formatDiagnostic } from '../../diag/diagnostic.js';
import { type OutputFormat, outputFormat, parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';
import { ansi, renderCsv, renderTable, useColor } from '../table.js';
import { builtinRulesDir } from './scan.js';
import { ConvertUsageError, convertUsage, runConvert } from '../../convert/convert-cli.js';

const usage = `auditscope rules <test|lint|list|coverage|convert> [PATH]... [--rules PATH]... [--no-builtin] [--sigma-mapping FILE] [--output table|ndjson|csv] [--navigator FILE]

  test       run each rule's true-positive / true-negative samples (name.tests.yml beside the rule)
  lint       check metadata (ATT&CK ids, severity, guide, tests) and each language's own diagnostics
  list       list the rules with language, severity and ATT&CK techniques
  coverage   ATT&CK techniques covered; --navigator FILE writes an ATT&CK Navigator layer
  convert    convert rules between Sigma, Kusto (Sentinel) and Elastic:
${convertUsage.replace(/^/gm, '    ')}

--sigma-mapping FILE: a user Sigma field mapping (auditscope's format or a sigma-cli processing
pipeline), as for scan. PATH defaults to the built-in pack. Exit: 0 ok, 1 failed samples / lint errors, 2 usage, 3 rules did not load.`;

/** `auditscope rules`: test, lint, list and show ATT&CK coverage of rule packs of any language. */
export const command: Command = {
  summary: 'Test, lint, list rules and show their ATT&CK coverage',
  usage,
  async run(argv) {
    const { values, positionals } = parseVerbArgs(argv, {
      navigator: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      to: { type: 'string' },
      table: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      'elastic-language': { type: 'string' },
      'sigma-mapping': { type: 'string' },
    });
    const [sub, ...rest] = positionals;
    if (sub === 'convert') {
      const paths = [...rest, ...(values.rules ?? [])];
      if (paths.length === 0) paths.push(builtinRulesDir());
      try {
        return await runConvert(paths, values, process.stdout, process.stderr);
      } catch (e) {
        if (e instanceof ConvertUsageError) throw new UsageError(e.message);
        throw e;
      }
    }
    const output = outputFormat(values.output, 'table');
    const paths = [...rest, ...(values.rules ?? [])];
    if (paths.length === 0) {
      if (values['no-builtin']) throw new UsageError('no rules: give a PATH or --rules PATH');
      paths.push(builtinRulesDir());
    }
    const sigma = await sigmaOptions(values['sigma-mapping']);
    if (!sigma) return ExitCode.dataError;
    switch (sub) {
      case 'test':
        return test(paths, output, values.verbose === true);
      case 'lint':
        return lint(paths, output, sigma);
      case 'list':
        return list(paths, output);
      case 'coverage':
        return coverage(paths, output, values.navigator);
      default:
        throw new UsageError(
          sub ? `unknown subcommand '${sub}'` : 'missing subcommand (test, lint, list, coverage or convert)',
        );
    }
  },
};

/**
 * Configures the registered Sigma loader from `--sigma-mapping` (always, so an earlier call's
 * mapping does not stay); undefined when the file has errors (printed).
 */
async function sigmaOptions(file: string | undefined): Promise<SigmaOptions | undefined> {
  let sigma: SigmaOptions = {};
  if (file) {
    const r = await readSigmaMappingFile(file);
    for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (r.diagnostics.some((d) => d.severity === 'error')) return undefined;
    sigma = { mappings: r.mappings };
  }
  configureSigmaLoader(sigma);
  return sigma;
}

const show = (file: string): string => {
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
};

async function test(paths: string[], output: OutputFormat, verbose: boolean): Promise<number> {
  const report = await runRuleTests(paths);
  if (output !== 'table') {
    const rows = report.results.flatMap((r) =>
      r.cases.map((c) => ({
        rule: r.rules.map((m) => m.name).join(' | '),
        file: show(r.ruleFile),
        sample: c.name,
        format: c.format,
        expect: c.expect,
        got: c.got,
        pass: c.pass,
        why: c.why ?? '',
      })),
    );
    if (output === 'ndjson') for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    else
      process.stdout.write(
        renderCsv(
          ['rule', 'file', 'sample', 'format', 'expect', 'got', 'pass', 'why'],
          rows.map((r) => [r.rule, r.file, r.sample, r.format, r.expect, r.got, String(r.pass), r.why]),
        ),
      );
  } else process.stdout.write(renderTestReport(report, verbose, useColor(process.stdout)));
  for (const r of report.results)
    for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (report.results.some((r) => r.rules.length === 0)) return ExitCode.dataError;
  return report.failed > 0 ? 1 : ExitCode.ok;
}

/**
 * The human report of `rules test`: one line per rule (✓ or ✗ with counts), each failing sample
 * with its file:line, format and the reason, then a summary.
 * @example process.stdout.write(renderTestReport(await runRuleTests(['rules/']), false, false))
 */
export function renderTestReport(report: RuleTestReport, verbose: boolean, color: boolean): string {
  const ok = (s: string) => (color ? ansi.bold(s) : s);
  const bad = (s: string) => (color ? ansi.red(s) : s);
  let out = '';
  for (const r of report.results) {
    const failed = r.cases.filter((c) => !c.pass);
    const names = r.rules.map((m) => m.name).join(' | ') || '(not loaded)';
    const formats = [...new Set(r.cases.map((c) => c.format))].join(',');
    const mark = failed.length || r.rules.length === 0 ? bad('FAIL') : ok('ok  ');
    out += `${mark} ${names}  ${show(r.ruleFile)}  (${r.cases.length - failed.length}/${r.cases.length} samples; ${formats})\n`;
    for (const c of verbose ? r.cases : failed) {
      out += `     ${c.pass ? ok('pass') : bad('fail')} ${show(c.file)}:${c.line} [${c.format}] ${c.name}: expected ${c.expect}, got ${c.got}\n`;
      if (c.why) out += `          ${c.why}\n`;
    }
  }
  if (report.untested.length) out += `\nno samples: ${report.untested.map(show).join(', ')}\n`;
  out += `\n${report.results.length} rule files, ${report.passed} samples passed, ${report.failed} failed${
    report.untested.length ? `, ${report.untested.length} rule files without samples` : ''
  }\n`;
  return out;
}

async function lint(paths: string[], output: OutputFormat, sigma: SigmaOptions): Promise<number> {
  const report = await lintRules(paths, { sigma });
  if (output === 'ndjson')
    for (const d of report.diagnostics)
      process.stdout.write(`${JSON.stringify({ ...d, source: undefined })}\n`);
  else if (output === 'csv')
    process.stdout.write(
      renderCsv(
        ['file', 'severity', 'code', 'message'],
        report.diagnostics.map((d) => [d.file ?? '', d.severity, d.code, d.message]),
      ),
    );
  else {
    for (const d of report.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
    const count = (s: string) => report.diagnostics.filter((d) => d.severity === s).length;
    process.stdout.write(
      `${report.diagnostics.length ? '\n' : ''}${report.rules.length} rules checked: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes${
        report.skipped.length ? `; ${report.skipped.length} files skipped` : ''
      }\n`,
    );
  }
  return report.diagnostics.some((d) => d.severity === 'error') ? 1 : ExitCode.ok;
}

async function list(paths: string[], output: OutputFormat): Promise<number> {
  const loaded = await loadRules(paths);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const headers = ['language', 'severity', 'name', 'techniques', 'file'];
  const rows = loaded.detections.map((d) => [
    d.meta.language,
    d.meta.severity,
    d.meta.name,
    ruleAttack(d.meta).techniques.join(' '),
    d.meta.file ? `${show(d.meta.file)}${d.meta.line ? `:${d.meta.line}` : ''}` : '',
  ]);
  if (output === 'ndjson')
    for (const d of loaded.detections)
      process.stdout.write(`${JSON.stringify({ ...d.meta, techniques: ruleAttack(d.meta).techniques })}\n`);
  else if (output === 'csv') process.stdout.write(renderCsv(headers, rows));
  else process.stdout.write(`${renderTable(headers, rows)}\n${rows.length} rules\n`);
  return loaded.diagnostics.some((d) => d.severity === 'error') ? ExitCode.dataError : ExitCode.ok;
}

async function coverage(
  paths: string[],
  output: OutputFormat,
  navigator: string | undefined,
): Promise<number> {
  const loaded = await loadRules(paths);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const cells = attackCoverage(loaded.detections.map((d) => d.meta));
  if (navigator) {
    await writeFile(navigator, `${JSON.stringify(navigatorLayer(cells), null, 2)}\n`);
    process.stderr.write(`wrote ATT&CK Navigator layer (${cells.length} techniques) to ${navigator}\n`);
  }
  const rows = coverageRows(cells);
  const headers = ['tactic', 'technique', 'name', 'rules', 'names'];
  if (output === 'ndjson') for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
  else if (output === 'csv')
    process.stdout.write(
      renderCsv(
        headers,
        rows.map((r) => headers.map((h) => String(r[h]))),
      ),
    );
  else {
    process.stdout.write(
      renderTable(
        headers,
        rows.map((r) => headers.map((h) => String(r[h]))),
        { keepEnd: [4] },
      ),
    );
    const techniques = new Set(cells.map((c) => c.technique));
    const tactics = new Set(cells.map((c) => c.tactic));
    process.stdout.write(
      `\n${techniques.size} techniques across ${tactics.size} tactics, ${loaded.detections.length} rules\n`,
    );
  }
  return ExitCode.ok;
}
