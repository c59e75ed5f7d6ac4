import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Alert } from '../../src/alerts/alert.js';
import { parseDuration, readKustoRuleFile } from '../../src/detect/kusto/kusto-rule.js';
import { loadRules } from '../../src/detect/load-rules.js';
import { formatDiagnostic } from '../../src/diag/diagnostic.js';
import type { AuditEvent } from '../../src/model/event.js';
import { aksSeedEvents } from './aks-fixture.js';
import { defenderSeedQueries } from './seed-queries.js';

const events = aksSeedEvents();

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function scanWith(files: Record<string, string>, evs: readonly AuditEvent[] = events) {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-kusto-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const loaded = await loadRules([dir]);
  const alerts: Alert[] = [];
  const reports: string[] = [];
  for (const d of loaded.detections) {
    const r = d.createRunner({
      emit: (a) => alerts.push(a),
      report: (x) => reports.push(formatDiagnostic(x)),
    });
    for (const ev of evs) if (d.applies(ev)) r.push(ev);
    r.flush();
  }
  return { loaded, alerts, reports };
}

const indent = (q: string) =>
  q
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

// A Sentinel analytic rule around the verbatim Defender seed query (synthetic rule file).
const sentinelRule = (query: string, extra = '') => `id: 6f1c2f64-0000-4000-8000-000000000001
name: Privileged pod (synthetic test rule)
description: test
severity: High
queryFrequency: 1h
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
tactics:
  - PrivilegeEscalation
relevantTechniques:
  - T1611
query: |
${indent(query)}
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: Name
        columnName: Username
customDetails:
  Container: ContainerName
alertDetailsOverride:
  alertDisplayNameFormat: Privileged container {{ContainerName}}
${extra}`;

test('durations: Sentinel, ISO-8601 and Defender forms', () => {
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('PT5H'), 5 * 3_600_000);
  assert.equal(parseDuration('P1D'), 86_400_000);
  assert.equal(parseDuration('P1DT12H'), 36 * 3_600_000);
  assert.equal(parseDuration('nope'), undefined);
});

test('a Sentinel rule groups all results into a single alert by default', async () => {
  const { loaded, alerts } = await scanWith({ 'priv.yaml': sentinelRule(defenderSeedQueries()[0] ?? '') });
  assert.deepEqual(loaded.diagnostics, []);
  assert.equal(loaded.detections.length, 1);
  assert.equal(loaded.detections[0]?.meta.language, 'kusto');
  assert.equal(loaded.detections[0]?.meta.threat[0]?.tactic?.name, 'Privilege Escalation');
  // one run (2024-11-12T22:00) sees the old pod; the 2024-11-15T22:00 run sees the three new ones,
  // and the later runs of the 1d period see the same three again without a new alert
  assert.deepEqual(
    alerts.map((x) => [x.details?.runTime, x.events.length]),
    [
      ['2024-11-12T22:00:00.000Z', 1],
      ['2024-11-15T22:00:00.000Z', 3],
    ],
  );
  const a = alerts[1] as Alert;
  assert.equal(a.severity, 'high');
  assert.deepEqual(a.entities.users, ['system:serviceaccount:kube-system:replicaset-controller']);
  assert.equal(a.title, 'Privileged container nginx');
  assert.equal(a.details?.resultCount, 3);
});

