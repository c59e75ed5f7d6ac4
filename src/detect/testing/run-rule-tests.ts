import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Alert, RuleMeta } from '../../alerts/alert.js';
import { describeEvent } from '../../alerts/describe-event.js';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { readText } from '../../ingest/index.js';
import type { AuditEvent } from '../../model/event.js';
import type { Detection } from '../detection.js';
import { loadRules } from '../load-rules.js';
import { envelope } from './envelopes.js';
import { explainKuery } from './explain-kuery.js';
import { explainKusto } from './explain-kusto.js';
import { explainSigma } from './explain-sigma.js';
import { completeActivityRecord, completeAuditEvent, syntheticTime } from './synthetic-event.js';
import { parseRuleTests, type RuleTestCase, testFilePattern, testFilesFor } from './test-file.js';

/** The outcome of one sample in one format. */
export interface CaseResult {
  readonly name: string;
  readonly format: string;
  readonly expect: 'match' | 'no-match';
  readonly got: 'match' | 'no-match' | 'error';
  readonly pass: boolean;
  /** Why it failed: the selection that did not match, the closest field mismatch, or the ingest error. */
  readonly why?: string;
  readonly file: string;
  readonly line: number;
  readonly alerts: number;
}

/** All samples of one rule file. */
export interface RuleTestResult {
  readonly ruleFile: string;
  readonly testFile?: string;
  readonly rules: readonly RuleMeta[];
  readonly cases: readonly CaseResult[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface RuleTestReport {
  readonly results: readonly RuleTestResult[];
  readonly passed: number;
  readonly failed: number;
  /** Rule files that have no test file beside them. */
  readonly untested: readonly string[];
}

const ruleFile = /\.(ya?ml|toml|kql)$/i;

/**
 * Runs the true-positive / true-negative samples beside every rule under `paths` (any language):
 * loads the rule with `loadRules`, writes each sample in each of its formats, ingests it through the
 * real ingest path (`readText`), runs the rule's runner with "now" pinned just after the sample,
 * and compares. Never throws on bad rules or samples: they become failed cases or diagnostics.
 * @example const report = await runRuleTests(['rules/']); report.failed === 0
 */
export async function runRuleTests(paths: readonly string[]): Promise<RuleTestReport> {
  const files: string[] = [];
  const results: RuleTestResult[] = [];
  for (const p of paths) {
    if (existsSync(p)) await collect(p, files);
    else
      results.push({
        ruleFile: p,
        rules: [],
        cases: [],
        diagnostics: [
          { code: 'RUL001', severity: 'error', message: `no such file or directory: ${p}`, file: p },
        ],
      });
  }
  const untested: string[] = [];
  for (const f of [...new Set(files)].sort()) {
    const testFile = testFilesFor(f).find((t) => existsSync(t));
    if (!testFile) {
      // Only files that hold rules need samples (saved hunts and other data do not).
      if ((await loadRules([f])).detections.length > 0) untested.push(f);
      continue;
    }
    results.push(await testRuleFile(f, testFile));
  }
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    for (const c of r.cases) c.pass ? passed++ : failed++;
    if (r.diagnostics.some((d) => d.severity === 'error')) failed++;
  }
  return { results, passed, failed, untested };
}

async function collect(p: string, out: string[]): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(p);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const name of (await readdir(p)).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      await collect(join(p, name), out);
    }
    return;
  }
  if (testFilePattern.test(p)) {
    // A test file given directly: test the rule beside it.
    const stem = p.replace(testFilePattern, '');
    const rule = ['.yml', '.yaml', '.toml', '.kql'].map((e) => stem + e).find((x) => existsSync(x));
    if (rule) out.push(rule);
    return;
  }
  if (ruleFile.test(p)) out.push(p);
}

