import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readText } from '../../ingest/index.js';
import { attackCoverage, navigatorLayer } from './coverage.js';
import { envelope } from './envelopes.js';
import { lintRules } from './lint-rules.js';
import { runRuleTests } from './run-rule-tests.js';
import { completeAuditEvent } from './synthetic-event.js';
import { parseRuleTests } from './test-file.js';

// All rules and events below are synthetic, written for these tests.

const dir = mkdtempSync(join(tmpdir(), 'auditscope-rule-tests-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const execRule = `title: Synthetic Exec Rule
id: 0b5e0000-0000-4000-8000-000000000001
status: test
description: exec into a pod
tags:
    - attack.execution
    - attack.t1609
logsource:
    product: kubernetes
    service: audit
detection:
    selection:
        objectRef.resource: pods
        objectRef.subresource: exec
    filter_system:
        user.username: aksService
    condition: selection and not filter_system
level: medium
guide: |
    ## Triage
    look at the command
    ## False-positive analysis
    debugging
    ## Response
    delete the pod
`;

test('a test file expands each sample to its formats and reports bad samples with their line', () => {
  const text = `# synthetic
- name: ok
  expect: match
  formats: [k8s, aks, gke]
  event: {verb: get}
- name: activity by default
  expect: no-match
  event: {operationName: X}
- name: bad expect
  expect: maybe
  event: {verb: get}
- name: bad format
  expect: match
  format: splunk
  event: {verb: get}
`;
  const { cases, diagnostics } = parseRuleTests(text, 'x.tests.yml');
  assert.deepEqual(
    cases.map((c) => `${c.name}/${c.format}@${c.line}`),
    ['ok/k8s@2', 'ok/aks@2', 'ok/gke@2', 'activity by default/activity@6'],
  );
  assert.equal(diagnostics.length, 2);
  assert.match(diagnostics[0]!.message, /expect must be/);
  assert.match(diagnostics[1]!.message, /unknown format 'splunk'/);
});

test('provider envelopes round-trip through ingest to the same request', () => {
  const ev = completeAuditEvent({
    verb: 'create',
    objectRef: {
      resource: 'clusterrolebindings',
      name: 'b',
      apiGroup: 'rbac.authorization.k8s.io',
      apiVersion: 'v1',
    },
    user: { username: 'eve@contoso.example' },
    requestObject: { roleRef: { name: 'cluster-admin' } },
  }) as Record<string, unknown>;
  const expected = { aks: 'aks', eks: 'eks', gke: 'gke', k8s: 'k8s' } as const;
  for (const f of ['k8s', 'aks', 'eks', 'gke'] as const) {
    const { events, quarantined } = readText(envelope(f, ev), `synthetic-${f}`);
    assert.equal(quarantined.length, 0, f);
    assert.equal(events.length, 1, f);
    const e = events[0]!;
    assert.equal(e.provider, expected[f], f);
    assert.equal(e.audit?.verb, 'create', f);
    assert.equal(e.audit?.objectRef?.resource, 'clusterrolebindings', f);
    assert.equal(e.audit?.objectRef?.name, 'b', f);
    assert.equal(e.audit?.user?.username, 'eve@contoso.example', f);
    assert.deepEqual(e.audit?.requestObject, { roleRef: { name: 'cluster-admin' } }, f);
  }
});

test('rules test passes good samples and explains a failing one by the field that differed', async () => {
  writeFileSync(join(dir, 'exec.yml'), execRule);
  writeFileSync(
    join(dir, 'exec.tests.yml'),
    `# synthetic
- name: exec
  expect: match
  formats: [k8s, aks, eks]
  event: {verb: get, objectRef: {resource: pods, subresource: exec, namespace: default, name: p}}
- name: logs are not exec (wrongly expected to match)
  expect: match
  formats: [k8s]
  event: {verb: get, objectRef: {resource: pods, subresource: log, namespace: default, name: p}}
- name: AKS service identity (wrongly expected to match)
  expect: match
  formats: [aks]
  event: {verb: get, user: {username: aksService}, objectRef: {resource: pods, subresource: exec, namespace: default, name: p}}
- name: exec (wrongly expected not to match)
  expect: no-match
  formats: [eks]
  event: {verb: get, objectRef: {resource: pods, subresource: exec, namespace: default, name: p}}
`,
  );
  const report = await runRuleTests([dir]);
  assert.equal(report.results.length, 1);
  const cases = report.results[0]!.cases;
  assert.deepEqual(
    cases.map((c) => c.pass),
    [true, true, true, false, false, false],
  );
  assert.equal(report.passed, 3);
  assert.equal(report.failed, 3);
  const [logs, aks, noMatch] = cases.filter((c) => !c.pass);
  assert.match(
    logs!.why!,
    /selection 'selection' did not match: objectRef\.subresource = 'log' \(wanted 'exec'\)/,
  );
  assert.equal(logs!.line, 6);
  assert.match(aks!.why!, /filter 'filter_system' excluded it: user\.username = 'aksService'/);
  assert.match(noMatch!.why!, /selection 'selection' matched/);
  assert.match(noMatch!.why!, /filter 'filter_system' did not exclude it/);
});

test('lint: ATT&CK ids and tactic fit, guide, tests', async () => {
  const lintDir = mkdtempSync(join(dir, 'lint-'));
  // fresh ids: the Sigma loader remembers ids across loads in one process
  writeFileSync(join(lintDir, 'good.yml'), execRule.replace('000000000001', '000000000011'));
  writeFileSync(join(lintDir, 'good.tests.yml'), '- {name: x, expect: match, event: {verb: get}}\n');
  writeFileSync(
    join(lintDir, 'bad.yml'),
    execRule
      .replace('000000000001', '000000000012')
      .replace('attack.execution', 'attack.reconnaissance')
      .replace('attack.t1609', 'attack.t1068\n    - attack.t9999')
      .replace(/guide: \|[\s\S]*$/, ''),
  );
  const { diagnostics, rules } = await lintRules([lintDir]);
  assert.equal(rules.length, 2);
  const codes = (file: string) =>
    diagnostics
      .filter((d) => d.file?.endsWith(file))
      .map((d) => d.code)
      .sort();
  assert.deepEqual(codes('good.yml'), []);
  assert.deepEqual(codes('bad.yml'), ['RUL201', 'RUL202', 'RUL207', 'RUL209']);
  const fit = diagnostics.find((d) => d.code === 'RUL202')!;
  assert.match(
    fit.message,
    /T1068 \(Exploitation for Privilege Escalation\) is a privilege-escalation technique/,
  );
  assert.ok(fit.span, 'points at the tag in the rule text');
});

test('coverage and the Navigator layer count rules per technique', async () => {
  const loaded = await lintRules([join(dir, 'exec.yml')]);
  const cells = attackCoverage(loaded.rules);
  assert.deepEqual(
    cells.map((c) => `${c.tactic}/${c.technique}/${c.rules.length}`),
    ['execution/T1609/1'],
  );
  const layer = navigatorLayer(cells) as {
    domain: string;
    techniques: { techniqueID: string; score: number; tactic: string }[];
  };
  assert.equal(layer.domain, 'enterprise-attack');
  assert.deepEqual(layer.techniques, [
    {
      techniqueID: 'T1609',
      tactic: 'execution',
      score: 1,
      color: '',
      comment: 'Synthetic Exec Rule',
      enabled: true,
      metadata: [],
      showSubtechniques: false,
    },
  ]);
});

test('failing samples of Elastic (KQL) and Kusto rules name the clause or pipeline step that differed', async () => {
  const ex = mkdtempSync(join(dir, 'explain-'));
  writeFileSync(
    join(ex, 'pods_deleted.toml'),
    `[metadata]
creation_date = "2026/11/20"

[rule]
author = ["synthetic"]
description = "pods deleted"
name = "Synthetic Pods Deleted"
risk_score = 47
rule_id = "0b5e0000-0000-4000-8000-0000000000e1"
severity = "medium"
type = "query"
language = "kuery"
index = ["logs-azure.activitylogs-*"]
query = '''
event.dataset:azure.activitylogs and azure.activitylogs.operation_name:"MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE" and event.outcome:(Success or success)
'''
`,
  );
  writeFileSync(
    join(ex, 'pods_deleted.tests.yml'),
    '- {name: failed delete, expect: match, event: {operationName: MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE, resultType: Failure}}\n',
  );
  writeFileSync(
    join(ex, 'priv.yaml'),
    `id: 0b5e0000-0000-4000-8000-0000000000e2
name: Synthetic privileged pod
severity: High
queryFrequency: 1h
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
tactics: [PrivilegeEscalation]
relevantTechniques: [T1611]
query: |
  CloudAuditEvents
  | where Timestamp > ago(1d)
  | where OperationName == "create"
  | where RawEventData.ResponseStatus.code startswith "20"
  | project Timestamp
`,
  );
  writeFileSync(
    join(ex, 'priv.tests.yml'),
    '- {name: forbidden create, expect: match, formats: [aks], event: {verb: create, objectRef: {resource: pods, namespace: a, name: p}, responseStatus: {code: 403}}}\n',
  );
  const report = await runRuleTests([ex]);
  const why = Object.fromEntries(report.results.flatMap((r) => r.cases.map((c) => [c.name, c.why ?? ''])));
  assert.match(
    why['failed delete']!,
    /query clauses that did not hold: event\.outcome = "failure" \(wanted Success or success\)/,
  );
  assert.match(
    why['forbidden create']!,
    /step 4 'where RawEventData\.ResponseStatus\.code startswith "20"' removed every row \(1 before\)/,
  );
});
