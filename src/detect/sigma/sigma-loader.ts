import { extname } from 'node:path';
import type { Diagnostic } from '../../diag/diagnostic.js';
import type { SigmaDoc } from '../../lang/sigma/ast.js';
import { SIG } from '../../lang/sigma/codes.js';
import { parseSigmaText } from '../../lang/sigma/parse-rule.js';
import { sigmaTarget } from '../../views/sigma-fields.js';
import type { Detection, LoadResult } from '../detection.js';
import type { RuleLoader } from '../load-rules.js';
import { compileSigmaDetection, SigmaCompileContext, type SigmaOptions } from './compile-rule.js';
import { SigmaCorrelationDetection } from './correlation-detection.js';
import { SigmaRegistry } from './registry.js';
import { SigmaRuleDetection } from './sigma-detection.js';

/**
 * True when a YAML text looks like Sigma: a `title` and a `detection`, `correlation` or `filter`
 * block at the top level. Sentinel analytic rules (`query:` with `queryFrequency:`) are not Sigma.
 * @example looksLikeSigma('title: x\nlogsource: {}\ndetection: {}\n') === true
 */
export function looksLikeSigma(text: string): boolean {
  if (/^queryFrequency\s*:/m.test(text) && /^query\s*:/m.test(text)) return false;
  return /^title\s*:/m.test(text) && /^(detection|correlation|filter)\s*:/m.test(text);
}

export interface SigmaLoader extends RuleLoader {
  readonly registry: SigmaRegistry;
  readonly context: SigmaCompileContext;
  /** Loads Sigma YAML text (one file, any number of documents). */
  load(file: string, text: string): LoadResult;
}

/**
 * A Sigma RuleLoader with its own registry (references between files resolve within one loader).
 * Rules for log sources auditscope does not read are skipped with a reason; rules with errors are
 * skipped and their diagnostics returned; nothing throws on a bad rule.
 * @example const loader = createSigmaLoader({ placeholders: { admins: ['alice'] } });
 * const { detections } = loader.load('r.yml', text);
 */
export function createSigmaLoader(options: SigmaOptions = {}): SigmaLoader {
  const registry = new SigmaRegistry();
  const context = new SigmaCompileContext(options);
  const byRef = new Map<string, SigmaRuleDetection | SigmaCorrelationDetection>();
  const detectionOf = (ref: string) => byRef.get(ref);
  const tolerance = options.outOfOrderToleranceMs ?? 5 * 60_000;
  const ids = new Map<string, string>();

  const load = (file: string, text: string): LoadResult => {
    const detections: Detection[] = [];
    const diagnostics: Diagnostic[] = [];
    const skipped: { file: string; reason: string }[] = [];
    const parsed = parseSigmaText(text, file);
    // File-level problems (YAML syntax, collection misuse) are always reported.
    const unitDiags = new Set(parsed.units.flatMap((u) => u.diagnostics));
    diagnostics.push(...parsed.diagnostics.filter((d) => !unitDiags.has(d)));
    for (const u of parsed.units) {
      const ls = u.logsource;
      const isCorrOrFilter = u.doc?.type === 'correlation' || u.doc?.type === 'filter';
      if (!isCorrOrFilter && Object.keys(ls).length > 0 && !sigmaTarget(ls)) {
        skipped.push({ file, reason: otherProduct(ls) });
        continue;
      }
      diagnostics.push(...u.diagnostics);
      const doc = u.doc;
      if (!doc) {
        skipped.push({
          file,
          reason: `rule has errors (${u.diagnostics.filter((d) => d.severity === 'error').length})`,
        });
        continue;
      }
      const r = loadDoc(doc, file);
      if (r.detection) detections.push(r.detection);
      diagnostics.push(...r.diagnostics);
      if (r.skipped) skipped.push({ file, reason: r.skipped });
    }
    return { detections, diagnostics, skipped };
  };

  const loadDoc = (
    doc: SigmaDoc,
    file: string,
  ): { detection?: Detection; diagnostics: Diagnostic[]; skipped?: string } => {
    const diagnostics: Diagnostic[] = [];
    const title = doc.meta.title;
    if (doc.meta.id) {
      const prev = ids.get(doc.meta.id);
      // The rules of one legacy collection share the id of its global head (SigmaHQ's convention).
      const sameCollection = doc.origin.collection && prev?.startsWith(`${file}:`);
      if (prev && prev !== `${file}:${doc.origin.line}` && !sameCollection)
        diagnostics.push({
          code: SIG.duplicateId,
          severity: 'warning',
          message: `id ${doc.meta.id} is also used by a rule in ${prev}; the later one wins references`,
          file,
          source: doc.origin.source,
          span: doc.origin.span,
        });
      ids.set(doc.meta.id, `${file}:${doc.origin.line}`);
    }
    switch (doc.type) {
      case 'filter':
        registry.addFilter(doc);
        return { diagnostics };
      case 'correlation': {
        registry.addRule(doc);
        const det = new SigmaCorrelationDetection(doc, registry, detectionOf, tolerance);
        if (doc.meta.id) byRef.set(doc.meta.id, det);
        if (doc.meta.name) byRef.set(doc.meta.name, det);
        return { detection: det, diagnostics };
      }
      case 'rule': {
        if (!sigmaTarget(doc.logsource)) return { diagnostics, skipped: otherProduct(doc.logsource) };
        if (doc.meta.status === 'unsupported')
          return {
            diagnostics,
            skipped: `'${title}': status unsupported (the rule says it cannot be used as is)`,
          };
        const compiled = compileSigmaDetection(doc, context, diagnostics);
        if (!compiled) return { diagnostics, skipped: `'${title}': rule has errors` };
        registry.addRule(doc);
        const det = new SigmaRuleDetection(doc, compiled, registry, context);
        if (doc.meta.id) byRef.set(doc.meta.id, det);
        if (doc.meta.name) byRef.set(doc.meta.name, det);
        return { detection: det, diagnostics };
      }
    }
  };

  return {
    language: 'sigma',
    registry,
    context,
    accepts: (file, text) => {
      const ext = extname(file).toLowerCase();
      return (ext === '.yml' || ext === '.yaml') && looksLikeSigma(text);
    },
    load,
  };
}

function otherProduct(ls: {
  readonly product?: string;
  readonly service?: string;
  readonly category?: string;
}): string {
  const parts = (['product', 'service', 'category'] as const).flatMap((k) =>
    ls[k] ? [`${k}=${ls[k]}`] : [],
  );
  return `sigma logsource ${parts.join(' ') || '(none)'} is not a log source auditscope reads`;
}

let currentOptions: SigmaOptions = {};
let current = createSigmaLoader();

/**
 * Sets the options of the registered Sigma loader (user field mapping, placeholders, strictness)
 * and starts a fresh registry. Call before `loadRules` (the CLI does it for `--sigma-mapping`).
 * @example configureSigmaLoader({ mappings: parseSigmaFieldMappings(doc).mappings });
 */
export function configureSigmaLoader(options: SigmaOptions): void {
  currentOptions = options;
  current = createSigmaLoader(options);
}

/**
 * The loader registered in load-rules.ts: delegates to the configured instance. References
 * between files resolve within one registry; `reset()` starts a new one with the same options
 * (call it at the start of each `loadRules`, so an earlier load's filters and rules do not leak in).
 */
export const sigmaLoader: RuleLoader & { reset(): void } = {
  language: 'sigma',
  accepts: (file, text) => current.accepts(file, text),
  load: (file, text) => current.load(file, text),
  reset: () => {
    current = createSigmaLoader(currentOptions);
  },
};
