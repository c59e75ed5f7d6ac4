import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../diag/diagnostic.js';
import { sigmaThreats } from '../detect/sigma/attack-tags.js';
import { looksLikeSigma } from '../detect/sigma/sigma-loader.js';
import type { Expr } from '../ir/expr.js';
import { parseEql } from '../lang/eql/parse-eql.js';
import { lowerEqlEvent } from '../lang/eql/lower-eql.js';
import { parseRuleToml } from '../lang/elastic/parse-rule-toml.js';
import { lowerKuery } from '../lang/kibana/lower-kuery.js';
import { parseKuery } from '../lang/kibana/parse-kuery.js';
import type { SigmaRuleAst } from '../lang/sigma/ast.js';
import { lowerDetection } from '../lang/sigma/lower.js';
import { Diags, parseSigmaText } from '../lang/sigma/parse-rule.js';
import { sigmaTarget } from '../views/sigma-fields.js';
import { type EcsDatasetName, type ElasticLanguage, emitElastic } from './elastic-emit.js';
import { emitKusto } from './kusto-emit.js';
import { KUSTO_TABLES, type KustoTable } from './kusto-fields.js';
import {
  derivedId,
  elasticRuleToml,
  sentinelRuleYaml,
  sigmaRuleYaml,
  sigmaTagsOfThreats,
} from './rule-documents.js';
import { emitSigmaDetection } from './sigma-emit.js';
import { sourceField } from './source-fields.js';

export type ConvertTarget = 'kusto' | 'elastic' | 'sigma';

export interface ConvertOptions {
  readonly to: ConvertTarget;
  /** Kusto table (default: CloudAuditEvents for Kubernetes rules, AzureActivity for Activity Log rules). */
  readonly table?: KustoTable;
  /** `rule` (Sentinel YAML / Elastic TOML, the default) or the bare `query`. */
  readonly format?: 'rule' | 'query';
  /** Elastic query language: auto (kuery when exact, else EQL), or forced. */
  readonly elasticLanguage?: ElasticLanguage | 'auto';
  /** Creation date written into new rules (YYYY-MM-DD); default today. */
  readonly today?: string;
}

/** One source rule converted: the rule file text and the query on its own. */
export interface Converted {
  readonly ok: true;
  readonly file: string;
  readonly title: string;
  /** The target: `kusto:CloudAuditEvents`, `elastic:eql`, `sigma`. */
  readonly target: string;
  readonly query: string;
  /** The output document (rule file, or the query with `format: 'query'`). */
  readonly text: string;
  /** Suggested output file name. */
  readonly outName: string;
  /** What the reader should know (language switch, scope of the table). */
  readonly notes: readonly string[];
  /** The source rule's IR, for differential tests. */
  readonly source:
    | { readonly kind: 'sigma'; readonly rule: SigmaRuleAst }
    | { readonly kind: 'elastic'; readonly expr: Expr; readonly dataset: EcsDatasetName };
}

/** A rule that was not converted, with every reason. */
export interface NotConverted {
  readonly ok: false;
  readonly file: string;
  readonly title: string;
  readonly reasons: readonly string[];
}

export type ConvertResult = Converted | NotConverted;

const stem = (file: string): string => basename(file).replace(/\.(ya?ml|toml)$/i, '');

/**
 * Converts every rule of a file's text. Never throws on user input: a rule that cannot be
 * converted comes back as `NotConverted` with its reasons.
 * @example convertText(text, 'rules/x.yml', { to: 'kusto' })
 */
export function convertText(text: string, file: string, opts: ConvertOptions): ConvertResult[] {
  if (/\.toml$/i.test(file)) return [convertElasticText(text, file, opts)];
  if (!looksLikeSigma(text))
    return [
      { ok: false, file, title: basename(file), reasons: ['not a Sigma rule or an Elastic TOML rule'] },
    ];
  const p = parseSigmaText(text, file);
  if (p.units.length === 0)
    return [
      {
        ok: false,
        file,
        title: basename(file),
        reasons: p.diagnostics.map(diagText).concat(p.diagnostics.length ? [] : ['no Sigma document']),
      },
    ];
  const out: ConvertResult[] = [];
  for (const u of p.units) {
    const doc = u.doc;
    const errors = u.diagnostics.filter((d) => d.severity === 'error');
    if (!doc || errors.length) {
      out.push({ ok: false, file, title: basename(file), reasons: errors.map(diagText) });
      continue;
    }
    if (doc.type !== 'rule') {
      out.push({
        ok: false,
        file,
        title: doc.meta.title,
        reasons: [`Sigma ${doc.type} rules are not converted (only single-event detections)`],
      });
      continue;
    }
    out.push(
      convertSigmaRule(doc, file, opts, p.units.length > 1 ? `${stem(file)}-${out.length + 1}` : stem(file)),
    );
  }
  return out;
}

