import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRules } from '../../src/detect/load-rules.js';
import { sigmaThreats } from '../../src/detect/sigma/attack-tags.js';
import { explainSigmaMatch } from '../../src/detect/sigma/explain.js';
import { lintSigma } from '../../src/detect/sigma/lint-sigma.js';
import { createSigmaLoader, sigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import { auditEvent, run, sigmaRule } from './events.js';

// Synthetic rules and events.

const rule = sigmaRule('sel:\n  verb: create\n  objectRef.resource: secrets\ncondition: sel').replace(
  'title: synthetic test rule',
  'title: secret created\nname: secret_created',
);
const filter = (rules: string, cond = 'not sel') => `title: ignore the CI robot
logsource:
    product: kubernetes
    service: audit
filter:
    rules:
${rules}
    sel:
        user.username|startswith: 'system:serviceaccount:ci:'
    condition: ${cond}
`;
const robot = auditEvent({
  verb: 'create',
  user: { username: 'system:serviceaccount:ci:deployer' },
  objectRef: { resource: 'secrets' },
});
const human = auditEvent({ verb: 'create', user: { username: 'alice' }, objectRef: { resource: 'secrets' } });

const filterCases: [string, string, number][] = [
  ['by id', '        - 00000000-0000-4000-8000-000000000001', 1],
  ['by name', '        - secret_created', 1],
  ['any rule of the log source', '        any', 1],
  ['another rule', '        - 11111111-0000-4000-8000-000000000000', 2],
];
for (const [name, refs, want] of filterCases) {
  test(`filter ${name}`, () => {
    const r = createSigmaLoader().load('x.yml', `${rule}---\n${filter(refs)}`);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.detections.length, 1);
    assert.equal(run(r.detections, [robot, human]).alerts.length, want);
  });
}

test('a filter in another file applies (references resolve across files of one load)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-filter-'));
  try {
    writeFileSync(join(dir, 'a_rule.yml'), rule);
    writeFileSync(join(dir, 'b_filter.yml'), filter('        - secret_created'));
    sigmaLoader.reset(); // a fresh registry: earlier loads in this process do not leak in
    const r = await loadRules([dir]);
    const sigma = r.detections.filter((d) => d.meta.language === 'sigma');
    assert.equal(sigma.length, 1);
    assert.deepEqual(
      run(sigma, [robot, human]).alerts.map((a) => a.events[0]),
      [human],
    );
    const lint = await lintSigma([dir]);
    assert.deepEqual(lint.diagnostics, []);
    assert.deepEqual([lint.files, lint.rules], [2, 2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lintSigma reports every problem and unknown references', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-lint-'));
  try {
    writeFileSync(join(dir, 'bad.yml'), sigmaRule('sel:\n  verb|startwith: get\ncondition: sel or missing'));
    writeFileSync(
      join(dir, 'unused.yml'),
      sigmaRule('sel:\n  verb: get\nfilter_typo:\n  verb: list\ncondition: sel'),
    );
    writeFileSync(
      join(dir, 'corr.yml'),
      'title: c\ncorrelation:\n    type: event_count\n    rules: [nothere]\n    group-by: [user.username]\n    timespan: 5m\n    condition:\n        gte: 2\n',
    );
    const lint = await lintSigma([dir]);
    assert.deepEqual(
      lint.diagnostics.map((d) => d.code),
      ['SIG004', 'SIG006', 'SIG026', 'SIG019'],
    );
    assert.equal(lint.diagnostics[0]!.hint, "did you mean 'startswith'?");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const tagCases: [string[], (string | undefined)[], string[]][] = [
  [['attack.defense-impairment', 'attack.t1562.009'], ['TA0112'], ['T1562']],
  [['attack.defense-evasion', 'attack.t1070'], ['TA0005'], ['T1070']],
  [['attack.defense_evasion'], ['TA0005'], []],
  [['attack.stealth', 'attack.t1070'], [undefined], ['T1070']],
  [['attack.t1078', 'cve.2021-1234'], [undefined], ['T1078']],
  [['attack.privilege-escalation', 'attack.initial-access'], ['TA0004', 'TA0001'], []],
];
for (const [tags, tactics, techs] of tagCases) {
  test(`ATT&CK tags ${tags.join(' ')}`, () => {
    const t = sigmaThreats(tags);
    assert.deepEqual(
      t.map((x) => x.tactic?.id),
      tactics,
    );
    assert.deepEqual(t[0]?.techniques.map((x) => x.id) ?? [], techs);
  });
}

test('sub-technique tags are kept under their technique', () => {
  const t = sigmaThreats(['attack.defense-impairment', 'attack.t1562.009']);
  assert.deepEqual(t[0]?.techniques[0]?.subtechniques, [{ id: 'T1562.009' }]);
  assert.equal(t[0]?.tactic?.name, 'Defense Impairment');
});

test('a correlation in one file over a rule in another (one loadRules call)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-corr-'));
  try {
    writeFileSync(join(dir, 'a_rule.yml'), rule);
    writeFileSync(
      join(dir, 'b_corr.yml'),
      'title: many secrets\nid: corr-secrets\ncorrelation:\n    type: event_count\n    rules: [secret_created]\n    group-by: [user.username]\n    timespan: 1m\n    condition:\n        gte: 2\n',
    );
    sigmaLoader.reset(); // a fresh registry: earlier loads in this process do not leak in
    const r = await loadRules([dir]);
    const sigma = r.detections.filter((d) => d.meta.language === 'sigma');
    const t = (s: number) => ({
      ...human,
      ts: Date.parse('2024-01-01T00:00:00Z') + s * 1000,
      time: new Date(Date.parse('2024-01-01T00:00:00Z') + s * 1000).toISOString(),
    });
    const { alerts } = run(sigma, [t(0), t(30), robot]);
    assert.deepEqual(
      alerts.map((a) => [a.rule.name, a.events.length]),
      [['many secrets', 2]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Sigma `fields` are shown with each alert; duplicate ids are warned about', () => {
  const loader = createSigmaLoader();
  const withFields = rule.replace(
    'logsource:',
    'fields:\n    - user.username\n    - objectRef.resource\nlogsource:',
  );
  const r = loader.load('f.yml', withFields);
  assert.deepEqual(run(r.detections, [human]).alerts[0]?.details?.fields, {
    'user.username': 'alice',
    'objectRef.resource': 'secrets',
  });
  const again = loader.load('g.yml', withFields);
  assert.deepEqual(
    again.diagnostics.map((d) => d.code),
    ['SIG024'],
  );
});

test('explainSigmaMatch says which selection and field failed', () => {
  const r = createSigmaLoader().load('e.yml', rule);
  const get = auditEvent({ verb: 'get', user: { username: 'alice' }, objectRef: { resource: 'secrets' } });
  const e = explainSigmaMatch(r.detections[0]!, get)!;
  assert.equal(e.fired, false);
  assert.deepEqual(e.selections[0]!.fields, [
    { field: 'verb', matched: false, value: 'get' },
    { field: 'objectRef.resource', matched: true, value: 'secrets' },
  ]);
  assert.equal(explainSigmaMatch(r.detections[0]!, human)!.fired, true);
});
