import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliPath, repoRoot } from '../corpus.js';

// `auditscope scan --rules DIR` over a rule checkout holding a legacy SigmaHQ collection and a
// sigma-cli (pySigma) processing pipeline given as --sigma-mapping, through the real binary
// (needs `npm run build`). Rules, pipeline and events are SYNTHETIC.

const built = existsSync(join(repoRoot, 'dist', 'src', 'detect', 'sigma', 'sigma-pipeline.js'));
const skip = !built && 'build first (npm run build)';
const dir = mkdtempSync(join(tmpdir(), 'auditscope-sigma-scan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const event = (id: string, user: string, t: string, subresource?: string) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/${subresource ? 'pods/web/exec' : 'secrets/db'}`,
    verb: subresource ? 'create' : 'get',
    user: { username: user },
    sourceIPs: ['10.0.0.1'],
    objectRef: subresource
      ? { resource: 'pods', subresource, namespace: 'default', name: 'web', apiVersion: 'v1' }
      : { resource: 'secrets', namespace: 'default', name: 'db', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
  });

const collection = `action: global
title: Secret Read Outside Controllers
id: 6a0e6c1c-2b6d-4a9b-9d44-3f1e2f0a7c11
status: test
tags: [attack.credential_access, attack.t1552.007]
detection:
    condition: selection and not filter
level: high
---
logsource:
    product: windows
    service: sysmon
detection:
    selection:
        EventID: 1
    filter:
        Image|endswith: '\\svchost.exe'
---
logsource:
    product: kubernetes
    service: audit
detection:
    selection:
        verb: get
        objectRef.resource: secrets
    filter:
        user.username|startswith: 'system:'
`;

const mappedRule = `title: Exec By Watched Actor
id: 6a0e6c1c-2b6d-4a9b-9d44-3f1e2f0a7c12
status: test
level: medium
logsource:
    product: kubernetes
    service: audit
detection:
    selection:
        Actor: mallory
        Sub: exec
    condition: selection
`;

const pipeline = `name: user pipeline
priority: 30
transformations:
  - id: k8s
    type: field_name_mapping
    mapping:
      Actor: user.username
      Sub: objectRef.subresource
    rule_conditions:
      - type: logsource
        product: kubernetes
        service: audit
`;

test('scan --rules: a SigmaHQ collection loads (other products skipped and counted) and fires', {
  skip,
}, () => {
  const rules = join(dir, 'checkout');
  mkdirSync(join(rules, 'rules', 'mixed'), { recursive: true });
  writeFileSync(join(rules, 'rules', 'mixed', 'collection.yml'), collection);
  const input = join(dir, 'audit.jsonl');
  writeFileSync(
    input,
    `${[
      event('a1', 'mallory', '2024-01-01T00:00:00Z'),
      event('a2', 'system:kube-controller-manager', '2024-01-01T00:00:01Z'),
    ].join('\n')}\n`,
  );
  const r = spawnSync(
    process.execPath,
    [cliPath, 'scan', input, '--no-builtin', '--rules', rules, '--output', 'ndjson'],
    { encoding: 'utf8', cwd: repoRoot },
  );
  assert.equal(r.status, 1, r.stderr); // 1 = alerts raised
  const alerts = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { rule: { name: string; severity: string } });
  assert.deepEqual(
    alerts.map((a) => `${a.rule.name} ${a.rule.severity}`),
    ['Secret Read Outside Controllers high'],
  );
  assert.match(r.stderr, /1 loaded, 1 skipped \(sigma logsource product=windows service=sysmon/);
  assert.match(r.stderr, /0 errors/);
});

test('scan --sigma-mapping takes a sigma-cli processing pipeline', { skip }, () => {
  const rules = join(dir, 'mapped');
  mkdirSync(rules, { recursive: true });
  writeFileSync(join(rules, 'exec.yml'), mappedRule);
  writeFileSync(join(dir, 'pipeline.yml'), pipeline);
  const input = join(dir, 'exec.jsonl');
  writeFileSync(
    input,
    `${[
      event('e1', 'mallory', '2024-01-01T00:00:00Z', 'exec'),
      event('e2', 'alice', '2024-01-01T00:00:01Z', 'exec'),
      event('e3', 'mallory', '2024-01-01T00:00:02Z', 'log'),
    ].join('\n')}\n`,
  );
  const scan = (...extra: string[]) =>
    spawnSync(
      process.execPath,
      [cliPath, 'scan', input, '--no-builtin', '--rules', rules, '--output', 'ndjson', ...extra],
      { encoding: 'utf8', cwd: repoRoot },
    );
  const without = scan();
  assert.equal(without.stdout, '', 'without the pipeline Actor and Sub are unknown fields');
  const r = scan('--sigma-mapping', join(dir, 'pipeline.yml'));
  assert.equal(r.status, 1, r.stderr);
  const alerts = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { rule: { name: string }; events: { id: string }[] });
  assert.deepEqual(
    alerts.map((a) => a.rule.name),
    ['Exec By Watched Actor'],
  );
  assert.doesNotMatch(r.stderr, /SIG028/);
});
