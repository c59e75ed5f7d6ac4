/**
 * Differential test of the byte prefilter (performance.md §8): a scan with the prefilter must raise
 * exactly the alerts of the same scan without it, and quarantine the same records, on every corpus
 * file and on synthetic and fuzzed inputs, with several rule sets (the SigmaHQ corpus rules, the
 * built-in pack, and synthetic Sigma rules written to exercise each index key).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Alert } from '../../src/alerts/alert.js';
import { loadRules } from '../../src/detect/load-rules.js';
import { runScan, type ScanResult } from '../../src/detect/run-scan.js';
import type { LoadResult } from '../../src/detect/detection.js';
import type { QuarantineRecord } from '../../src/ingest/types.js';
import { corpus, corpusDir, repoRoot } from '../corpus.js';
import { aksLine, goOrderJson } from './go-order.js';
import { fuzzLines, syntheticLines } from './synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'auditscope-prefilter-diff-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sigma = (title: string, detection: string, product = 'kubernetes', service = 'audit') =>
  `title: ${title}\nid: 00000000-0000-4000-8000-${String(title.length).padStart(6, '0')}${title.charCodeAt(0).toString().padStart(6, '0')}\nstatus: test\nlogsource:\n  product: ${product}\n  service: ${service}\ndetection:\n${detection}\nlevel: high\n`;

/** Synthetic Sigma rules, each narrowing a different index key (and mixed case, numeric strings, ''). */
const syntheticRules: Record<string, string> = {
  'exec.yml': sigma(
    'exec into pod',
    '  sel:\n    verb: create\n    objectRef.resource: pods\n    objectRef.subresource: exec\n  condition: sel',
  ),
  'codes.yml': sigma(
    'rejected',
    "  sel:\n    responseStatus.code:\n      - 401\n      - '0403'\n  condition: sel",
  ),
  'secrets.yml': sigma(
    'secret deleted',
    '  sel:\n    verb: DELETE\n    objectRef.resource: Secrets\n  condition: sel',
  ),
  'sar.yml': sigma('access review', '  sel:\n    resource: selfsubjectaccessreviews\n  condition: sel'),
  'legacy.yml': sigma(
    'secrets listed',
    '  sel:\n    verb:\n      - list\n      - watch\n    resource: secrets\n  condition: sel',
  ),
  'empty-sub.yml': sigma(
    'plain configmap get',
    "  sel:\n    verb: get\n    objectRef.subresource: ''\n    objectRef.resource: configmaps\n  condition: sel",
  ),
  'token.yml': sigma('token', '  sel:\n    objectRef.subresource: token\n  condition: sel'),
  'activity.yml': sigma(
    'activity op',
    "  sel:\n    operationName: 'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/LISTCLUSTERADMINCREDENTIAL/ACTION'\n  condition: sel",
    'azure',
    'activitylogs',
  ),
};
const synthRulesDir = join(tmp, 'rules');
{
  const { mkdirSync } = await import('node:fs');
  mkdirSync(synthRulesDir);
  for (const [name, text] of Object.entries(syntheticRules)) writeFileSync(join(synthRulesDir, name), text);
}

const ruleSets: Record<string, string[]> = {
  sigmahq: [corpus('sigmahq-rules/rules')],
  synthetic: [synthRulesDir],
  'synthetic+sigmahq': [synthRulesDir, corpus('sigmahq-rules/rules')],
  builtin: [join(repoRoot, 'rules')],
};
const loadedSets = new Map<string, LoadResult>();
async function rules(name: string): Promise<LoadResult> {
  let r = loadedSets.get(name);
  if (!r) {
    r = await loadRules(ruleSets[name]!);
    loadedSets.set(name, r);
  }
  return r;
}

/** Every sample file of the corpus (rules and docs excluded). */
function corpusSamples(): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    for (const name of readdirSync(p).sort()) {
      const f = join(p, name);
      if (statSync(f).isDirectory()) {
        if (name !== 'sigmahq-rules' && name !== 'elastic-detection-rules') walk(f);
      } else if (/\.(json|jsonl|ndjson|log)$/.test(name)) out.push(f);
    }
  };
  walk(corpusDir);
  return out;
}

const alertKey = (a: Alert) =>
  `${a.rule.id} ${a.events.map((e) => `${e.id}@${e.source.file}:${e.source.line}`).join(',')}`;

interface Outcome {
  readonly r: ScanResult;
  readonly alerts: string[];
  readonly quarantined: string[];
}

async function scan(inputs: string[], set: string, prefilter: boolean): Promise<Outcome> {
  const quarantined: QuarantineRecord[] = [];
  const r = await runScan({
    inputs,
    rulePaths: [],
    rules: await rules(set),
    now: Date.UTC(2026, 0, 1),
    prefilter,
    quarantine: (q) => quarantined.push(q),
  });
  return {
    r,
    alerts: r.alerts.map(alertKey).sort(),
    quarantined: quarantined.map((q) => `${q.file}:${q.line} ${q.reason}`).sort(),
  };
}

