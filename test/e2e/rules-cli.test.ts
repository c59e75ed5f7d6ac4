import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliPath, repoRoot } from '../corpus.js';

// `auditscope rules ...` through the real binary (needs `npm run build`). Rules written here are synthetic.

const built = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'commands', 'rules.js'));
const skip = !built && 'build first (npm run build)';
const dir = mkdtempSync(join(tmpdir(), 'auditscope-rules-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cliPath, 'rules', ...args], { encoding: 'utf8', cwd: repoRoot });

const rule = `title: Synthetic Secret Delete
id: 0b5e0000-0000-4000-8000-0000000000c1
description: secret deleted
tags: [attack.impact, attack.t1485]
logsource: {product: kubernetes, service: audit}
detection:
    selection:
        objectRef.resource: secrets
        verb: delete
    condition: selection
level: low
guide: |
    ## Triage
    who. ## False-positive analysis: rotation. ## Response: restore.
`;

test('rules test: a failing sample exits 1 and says which field differed, with file:line', { skip }, () => {
  writeFileSync(join(dir, 'secret.yml'), rule);
  writeFileSync(
    join(dir, 'secret.tests.yml'),
    `# synthetic
- name: delete
  expect: match
  formats: [k8s, eks]
  event: {verb: delete, objectRef: {resource: secrets, namespace: a, name: s}}
- name: get wrongly expected to match
  expect: match
  formats: [aks]
  event: {verb: get, objectRef: {resource: secrets, namespace: a, name: s}}
`,
  );
  const r = run('test', dir);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /FAIL Synthetic Secret Delete/);
  assert.match(
    r.stdout,
    /secret\.tests\.yml:6 \[aks\] get wrongly expected to match: expected match, got no-match/,
  );
  assert.match(r.stdout, /verb = 'get' \(wanted 'delete'\)/);
  assert.match(r.stdout, /2 samples passed, 1 failed/);
  const nd = run('test', dir, '--output', 'ndjson');
  const rows = nd.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { pass: boolean; format: string });
  assert.deepEqual(
    rows.map((x) => `${x.format}:${x.pass}`),
    ['k8s:true', 'eks:true', 'aks:false'],
  );
});

test('rules lint and list on the built-in pack; coverage writes a Navigator layer', { skip }, () => {
  const lint = run('lint');
  assert.equal(lint.status, 0, lint.stdout);
  assert.match(lint.stdout, /rules checked: 0 errors/);
  const list = run('list', '--output', 'ndjson');
  const metas = list.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { name: string; techniques: string[] });
  assert.ok(
    metas.some(
      (m) => m.name === 'Kubernetes Exec or Attach Into a Container' && m.techniques.includes('T1609'),
    ),
  );
  const layerFile = join(dir, 'layer.json');
  const cov = run('coverage', '--navigator', layerFile);
  assert.equal(cov.status, 0, cov.stderr);
  assert.match(cov.stdout, /T1611\s+Escape to Host/);
  const layer = JSON.parse(readFileSync(layerFile, 'utf8')) as {
    domain: string;
    techniques: { techniqueID: string; score: number }[];
  };
  assert.equal(layer.domain, 'enterprise-attack');
  const escapeToHost = layer.techniques.find((t) => t.techniqueID === 'T1611');
  assert.ok(escapeToHost && escapeToHost.score >= 3, 'privileged, hostPath and host-namespace rules');
});

test('rules with no subcommand is a usage error', { skip }, () => {
  assert.equal(run().status, 2);
  assert.equal(run('frobnicate').status, 2);
});

test('rules lint runs the Sigma spec lint and prints every problem with file:line:col and a caret', {
  skip,
}, () => {
  const bad = join(dir, 'lint-bad.yml');
  writeFileSync(
    bad,
    `title: Bad Rule
id: 0b5e0000-0000-4000-8000-0000000000c2
logsource: {product: kubernetes, service: audit}
detection:
    selection:
        verb|contain: create
    unused:
        objectRef.resource: pods
    condition: selection and nope
level: severe
---
title: Dangling Correlation
correlation:
    type: event_count
    rules: [no-such-rule]
    group-by: [user.username]
    timespan: 5m
    condition: {gte: 3}
`,
  );
  const r = run('lint', bad);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  // parser diagnostics, all at once
  assert.ok(at(/lint-bad\.yml:10:8: error SIG007: invalid level 'severe'/) >= 0, r.stdout);
  const mod = at(
    /lint-bad\.yml:6:14: error SIG004: unknown modifier 'contain' \(did you mean 'contains'\?\)/,
  );
  assert.ok(mod >= 0, r.stdout);
  assert.equal(lines[mod + 1], '          verb|contain: create');
  assert.equal(lines[mod + 2], '               ^~~~~~~');
  assert.ok(at(/lint-bad\.yml:9:30: error SIG006: undefined selection 'nope'/) >= 0, r.stdout);
  // lintSigma's own checks (not the loader's): references across the linted files
  assert.ok(
    at(/lint-bad\.yml:15:13: error SIG019: correlation 'Dangling Correlation' references 'no-such-rule'/) >=
      0,
    r.stdout,
  );
  const good = join(dir, 'lint-unused.yml');
  writeFileSync(
    good,
    `title: Unused Selection
id: 0b5e0000-0000-4000-8000-0000000000c3
description: d
tags: [attack.execution, attack.t1609]
logsource: {product: kubernetes, service: audit}
detection:
    selection:
        verb: create
    extra:
        objectRef.resource: pods
    condition: selection
level: low
`,
  );
  const u = run('lint', good);
  assert.equal(u.status, 0, u.stdout);
  assert.match(
    u.stdout,
    /lint-unused\.yml:9:5: warning SIG026: selection 'extra' is not used by the condition/,
  );
});

test('rules lint --sigma-mapping: fields a user mapping (sigma-cli pipeline) defines are known', {
  skip,
}, () => {
  const sub = join(dir, 'mapped');
  mkdirSync(sub, { recursive: true });
  const ruleFile = join(sub, 'actor.yml');
  writeFileSync(
    ruleFile,
    `title: Mapped Actor
id: 0b5e0000-0000-4000-8000-0000000000c4
logsource: {product: kubernetes, service: audit}
detection:
    selection:
        Actor: mallory
    condition: selection
level: low
`,
  );
  const pipeline = join(dir, 'pipeline.yml');
  writeFileSync(
    pipeline,
    'name: p\ntransformations:\n  - type: field_name_mapping\n    mapping:\n      Actor: user.username\n',
  );
  const without = run('lint', ruleFile);
  assert.match(without.stdout, /actor\.yml:6:16: warning SIG010: unknown field 'Actor'/);
  const withMapping = run('lint', ruleFile, '--sigma-mapping', pipeline);
  assert.equal(withMapping.status, 0, withMapping.stdout);
  assert.doesNotMatch(withMapping.stdout, /SIG010/);
  const bad = join(dir, 'bad-pipeline.yml');
  writeFileSync(bad, 'transformations: nope\n');
  const r = run('lint', ruleFile, '--sigma-mapping', bad);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /SIG028/);
});
