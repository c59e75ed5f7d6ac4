import { extname } from 'node:path';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { parseKusto } from '../../lang/kusto/parse-kusto.js';
import type { LoadResult } from '../detection.js';
import type { RuleLoader } from '../load-rules.js';
import { kustoSchemas } from './catalog.js';
import { kustoDetection } from './kusto-detection.js';
import { precompiledQuery } from './precompiled.js';
import { looksLikeKustoRule, mapQueryDiagnostic, readKustoRuleFile } from './kusto-rule.js';

/**
 * Loads Sentinel analytic rules and Defender custom detections (YAML/JSON with a `query:`), and
 * `.kql` files with a metadata header (see kusto-rule.ts for the shapes). The query is parsed and
 * analyzed against the table views' schemas at load time, so a bad query is a load diagnostic with
 * its position in the rule file. `.kql` files without a schedule are saved hunts and are ignored here.
 * @example const r = await kustoLoader.load('rules/kusto/x.yaml', text)
 */
export const kustoLoader: RuleLoader = {
  language: 'kusto',
  accepts(file, text) {
    const ext = extname(file).toLowerCase();
    if (ext === '.kql') return true;
    return (ext === '.yml' || ext === '.yaml' || ext === '.json') && looksLikeKustoRule(text);
  },
  load(file, text): LoadResult {
    const r = readKustoRuleFile(file, text);
    const diagnostics: Diagnostic[] = [...r.diagnostics];
    if (r.savedHunt || !r.spec) return { detections: [], diagnostics, skipped: [] };
    const spec = r.spec;
    // The built-in pack's queries were parsed at build time (precompiled.ts): the parser is not started.
    const pre = precompiledQuery(spec.query, kustoSchemas());
    const parsed = pre
      ? { program: pre.program, diagnostics: pre.diagnostics.map((d) => ({ ...d, file })) }
      : parseKusto(spec.query, kustoSchemas(), { file });
    for (const d of parsed.diagnostics) diagnostics.push(mapQueryDiagnostic(d, spec, file, text));
    if (!parsed.program || diagnostics.some((d) => d.severity === 'error')) {
      return { detections: [], diagnostics, skipped: [{ file, reason: 'the rule query has errors' }] };
    }
    return { detections: [kustoDetection(spec, parsed.program, file)], diagnostics, skipped: [] };
  },
};