function diagText(d: Diagnostic): string {
  return `${d.code}: ${d.message}`;
}

function convertSigmaRule(
  rule: SigmaRuleAst,
  file: string,
  opts: ConvertOptions,
  name: string,
): ConvertResult {
  const title = rule.meta.title;
  const fail = (reasons: string[]): NotConverted => ({
    ok: false,
    file,
    title,
    reasons: [...new Set(reasons)],
  });
  const target = sigmaTarget(rule.logsource);
  if (opts.to === 'sigma') return fail(['the rule is already Sigma']);
  if (target !== 'kubernetes/audit' && target !== 'azure/activitylogs')
    return fail([
      target === 'gcp/gcp.audit'
        ? 'GCP audit rules (gcp.audit.*) have no table in the Kusto views or ECS datasets auditscope emulates'
        : `log source ${JSON.stringify(rule.logsource)} is not converted`,
    ]);
  const diags: Diagnostic[] = [];
  const expr = lowerDetection(rule.selections, rule.conditions, new Diags(diags, file, rule.origin.source));
  const errs = diags.filter((d) => d.severity === 'error');
  if (!expr || errs.length) return fail(errs.length ? errs.map(diagText) : ['the condition did not parse']);
  const field = (f: string) => sourceField(rule.logsource, f);
  const threats = sigmaThreats(rule.meta.tags);
  const product = target === 'kubernetes/audit' ? 'kubernetes' : 'azure';
  const source = { kind: 'sigma' as const, rule };
  if (opts.to === 'kusto') {
    const notes: string[] = [];
    let table: KustoTable = opts.table ?? (product === 'kubernetes' ? 'CloudAuditEvents' : 'AzureActivity');
    if (product === 'azure' && table !== 'AzureActivity') {
      notes.push(`Activity Log rule written for AzureActivity (not ${table})`);
      table = 'AzureActivity';
    }
    const r = emitKusto(expr, table, field, product);
    if (r.problems.length) return fail([...r.problems]);
    if (table !== 'CloudAuditEvents' && product === 'kubernetes')
      notes.push(
        `${table} holds only ${table.startsWith('Arc') ? 'Arc-enabled' : 'AKS'} audit events; the Sigma rule applies to every cluster's audit log`,
      );
    const text =
      opts.format === 'query'
        ? `${r.query}\n`
        : sentinelRuleYaml({ meta: rule.meta, threats, query: r.query, table, source: file });
    return {
      ok: true,
      file,
      title,
      target: `kusto:${table}`,
      query: r.query,
      text,
      outName: `${name}.${opts.format === 'query' ? 'kql' : 'yaml'}`,
      notes,
      source,
    };
  }
  const dataset: EcsDatasetName = product === 'kubernetes' ? 'kubernetes.audit_logs' : 'azure.activitylogs';
  const r = emitElastic(expr, opts.elasticLanguage ?? 'auto', field, dataset);
  if (r.problems.length) return fail([...r.problems]);
  const index =
    product === 'kubernetes' ? ['logs-kubernetes.audit_logs-*'] : ['logs-azure.activitylogs-*', 'filebeat-*'];
  const today = opts.today ?? new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const text =
    opts.format === 'query'
      ? `${r.query}\n`
      : elasticRuleToml(
          { meta: rule.meta, threats, query: r.query, language: r.language, index, source: file },
          today,
        );
  return {
    ok: true,
    file,
    title,
    target: `elastic:${r.language}`,
    query: r.query,
    text,
    outName: `${name}.${opts.format === 'query' ? (r.language === 'eql' ? 'eql' : 'kuery') : 'toml'}`,
    notes: [...r.notes],
    source,
  };
}

function datasetOf(index: readonly string[], expr: Expr): EcsDatasetName | undefined {
  const text = JSON.stringify(expr);
  const all = index.join(',') + text;
  if (/kubernetes\.audit_logs/.test(all)) return 'kubernetes.audit_logs';
  if (/azure\.activitylogs|azure\.activity/.test(all)) return 'azure.activitylogs';
  return undefined;
}

