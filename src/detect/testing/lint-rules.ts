import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { RuleMeta } from '../../alerts/alert.js';
import { tacticColumn, techniqueInfo } from '../../alerts/attack-ids.js';
import { ruleGuide } from '../../alerts/guide.js';
import { ruleAttack } from '../../alerts/rule-attack.js';
import type { Diagnostic } from '../../diag/diagnostic.js';
import type { Detection } from '../detection.js';
import type { SigmaOptions } from '../sigma/compile-rule.js';
import { SigmaCorrelationDetection } from '../sigma/correlation-detection.js';
import { lintSigma } from '../sigma/lint-sigma.js';
import { SigmaRuleDetection } from '../sigma/sigma-detection.js';
import { loadRules } from '../load-rules.js';
import { testFilesFor } from './test-file.js';

export interface LintOptions {
  /** Require an investigation guide and a test file (auditscope's own pack). Default true. */
  readonly requireGuide?: boolean;
  readonly requireTests?: boolean;
  /** Sigma options (user field mappings, placeholders) for `lintSigma`, as the loader was configured. */
  readonly sigma?: SigmaOptions;
}

export interface LintReport {
  readonly rules: readonly RuleMeta[];
  readonly diagnostics: readonly Diagnostic[];
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

const severities = new Set(['informational', 'low', 'medium', 'high', 'critical']);

/**
 * Checks a rule pack: each language's own diagnostics (its loader's, plus `lintSigma` for Sigma), then metadata common to
 * all languages: ATT&CK ids known (RUL201), technique fits the rule's tactic (RUL202), technique on
 * the Containers platform (RUL203, info), some ATT&CK mapping (RUL204), unknown `attack.*` tags
 * (RUL205), severity given (RUL206), investigation guide present (RUL207) with triage /
 * false-positive / response sections (RUL208), a test file beside the rule (RUL209), unique ids
 * (RUL210), a description (RUL211).
 * @example const { diagnostics } = await lintRules(['rules/']);
 */
export async function lintRules(paths: readonly string[], opts: LintOptions = {}): Promise<LintReport> {
  const loaded = await loadRules(paths);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  // Sigma's own lint (unknown fields, modifiers, references across files) on top of its loader's.
  const seenDiag = new Set(diagnostics.map(diagKey));
  for (const d of (await lintSigma(paths, opts.sigma)).diagnostics) {
    const k = diagKey(d);
    if (seenDiag.has(k)) continue;
    seenDiag.add(k);
    diagnostics.push(d);
  }
  const texts = new Map<string, string>();
  const seen = new Map<string, { at: string; file: string | undefined }>();
  for (const d of loaded.detections) {
    const file = d.meta.file;
    if (file && !texts.has(file)) texts.set(file, await readFile(file, 'utf8').catch(() => ''));
    diagnostics.push(...(await lintDetection(d, file ? (texts.get(file) ?? '') : '', opts)));
    const prev = seen.get(d.meta.id);
    // The rules of one legacy Sigma collection share the id of its global head (SigmaHQ's convention).
    const sameCollection = inSigmaCollection(d) && prev !== undefined && prev.file === file;
    if (prev && !sameCollection)
      diagnostics.push(
        diag(d.meta, '', 'RUL210', 'error', `duplicate rule id ${d.meta.id} (also in ${prev.at})`, d.meta.id),
      );
    else if (!prev)
      seen.set(d.meta.id, { at: `${file ?? '?'}${d.meta.line ? `:${d.meta.line}` : ''}`, file });
  }
  return { rules: loaded.detections.map((d) => d.meta), diagnostics, skipped: loaded.skipped };
}

async function lintDetection(d: Detection, text: string, opts: LintOptions): Promise<Diagnostic[]> {
  const m = d.meta;
  const out: Diagnostic[] = [];
  const push = (
    code: string,
    severity: Diagnostic['severity'],
    message: string,
    needle?: string,
    hint?: string,
  ) => out.push(diag(m, text, code, severity, message, needle, hint));
  const att = ruleAttack(m);
  if (att.techniques.length === 0) push('RUL204', 'warning', `'${m.name}' has no ATT&CK technique`);
  for (const id of att.techniques) {
    const info = techniqueInfo(id);
    if (!info) {
      push(
        'RUL201',
        'warning',
        `unknown ATT&CK technique ${id}`,
        id.toLowerCase(),
        'not in the bundled technique list (src/alerts/attack-ids.ts)',
      );
      continue;
    }
    const columns = att.tactics.map(tacticColumn);
    if (columns.length && !info.tactics.some((t) => columns.includes(t)))
      push(
        'RUL202',
        'warning',
        `${id} (${info.name}) is a ${info.tactics.join('/')} technique, but the rule's tactics are ${att.tactics.join(', ')}`,
        id.toLowerCase(),
      );
    if (!info.containers)
      push(
        'RUL203',
        'info',
        `${id} (${info.name}) is not a Containers-platform technique: check it describes the behaviour`,
        id.toLowerCase(),
      );
  }
  for (const t of att.unknownTags) push('RUL205', 'warning', `unknown ATT&CK tag '${t}'`, t);
  if (!severities.has(m.severity)) push('RUL206', 'error', `invalid severity '${m.severity}'`);
  else if (m.language === 'sigma' && text && !/^level:\s*\S/m.test(text))
    push('RUL206', 'warning', `'${m.name}' has no level (severity defaults to medium)`);
  if (!m.description?.trim()) push('RUL211', 'warning', `'${m.name}' has no description`);
  if (opts.requireGuide ?? true) {
    const guide = await ruleGuide(m);
    if (!guide?.trim())
      push(
        'RUL207',
        'warning',
        `'${m.name}' has no investigation guide`,
        undefined,
        "add a 'guide:' block (Sigma/Kusto YAML), 'note' (Elastic) or a sibling .md",
      );
    else {
      const g = guide.toLowerCase();
      const missing = [
        ['triage', /triage|investigat/],
        ['false-positive analysis', /false.positive/],
        ['response', /response|remediat/],
      ].filter(([, re]) => !(re as RegExp).test(g));
      if (missing.length)
        push(
          'RUL208',
          'info',
          `investigation guide of '${m.name}' lacks: ${missing.map((x) => x[0]).join(', ')}`,
        );
    }
  }
  if ((opts.requireTests ?? true) && m.file && !testFilesFor(m.file).some((f) => existsSync(f)))
    push('RUL209', 'warning', `'${m.name}' has no test samples`, undefined, `add ${testFilesFor(m.file)[0]}`);
  return out;
}

const inSigmaCollection = (d: Detection): boolean =>
  (d instanceof SigmaRuleDetection || d instanceof SigmaCorrelationDetection) &&
  d.ast.origin.collection === true;

const diagKey = (d: Diagnostic): string => `${d.code}|${d.file ?? ''}|${d.span?.start ?? ''}|${d.message}`;

function diag(
  m: RuleMeta,
  text: string,
  code: string,
  severity: Diagnostic['severity'],
  message: string,
  needle?: string,
  hint?: string,
): Diagnostic {
  const at = needle && text ? text.toLowerCase().indexOf(needle.toLowerCase()) : -1;
  return {
    code,
    severity,
    message,
    ...(m.file ? { file: m.file } : {}),
    ...(at >= 0 ? { source: text, span: { start: at, end: at + needle!.length } } : {}),
    ...(hint ? { hint } : {}),
  };
}