/** Tests one rule file against one test file. */
export async function testRuleFile(file: string, testFile: string): Promise<RuleTestResult> {
  const ruleText = await readFile(file, 'utf8').catch(() => '');
  // A Sigma correlation refers to rules in other files: load its folder so the references resolve.
  const withSiblings = /^correlation:/m.test(ruleText);
  const all = await loadRules([withSiblings ? dirname(file) : file]);
  const loaded = withSiblings
    ? {
        ...all,
        detections: all.detections.filter(
          (d) => d.meta.file !== undefined && resolve(d.meta.file) === resolve(file),
        ),
        diagnostics: all.diagnostics.filter((d) => d.file !== undefined && resolve(d.file) === resolve(file)),
      }
    : all;
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  let text = '';
  try {
    text = await readFile(testFile, 'utf8');
  } catch (e) {
    diagnostics.push({
      code: 'RUL102',
      severity: 'error',
      message: `cannot read ${testFile}: ${(e as Error).message}`,
    });
  }
  const parsed = parseRuleTests(text, testFile);
  diagnostics.push(...parsed.diagnostics);
  const detections = loaded.detections;
  if (detections.length === 0) {
    const reason = loaded.skipped.map((s) => s.reason).join('; ') || 'no rule loaded';
    diagnostics.push({
      code: 'RUL103',
      severity: 'error',
      message: `${file}: rule did not load (${reason})`,
      file,
    });
    return { ruleFile: file, testFile, rules: [], cases: [], diagnostics };
  }
  const cases = parsed.cases.map((c) => runCase(c, detections, file, ruleText));
  return { ruleFile: file, testFile, rules: detections.map((d) => d.meta), cases, diagnostics };
}

/**
 * The wire text of a sample: each event completed with defaults and wrapped in its format (unless
 * `raw`), one record per line. Events of a multi-event sample without their own time are spaced
 * one second apart, in order.
 */
export function sampleText(c: Pick<RuleTestCase, 'events' | 'format' | 'raw'>): string {
  return c.events
    .map((e, i) => {
      if (c.raw) return JSON.stringify(e);
      const time = new Date(Date.parse(syntheticTime) + i * 1000).toISOString().replace('Z', '000Z');
      if (c.format === 'activity') return envelope('activity', completeActivityRecord(e, time));
      return envelope(c.format, completeAuditEvent(e, time) as Record<string, unknown>);
    })
    .join('\n');
}

function runCase(
  c: RuleTestCase,
  detections: readonly Detection[],
  file: string,
  ruleText: string,
): CaseResult {
  const base = { name: c.name, format: c.format, expect: c.expect, file: c.file, line: c.line };
  const read = readText(sampleText(c), `${c.file}:${c.line}[${c.format}]`);
  if (read.events.length === 0) {
    const q = read.quarantined[0];
    const why = q
      ? `sample was quarantined by ingest (${q.reason}: ${q.message})`
      : 'ingest produced no event';
    return { ...base, got: 'error', pass: false, why, alerts: 0 };
  }
  const alerts: Alert[] = [];
  const problems: string[] = [];
  let applied = false;
  for (const d of detections) {
    const now = Math.max(...read.events.map((e) => e.ts)) + 60_000;
    let runner: ReturnType<Detection['createRunner']>;
    try {
      runner = d.createRunner({ now, emit: (a) => alerts.push(a), report: (x) => problems.push(x.message) });
      for (const ev of read.events) {
        if (!d.applies(ev)) continue;
        applied = true;
        runner.push(ev);
      }
      runner.flush();
    } catch (e) {
      return { ...base, got: 'error', pass: false, why: `rule threw: ${(e as Error).message}`, alerts: 0 };
    }
  }
  const got = alerts.length > 0 ? 'match' : 'no-match';
  const pass = got === c.expect;
  if (pass) return { ...base, got, pass, alerts: alerts.length };
  return {
    ...base,
    got,
    pass,
    alerts: alerts.length,
    why: explain(c, read.events, applied, file, ruleText, problems),
  };
}

function explain(
  c: RuleTestCase,
  events: readonly AuditEvent[],
  applied: boolean,
  file: string,
  ruleText: string,
  problems: readonly string[],
): string {
  const ev = events[0]!;
  const parts: string[] = [];
  if (!applied)
    parts.push(
      `the rule does not apply to this event (kind ${ev.kind}, provider ${ev.provider}, format ${ev.format})`,
    );
  if (/\.ya?ml$/i.test(file) && /^detection:/m.test(ruleText)) {
    const why = explainSigma(ruleText, ev, c.expect);
    if (why) parts.push(why);
  } else if (/\.ya?ml$/i.test(file) && /^query:/m.test(ruleText)) {
    const why = explainKusto(ruleText, events, Math.max(...events.map((e) => e.ts)) + 60_000, c.expect);
    if (why) parts.push(why);
  } else if (/\.toml$/i.test(file)) {
    const why = explainKuery(ruleText, ev, c.expect);
    if (why) parts.push(why);
  }
  if (problems.length) parts.push(`rule reported: ${problems.join('; ')}`);
  parts.push(`event: ${describeEvent(ev)}`);
  return parts.join('; ');
}