function convertElasticText(text: string, file: string, opts: ConvertOptions): ConvertResult {
  const { rule, diagnostics } = parseRuleToml(file, text);
  const errs = diagnostics.filter((d) => d.severity === 'error');
  if (!rule || errs.length) return { ok: false, file, title: basename(file), reasons: errs.map(diagText) };
  const title = rule.name;
  const fail = (reasons: string[]): NotConverted => ({
    ok: false,
    file,
    title,
    reasons: [...new Set(reasons)],
  });
  if (opts.to !== 'sigma') return fail([`Elastic rules are converted to Sigma only (asked for ${opts.to})`]);
  if (rule.type !== 'query' && rule.type !== 'eql')
    return fail([
      `${rule.type} rules aggregate or correlate events; Sigma single-event rules cannot express them`,
    ]);
  if (rule.exceptionsList.length)
    return fail(['the rule has exception lists, which live outside the rule file']);
  let expr: Expr;
  if (rule.language === 'eql') {
    const p = parseEql(rule.query ?? '');
    if (!p.ast || p.diagnostics.some((d) => d.severity === 'error')) return fail(p.diagnostics.map(diagText));
    if (p.ast.kind !== 'Event')
      return fail(['EQL sequences correlate several events; Sigma single-event rules cannot express them']);
    const l = lowerEqlEvent(p.ast.event);
    if (l.diagnostics.some((d) => d.severity === 'error')) return fail(l.diagnostics.map(diagText));
    expr = l.expr;
  } else if (rule.language === 'kuery' || rule.language === undefined) {
    const p = parseKuery(rule.query ?? '');
    if (p.diagnostics.some((d) => d.severity === 'error')) return fail(p.diagnostics.map(diagText));
    const l = lowerKuery(p.ast);
    if (l.diagnostics.some((d) => d.severity === 'error')) return fail(l.diagnostics.map(diagText));
    expr = l.expr;
  } else return fail([`${rule.language} queries are not converted to Sigma`]);
  const dataset = datasetOf(rule.index, expr);
  if (!dataset)
    return fail([
      'neither the index patterns nor the query name a dataset auditscope maps to a Sigma log source',
    ]);
  const s = emitSigmaDetection(expr, dataset);
  if (s.problems.length) return fail([...s.problems]);
  const logsource =
    dataset === 'kubernetes.audit_logs'
      ? { product: 'kubernetes', service: 'audit' }
      : { product: 'azure', service: 'activitylogs' };
  const today = opts.today ?? new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const level = rule.severity === 'critical' ? 'critical' : rule.severity;
  const text2 = sigmaRuleYaml({
    title,
    id: /^[0-9a-f-]{36}$/i.test(rule.ruleId) ? rule.ruleId : derivedId(rule.ruleId),
    description: rule.description.trim(),
    author: rule.author,
    references: rule.references,
    falsepositives: rule.falsePositives,
    level,
    tags: sigmaTagsOfThreats(rule.threat),
    logsource,
    detection: s.detection,
    source: file,
    date: today,
  });
  return {
    ok: true,
    file,
    title,
    target: 'sigma',
    query: JSON.stringify(s.detection),
    text: text2,
    outName: `${stem(file)}.yml`,
    notes: ["Elasticsearch keyword matching is case-sensitive: string tests carry '|cased'"],
    source: { kind: 'elastic', expr, dataset },
  };
}

/** Rule files under the given paths (directories walked; `*.tests.yml` samples skipped). */
export async function ruleFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const n of (await readdir(p)).sort()) await walk(join(p, n));
      return;
    }
    if (/\.tests\.ya?ml$/i.test(p)) return;
    if (/\.(ya?ml|toml)$/i.test(p)) out.push(p);
  };
  for (const p of paths) await walk(p);
  return out;
}

/** The results of a conversion run, plus the files that are not in the source language of the target. */
export interface ConvertRun {
  readonly results: ConvertResult[];
  /** Files skipped: a Sentinel/Kusto rule, an Elastic rule when converting to Kusto, ... */
  readonly skipped: string[];
}

/**
 * Converts every rule file under the paths: Sigma files to Kusto or Elastic, Elastic TOML files
 * to Sigma; other files are listed as skipped.
 * @example const { results } = await convertPaths(['rules/sigma'], { to: 'kusto', table: 'AKSAudit' });
 */
export async function convertPaths(paths: readonly string[], opts: ConvertOptions): Promise<ConvertRun> {
  const results: ConvertResult[] = [];
  const skipped: string[] = [];
  for (const f of await ruleFiles(paths)) {
    const text = await readFile(f, 'utf8');
    const isToml = /\.toml$/i.test(f);
    if (opts.to === 'sigma' ? !isToml : isToml || !looksLikeSigma(text)) {
      skipped.push(f);
      continue;
    }
    results.push(...convertText(text, f, opts));
  }
  return { results, skipped };
}

/** Parses a `--table` value. */
export function parseKustoTable(s: string): KustoTable | undefined {
  return (KUSTO_TABLES as readonly string[]).includes(s) ? (s as KustoTable) : undefined;
}
