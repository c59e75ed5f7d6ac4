import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Diagnostic } from '../../diag/diagnostic.js';
import type { CorrelationAst, SigmaRuleAst } from '../../lang/sigma/ast.js';
import { condRefs } from '../../lang/sigma/condition.js';
import { globToRegExp } from '../../lang/sigma/parse-rule.js';
import { SIG } from '../../lang/sigma/codes.js';
import { parseSigmaText } from '../../lang/sigma/parse-rule.js';
import { sigmaTarget } from '../../views/sigma-fields.js';
import type { SigmaOptions } from './compile-rule.js';
import { SigmaCorrelationDetection } from './correlation-detection.js';
import { createSigmaLoader, looksLikeSigma } from './sigma-loader.js';
import { SigmaRuleDetection } from './sigma-detection.js';

export interface SigmaLintResult {
  readonly diagnostics: Diagnostic[];
  /** Sigma files read. */
  readonly files: number;
  /** Rules, correlations and filters that loaded. */
  readonly rules: number;
  readonly skipped: { readonly file: string; readonly reason: string }[];
}

/**
 * Lints Sigma rule files and directories (recursive): YAML and schema problems, unknown modifiers,
 * condition syntax, undefined selections, invalid level/status, bad regexes and CIDRs, fields the
 * log source's mapping does not know (errors with `strictFields`), and correlation / filter
 * references to rules that are not among the given files. Rules for other products are checked
 * for syntax only. Never throws on bad rules; unreadable paths are RUL001-style SIG diagnostics.
 * @example const { diagnostics } = await lintSigma(['rules/sigma/']);
 */
export async function lintSigma(
  paths: readonly string[],
  options: SigmaOptions = {},
): Promise<SigmaLintResult> {
  const loader = createSigmaLoader(options);
  const diagnostics: Diagnostic[] = [];
  const skipped: { file: string; reason: string }[] = [];
  let files = 0;
  let rules = 0;
  const correlations: CorrelationAst[] = [];
  for (const file of await collect(paths, diagnostics)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      diagnostics.push({
        code: SIG.yamlSyntax,
        severity: 'error',
        message: `cannot read: ${(e as Error).message}`,
        file,
      });
      continue;
    }
    if (!looksLikeSigma(text)) continue;
    files++;
    const r = loader.load(file, text);
    diagnostics.push(...r.diagnostics);
    skipped.push(...r.skipped);
    rules += r.detections.length;
    for (const d of r.detections) {
      if (d instanceof SigmaCorrelationDetection) correlations.push(d.ast);
      if (d instanceof SigmaRuleDetection) diagnostics.push(...unusedSelections(d.ast));
    }
    // Rules for other products were skipped by the loader: still report their syntax problems.
    for (const u of parseSigmaText(text, file).units) {
      const other =
        u.doc?.type !== 'correlation' &&
        u.doc?.type !== 'filter' &&
        Object.keys(u.logsource).length > 0 &&
        !sigmaTarget(u.logsource);
      if (other) diagnostics.push(...u.diagnostics);
    }
  }
  rules += loader.registry.filters.length;
  for (const c of correlations)
    for (const ref of c.rules)
      if (!loader.registry.lookup(ref.ref))
        diagnostics.push({
          code: SIG.unknownRuleRef,
          severity: 'error',
          message: `correlation '${c.meta.title}' references '${ref.ref}', which is not among the linted rules`,
          span: ref.span,
          file: c.origin.file,
          source: c.origin.source,
        });
  for (const f of loader.registry.filters)
    if (f.rules !== 'any')
      for (const ref of f.rules)
        if (!loader.registry.lookup(ref.ref))
          diagnostics.push({
            code: SIG.unknownRuleRef,
            severity: 'warning',
            message: `filter '${f.meta.title}' names '${ref.ref}', which is not among the linted rules`,
            span: ref.span,
            file: f.origin.file,
            source: f.origin.source,
          });
  return { diagnostics, files, rules, skipped };
}

async function collect(paths: readonly string[], diagnostics: Diagnostic[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string, explicit: boolean): Promise<void> => {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(p);
    } catch (e) {
      diagnostics.push({
        code: SIG.yamlSyntax,
        severity: 'error',
        message: `cannot read: ${(e as Error).message}`,
        file: p,
      });
      return;
    }
    if (st.isDirectory()) {
      for (const name of (await readdir(p)).sort())
        if (!name.startsWith('.')) await visit(join(p, name), false);
      return;
    }
    const ext = extname(p).toLowerCase();
    if (explicit || ext === '.yml' || ext === '.yaml') out.push(p);
  };
  for (const p of paths) await visit(p, true);
  return out;
}

/** Selections no condition uses (a typo in the condition usually leaves one behind). */
function unusedSelections(r: SigmaRuleAst): Diagnostic[] {
  const refs = new Set<string>();
  for (const c of r.conditions) if (c.cond) condRefs(c.cond, refs);
  const patterns = [...refs].map((x) => (x === '*' ? /^[^_]/ : globToRegExp(x)));
  const out: Diagnostic[] = [];
  for (const [name, sel] of r.selections)
    if (!patterns.some((p) => p.test(name)))
      out.push({
        code: SIG.unusedSelection,
        severity: 'warning',
        message: `selection '${name}' is not used by the condition`,
        span: sel.nameSpan,
        file: r.origin.file,
        source: r.origin.source,
      });
  return out;
}