/** Scans with and without the prefilter; asserts equal alerts (and quarantine unless `alertsOnly`). */
async function differential(
  inputs: string[],
  set: string,
  alertsOnly = false,
): Promise<{ on: Outcome; off: Outcome }> {
  const off = await scan(inputs, set, false);
  const on = await scan(inputs, set, true);
  assert.deepEqual(on.alerts, off.alerts, `alerts differ with rule set ${set}`);
  assert.equal(on.r.stats.records, off.r.stats.records, 'every record is counted');
  assert.equal(
    on.r.stats.prefiltered + on.r.stats.events + on.r.stats.quarantined >= on.r.stats.records,
    true,
  );
  if (!alertsOnly)
    assert.deepEqual(on.quarantined, off.quarantined, `quarantine differs with rule set ${set}`);
  return { on, off };
}

function writeLines(name: string, lines: readonly string[]): string {
  const f = join(tmp, name);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

/** A harmless first line, so every following line of a file goes through the prefilter (the first decides the mode). */
const header = goOrderJson({
  level: 'Metadata',
  auditID: 'ffffffff-0000-4000-8000-000000000000',
  stage: 'ResponseComplete',
  requestURI: '/version',
  verb: 'get',
  user: { username: 'probe' },
  responseStatus: { metadata: {}, code: 200 },
  requestReceivedTimestamp: '2024-05-01T00:00:00Z',
  stageTimestamp: '2024-05-01T00:00:00Z',
});

/** The corpus's audit Events re-serialized in API-server order, raw and AKS-wrapped (real content, synthetic framing). */
async function corpusAsGoLines(): Promise<string[]> {
  const { readAll } = await import('../../src/ingest/index.js');
  const { events } = await readAll(corpusSamples());
  const lines = [header];
  const audits: Record<string, unknown>[] = [];
  for (const ev of events)
    if (ev.kind === 'audit' && ev.audit) audits.push(ev.audit as Record<string, unknown>);
  // Panther rule tests hold real EKS/AKS/GKE payloads under `log` (read by `rules test`, not ingest).
  for (const f of corpusSamples().filter((x) => x.includes('panther-analysis'))) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const log = (JSON.parse(line) as { log?: Record<string, unknown> }).log;
      const props = log?.properties as { log?: unknown } | undefined;
      if (typeof log?.verb === 'string') audits.push(log);
      else if (typeof props?.log === 'string' && props.log.startsWith('{'))
        audits.push(JSON.parse(props.log) as Record<string, unknown>);
    }
  }
  for (const a of audits) {
    const json = goOrderJson(a);
    lines.push(json, aksLine(json));
  }
  assert.ok(audits.length > 150, `${audits.length} real audit events`);
  return lines;
}

for (const set of Object.keys(ruleSets)) {
  test(`corpus files: prefilter + engine == engine (${set})`, async () => {
    const files = corpusSamples();
    assert.ok(files.length > 40);
    const { on, off } = await differential(files, set);
    assert.ok(off.r.stats.events > 80, `${off.r.stats.events} corpus events`);
    // every record of every file, each with a harmless first line so all go through the filter
    const framed = files.map((f, i) =>
      writeLines(`framed-${i}.jsonl`, [header, ...readFileSync(f, 'utf8').split('\n')]),
    );
    await differential(framed, set);
    if (set === 'synthetic') assert.ok(on.r.prefilter.enabled);
  });

  test(`corpus events in API-server order: prefilter + engine == engine (${set})`, async () => {
    const f = writeLines(`go-order-${set}.jsonl`, await corpusAsGoLines());
    const { on } = await differential([f], set);
    if (on.r.prefilter.enabled) assert.ok(on.r.stats.prefiltered > 0, 'the fast path was taken');
  });

  test(`synthetic and fuzzed inputs: prefilter + engine == engine (${set})`, async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const lines = [header, ...syntheticLines(seed, 1500)];
      const { on, off } = await differential([writeLines(`synthetic-${seed}.jsonl`, lines)], set);
      if (set === 'synthetic') {
        assert.ok(on.r.stats.prefiltered > 100, `seed ${seed}: lines were skipped`);
        assert.ok(off.alerts.length > 10, `seed ${seed}: rules fired`);
      }
      // structure-breaking or JSON-preserving mutations: alerts and quarantine identical
      await differential(
        [writeLines(`fuzz-s-${seed}.jsonl`, [header, ...fuzzLines(lines.slice(1), seed, true)])],
        set,
      );
      // arbitrary byte mutations: alerts identical; a corrupted line no rule could match may be
      // skipped instead of quarantined (only `{`...`}` framing is checked without parsing)
      const fuzzed = await differential(
        [writeLines(`fuzz-b-${seed}.jsonl`, [header, ...fuzzLines(lines.slice(1), seed, false)])],
        set,
        true,
      );
      assert.ok(fuzzed.on.quarantined.length <= fuzzed.off.quarantined.length);
    }
  });
}

test('modes that must see every record get no prefilter', async () => {
  const f = writeLines('all.jsonl', [header, ...syntheticLines(9, 200)]);
  const { r } = await scan([f], 'synthetic', false);
  assert.equal(r.prefilter.enabled, false);
  assert.equal(r.stats.prefiltered, 0);
});