test('AlertPerResult gives one alert per row, not repeated by overlapping runs', async () => {
  const extra = 'eventGroupingSettings:\n  aggregationKind: AlertPerResult\n';
  const { alerts } = await scanWith({ 'priv.yaml': sentinelRule(defenderSeedQueries()[0] ?? '', extra) });
  // queryPeriod 1d with 1h frequency: each pod is seen by many runs but alerted once
  assert.deepEqual(
    alerts.map((a) => [
      a.title,
      a.time,
      a.events.length,
      (a.details?.customDetails as Record<string, unknown> | undefined)?.Container,
    ]),
    [
      ['Privileged container nginx', '2024-11-15T21:30:00.000Z', 1, 'nginx'],
      ['Privileged container mysql', '2024-11-15T21:31:00.000Z', 1, 'mysql'],
      ['Privileged container mysql', '2024-11-15T21:32:00.000Z', 1, 'mysql'],
      ['Privileged container nginx', '2024-11-12T21:30:00.000Z', 1, 'nginx'],
    ].sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
  );
  // the 3-day-old pod is found by the run of its own hour (ago() is relative to each run)
  assert.equal(alerts[0]?.events[0]?.time, '2024-11-12T21:30:00.000000Z');
});

test('a Defender custom detection (frequency + impactedEntities) alerts per row', async () => {
  const q = defenderSeedQueries()[2] ?? '';
  const rule = `detectionType: defender
id: 11111111-2222-4333-8444-555555555555
name: Cluster-admin binding (synthetic test rule)
severity: medium
frequency: 1h
category: PrivilegeEscalation
mitreTechniques: [T1078]
impactedEntities:
  - type: user
    column: ActionTakenBy
query: |
${indent(q)}
`;
  const { loaded, alerts } = await scanWith({ 'defender.yaml': rule });
  assert.deepEqual(loaded.diagnostics, []);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]?.entities.users, ['minikube-user']);
  assert.equal(alerts[0]?.events[0]?.audit?.objectRef?.name, 'some-reader-binding');
  assert.equal(alerts[0]?.severity, 'medium');
});

test('triggerThreshold: a summarize rule fires only above the threshold', async () => {
  const rule = (threshold: number) => `id: t-${threshold}
name: Many creates (synthetic test rule)
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: ${threshold}
query: |
  AKSAudit
  | where Verb == "create"
  | summarize n = count() by User = tostring(User.username)
`;
  const a = await scanWith({ 'a.yaml': rule(0) });
  const b = await scanWith({ 'b.yaml': rule(5) });
  assert.ok(a.alerts.length > 0);
  // every run's result has fewer than 5 rows
  assert.equal(b.alerts.length, 0);
  const first = a.alerts[0] as Alert;
  assert.ok(first.events.length > 0, 'summarized rows keep the events behind them');
});

test('a rule with a bad query is a load diagnostic positioned in the rule file', async () => {
  const text = sentinelRule('CloudAuditEvents\n| where OperationNam == "create"');
  const { loaded } = await scanWith({ 'bad.yaml': text });
  assert.equal(loaded.detections.length, 0);
  const d = loaded.diagnostics.find((x) => x.code === 'KUS002');
  assert.ok(d?.span && d.source === text);
  assert.equal(text.slice(d.span.start, d.span.end), 'OperationNam');
  assert.match(formatDiagnostic(d), /bad\.yaml:\d+:\d+: error KUS002/);
  assert.equal(d.hint, "did you mean 'OperationName'?");
});

test('.kql files: a header with a schedule is a rule, without one a saved hunt', async () => {
  const rule = `// name: exec in kube-system (synthetic test rule)
// severity: high
// frequency: 1h
// period: 1d
// tactics: Execution
// techniques: T1609
${defenderSeedQueries()[1] ?? ''}
`;
  const hunt = '// name: all\n// title: just a hunt\nAKSAudit | take 1\n';
  const { loaded, alerts } = await scanWith({ 'exec.kql': rule, 'hunt.kql': hunt });
  assert.equal(loaded.detections.length, 1);
  assert.equal(alerts.length, 1);
  assert.equal(
    (alerts[0]?.details?.rows as Record<string, unknown>[] | undefined)?.[0]?.ParsedCommand,
    'sh -c cat /etc/shadow',
  );
  assert.equal(readKustoRuleFile('hunt.kql', hunt).savedHunt, true);
});

