import { isMap, isSeq, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { isTestFormat, type TestFormat, testFormats } from './envelopes.js';

/** One sample of a rule test file, expanded to one wire format. */
export interface RuleTestCase {
  readonly name: string;
  readonly expect: 'match' | 'no-match';
  readonly format: TestFormat;
  /** The audit Event (partial, completed with defaults) or Activity record; with `raw`, the wire record itself. */
  readonly event: Record<string, unknown>;
  /** For correlation / threshold rules: several events, fed in order (`events:` in the file); `event` is the first. */
  readonly events: readonly Record<string, unknown>[];
  /** True when `event` is already the record in `format`'s wire shape and must not be completed or wrapped. */
  readonly raw: boolean;
  readonly file: string;
  readonly line: number;
}

/** Test files sit beside the rule: `name.tests.yml` for `name.yml` / `name.toml` / `name.yaml` / `name.kql`. */
export const testFilePattern = /\.tests\.ya?ml$/i;

/** The test file names that may belong to a rule file, most usual first. */
export function testFilesFor(ruleFile: string): string[] {
  const stem = ruleFile.replace(/\.(ya?ml|toml|kql|json)$/i, '');
  return [`${stem}.tests.yml`, `${stem}.tests.yaml`];
}

/**
 * Parses a rule test file: a YAML list (or `{tests: [...]}`) of
 * `{name, expect: match|no-match, format?|formats?, raw?, event | events}`. Each sample runs once per format
 * (default `k8s`, or `activity` when the event has an `operationName`). Never throws on bad input.
 * @example parseRuleTests('- {name: t, expect: match, formats: [k8s, aks], event: {verb: get}}', 'x.tests.yml')
 */
export function parseRuleTests(
  text: string,
  file: string,
): { cases: RuleTestCase[]; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  const diagnostics: Diagnostic[] = [];
  const diag = (message: string, start = 0, end = start + 1): void => {
    diagnostics.push({
      code: 'RUL101',
      severity: 'error',
      message,
      file,
      source: text,
      span: { start, end },
    });
  };
  for (const e of doc.errors) diag(`test file is not valid YAML: ${e.message}`, e.pos[0], e.pos[1]);
  if (doc.errors.length) return { cases: [], diagnostics };
  let list: unknown = doc.contents;
  if (isMap(list)) list = list.get('tests', true);
  if (!isSeq(list)) {
    diag('a rule test file is a list of samples ({name, expect, format, event})');
    return { cases: [], diagnostics };
  }
  const cases: RuleTestCase[] = [];
  list.items.forEach((item, i) => {
    const start = (item as unknown as { range?: [number, number] }).range?.[0] ?? 0;
    if (!isMap(item)) {
      diag(`sample ${i + 1} is not a mapping`, start);
      return;
    }
    const js = (item as YAMLMap).toJSON() as Record<string, unknown>;
    const name = typeof js.name === 'string' ? js.name : `sample ${i + 1}`;
    const expect = js.expect;
    if (expect !== 'match' && expect !== 'no-match') {
      diag(`sample '${name}': expect must be 'match' or 'no-match'`, start);
      return;
    }
    const list = Array.isArray(js.events) ? (js.events as unknown[]) : [js.event];
    if (list.length === 0 || list.some((e) => e === null || typeof e !== 'object' || Array.isArray(e))) {
      diag(`sample '${name}': event must be a mapping (or events a list of mappings)`, start);
      return;
    }
    const events = list as Record<string, unknown>[];
    const ev = events[0]!;
    const given = js.formats ?? js.format ?? ('operationName' in ev ? 'activity' : 'k8s');
    const formats = Array.isArray(given) ? given : [given];
    const line = lc.linePos(start).line;
    for (const f of formats) {
      if (!isTestFormat(f)) {
        diag(`sample '${name}': unknown format '${String(f)}' (one of ${testFormats.join(', ')})`, start);
        continue;
      }
      cases.push({ name, expect, format: f, event: ev, events, raw: js.raw === true, file, line });
    }
  });
  return { cases, diagnostics };
}
