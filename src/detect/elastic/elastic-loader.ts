import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { parseRuleToml } from '../../lang/elastic/parse-rule-toml.js';
import { type ExceptionLists, readExceptionListExport } from '../../lang/elastic/read-exceptions.js';
import type { ExceptionItem } from '../../lang/elastic/rule.js';
import type { LoadResult } from '../detection.js';
import type { RuleLoader } from '../load-rules.js';
import { buildElasticDetection } from './elastic-detection.js';

/**
 * Loads one Elastic detection-rules TOML file into at most one Detection. Unsupported rule types
 * (esql, machine_learning, threat_match, saved_query, lucene) are listed in `skipped` with the
 * reason, not reported as errors.
 * @example loadElasticRule('rules/x.toml', text).detections.length // 1
 */
export function loadElasticRule(file: string, text: string, lists: ExceptionLists = configured): LoadResult {
  const { rule, diagnostics } = parseRuleToml(file, text, lists);
  if (!rule || diagnostics.some((d) => d.severity === 'error'))
    return { detections: [], diagnostics, skipped: [] };
  const b = buildElasticDetection(rule, text);
  return {
    detections: b.detection ? [b.detection] : [],
    diagnostics: [...diagnostics, ...b.diagnostics],
    skipped: b.skipped ? [{ file, reason: `${rule.name}: ${b.skipped}` }] : [],
  };
}

let configured: ExceptionLists = new Map();

/**
 * Reads Kibana exception-list exports (NDJSON, see `readExceptionListExport`) into one set of
 * lists by `list_id`; a list in several files gathers the items of all of them.
 * @example const { lists } = readExceptionListFiles(['exceptions.ndjson'])
 */
export function readExceptionListFiles(files: readonly string[]): {
  lists: Map<string, ExceptionItem[]>;
  diagnostics: Diagnostic[];
} {
  const lists = new Map<string, ExceptionItem[]>();
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      diagnostics.push({
        code: 'ELA013',
        severity: 'error',
        message: `cannot read exception-list file: ${(e as Error).message}`,
        file,
      });
      continue;
    }
    const r = readExceptionListExport(file, text);
    diagnostics.push(...r.diagnostics);
    for (const [id, items] of r.lists) lists.set(id, [...(lists.get(id) ?? []), ...items]);
  }
  return { lists, diagnostics };
}

/**
 * Sets the exception lists that `[[rule.exceptions_list]]` references resolve to for every Elastic
 * rule loaded afterwards (the scan's exception-list option; empty by default). Returns the
 * problems found reading the files. The `AUDITSCOPE_ELASTIC_EXCEPTIONS` environment variable
 * (paths separated by the platform's path delimiter) is read the same way when this is not called.
 * @example configureElasticExceptions(['exceptions.ndjson'])
 */
export function configureElasticExceptions(files: readonly string[]): Diagnostic[] {
  const r = readExceptionListFiles(files);
  configured = r.lists;
  envRead = true;
  return r.diagnostics;
}

let envRead = false;
function fromEnvironment(): void {
  if (envRead) return;
  envRead = true;
  const v = process.env.AUDITSCOPE_ELASTIC_EXCEPTIONS;
  if (!v) return;
  const sep = process.platform === 'win32' ? ';' : ':';
  configured = readExceptionListFiles(v.split(sep).filter(Boolean)).lists;
}

/**
 * The `RuleLoader` for Elastic detection-rules TOML files (a `.toml` file with a `[rule]` table).
 * @example elasticLoader.accepts('x.toml', '[rule]\nname = "x"') // true
 */
export const elasticLoader: RuleLoader = {
  language: 'elastic',
  accepts: (file, text) => extname(file).toLowerCase() === '.toml' && /^\s*\[rule\]\s*$/m.test(text),
  load: (file, text) => {
    fromEnvironment();
    return loadElasticRule(file, text);
  },
};