test('Sigma files are not claimed by the Kusto loader', async () => {
  const sigma =
    'title: x\nlogsource:\n  product: kubernetes\n  service: audit\ndetection:\n  sel:\n    verb: create\n  condition: sel\n';
  const { loaded } = await scanWith({ 's.yml': sigma });
  assert.ok(loaded.detections.every((d) => d.meta.language !== 'kusto'));
});

test("the built-in pack's Kusto rules load and find the seed cases", async () => {
  const loaded = await loadRules(['rules/kusto']);
  assert.deepEqual(
    loaded.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.equal(loaded.detections.length, 3);
  const found = new Map<string, number>();
  for (const d of loaded.detections) {
    const r = d.createRunner({
      emit: () => found.set(d.meta.name, (found.get(d.meta.name) ?? 0) + 1),
      report: () => {},
    });
    for (const ev of events) if (d.applies(ev)) r.push(ev);
    r.flush();
  }
  assert.equal(found.size, 3, JSON.stringify([...found]));
});

test('the loader claims Sentinel/Defender YAML and JSON, not other files with a query key', async () => {
  const { looksLikeKustoRule } = await import('../../src/detect/kusto/kusto-rule.js');
  assert.equal(looksLikeKustoRule('name: x\nquery: |\n  T | take 1\nqueryFrequency: 1h\n'), true);
  assert.equal(looksLikeKustoRule('{"name":"x","query":"T | take 1","frequency":"1h"}'), true);
  assert.equal(
    looksLikeKustoRule('{"rule_id":"x","query":"a:b","language":"kuery","frequency":"1h"}'),
    false,
  );
  assert.equal(looksLikeKustoRule('name: x\nquery: abc\n'), false);
  assert.equal(
    looksLikeKustoRule(
      'title: x\nlogsource:\n  product: k\ndetection:\n  query: a\n  condition: query\nfrequency: 1h',
    ),
    false,
  );
  // a Defender custom detection as JSON loads and runs
  const rule = JSON.stringify({
    detectionType: 'defender',
    id: 'json-1',
    name: 'exec (synthetic JSON rule)',
    severity: 'high',
    frequency: '1h',
    query: defenderSeedQueries()[1],
    impactedEntities: [{ type: 'user', column: 'Username' }],
  });
  const { loaded, alerts } = await scanWith({ 'exec.json': rule });
  assert.deepEqual(loaded.diagnostics, []);
  assert.deepEqual(
    alerts.map((a) => a.entities.users),
    [['minikube-user']],
  );
});

test('a Kusto detection keeps only the events its leading filters can pass, clock filters aside', async () => {
  const { parseKusto } = await import('../../src/lang/kusto/parse-kusto.js');
  const { kustoSchemas } = await import('../../src/detect/kusto/catalog.js');
  const { bufferFilter } = await import('../../src/detect/kusto/kusto-detection.js');
  // The verbatim Defender exec seed query: Timestamp > ago(1d), AKS, create, pods, 101, kube-system, exec.
  const query = defenderSeedQueries().find((q) => q.includes('"exec"'));
  assert.ok(query);
  const program = parseKusto(query, kustoSchemas()).program;
  assert.ok(program);
  const keep = bufferFilter(program);
  const kept = events.filter(keep);
  // The two execs into kube-system are kept (the tunnelfront one is dropped later by the query's
  // !startswith, not by a leading filter); the exec into default and everything else is not.
  assert.deepEqual(
    kept.map((ev) => `${ev.audit?.objectRef?.namespace}/${ev.audit?.objectRef?.name}`),
    ['kube-system/coredns-5d8f6c7b9-x2x7q', 'kube-system/tunnelfront-7d9f8'],
  );
  // `Timestamp > ago(1d)` is not applied while buffering: it depends on each scheduled run's now.
  const old = { ...kept[0]!, ts: Date.parse('1960-01-01T00:00:00Z') } as AuditEvent;
  assert.equal(keep(old), true);
});
