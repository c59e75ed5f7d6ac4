// Elastic rule semantics on our own synthetic rules (TOML written here) and synthetic events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { loadElasticRule } from '../../src/detect/elastic/elastic-loader.js';
import { envelope } from '../../src/detect/testing/envelopes.js';
import { completeAuditEvent } from '../../src/detect/testing/synthetic-event.js';
import { type Diagnostic, location } from '../../src/diag/diagnostic.js';
import { at, audit, ms, readSynthetic, run } from './synthetic.js';

/** A synthetic query rule over Kubernetes audit logs; `extra` is appended to the [rule] table. */
function rule(
  query: string,
  extra = '',
  type = 'query',
): { det: Detection | undefined; diagnostics: Diagnostic[] } {
  const text = `[metadata]
maturity = "production"

[rule]
author = ["auditscope tests"]
description = "Synthetic test rule."
name = "Synthetic rule"
rule_id = "synthetic-1"
risk_score = 21
severity = "low"
type = "${type}"
language = "kuery"
index = ["logs-kubernetes.audit_logs-*"]
query = '''
${query}
'''
${extra}
`;
  const r = loadElasticRule('synthetic.toml', text);
  return { det: r.detections[0], diagnostics: r.diagnostics };
}

function det(query: string, extra = '', type = 'query'): Detection {
  const r = rule(query, extra, type);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return r.det!;
}

const get = (user: string, m = 0, extra: Record<string, unknown> = {}) =>
  audit(
    {
      verb: 'get',
      objectRef: { resource: 'secrets', namespace: 'prod', name: `s-${user}` },
      user: { username: user, groups: ['g1'] },
      ...extra,
    },
    at(m),
  );

test('inline exceptions: match, match_any, wildcard, exists, excluded and nested entries', () => {
  const exceptions = `
[[rule.exceptions_list]]
list_id = "synthetic-exceptions"
namespace_type = "single"
type = "detection"
[[rule.exceptions_list.items]]
name = "known admins"
[[rule.exceptions_list.items.entries]]
field = "user.name"
type = "match_any"
operator = "included"
value = ["admin", "root"]
[[rule.exceptions_list.items]]
name = "automation outside prod"
[[rule.exceptions_list.items.entries]]
field = "user.name"
type = "wildcard"
operator = "included"
value = "system:serviceaccount:*"
[[rule.exceptions_list.items.entries]]
field = "kubernetes.audit.objectRef.namespace"
type = "match"
operator = "excluded"
value = "prod"
[[rule.exceptions_list.items]]
name = "nested"
[[rule.exceptions_list.items.entries]]
field = "kubernetes.audit.user"
type = "nested"
operator = "included"
[[rule.exceptions_list.items.entries.entries]]
field = "username"
type = "match"
operator = "included"
value = "breakglass"
`;
  const d = det('kubernetes.audit.objectRef.resource:secrets', exceptions);
  const n = (ev: ReturnType<typeof get>) => run(d, [ev], ms(1)).alerts.length;
  assert.equal(n(get('mallory')), 1);
  assert.equal(n(get('admin')), 0);
  assert.equal(n(get('root')), 0);
  assert.equal(n(get('Admin')), 1, 'match is case-sensitive');
  assert.equal(n(get('breakglass')), 0);
  // Service accounts are excepted only outside prod (operator excluded negates the entry).
  assert.equal(n(get('system:serviceaccount:ci:deployer')), 1);
  const dev = audit({
    verb: 'get',
    objectRef: { resource: 'secrets', namespace: 'dev', name: 's' },
    user: { username: 'system:serviceaccount:ci:deployer' },
  });
  assert.equal(n(dev), 0);
});

test('an exception list without inline items is a warning, and the rule still runs', () => {
  const r = rule(
    'kubernetes.audit.verb:get',
    '[[rule.exceptions_list]]\nid = "abc"\nlist_id = "remote-list"\nnamespace_type = "single"\ntype = "detection"\n',
  );
  assert.ok(r.det);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.severity]),
    [['ELA009', 'warning']],
  );
});

test('building_block_type marks alerts as building blocks', () => {
  const d = det('kubernetes.audit.verb:get', 'building_block_type = "default"');
  const a = run(d, [get('bob')], ms(1)).alerts;
  assert.equal(a[0]!.details?.['kibana.alert.building_block_type'], 'default');
  const plain = run(det('kubernetes.audit.verb:get'), [get('bob')], ms(1)).alerts;
  assert.equal(plain[0]!.details?.['kibana.alert.building_block_type'], undefined);
});

test('severity_mapping picks the highest matching severity; risk_score_mapping reads a numeric field', () => {
  const d = det(
    'kubernetes.audit.verb:get',
    `[[rule.severity_mapping]]
field = "kubernetes.audit.objectRef.namespace"
operator = "equals"
value = "prod"
severity = "high"
[[rule.severity_mapping]]
field = "user.name"
operator = "equals"
value = "mallory"
severity = "critical"
[[rule.severity_mapping]]
field = "kubernetes.audit.objectRef.namespace"
operator = "equals"
value = "prod"
severity = "medium"
[[rule.risk_score_mapping]]
field = "kubernetes.audit.responseStatus.code"
operator = "equals"
value = ""
`,
  );
  const [bob] = run(d, [get('bob')], ms(1)).alerts;
  assert.equal(bob!.severity, 'high');
  assert.equal(bob!.details?.['kibana.alert.severity'], 'high');
  assert.equal(bob!.riskScore, 21, 'code 200 is out of 0..100, so the rule risk score stays');
  const [mal] = run(d, [get('mallory')], ms(1)).alerts;
  assert.equal(mal!.severity, 'critical');
  const dev = audit({
    verb: 'get',
    objectRef: { resource: 'secrets', namespace: 'dev' },
    responseStatus: { code: 42 },
  });
  const [devAlert] = run(d, [dev], ms(1)).alerts;
  assert.equal(devAlert!.severity, 'low');
  assert.equal(devAlert!.riskScore, 42);
});

test('alert suppression with a duration merges alerts of the same group inside the window', () => {
  const d = det(
    'kubernetes.audit.verb:get',
    `[rule.alert_suppression]
group_by = ["user.name"]
duration = { value = 30, unit = "m" }
missing_fields_strategy = "suppress"`,
  );
  const evs = [get('bob', 0), get('bob', 10), get('alice', 10), get('bob', 20), get('bob', 50)];
  const a = run(d, evs).alerts;
  const bob = a.filter((x) => x.events[0]!.audit?.user?.username === 'bob');
  assert.equal(bob.length, 2, 'one alert for 0..20, a new one at 50 (window expired)');
  assert.equal(bob[0]!.details?.['kibana.alert.suppression.docs_count'], 2);
  assert.deepEqual(bob[0]!.details?.['kibana.alert.suppression.terms'], [
    { field: 'user.name', value: ['bob'] },
  ]);
  assert.equal(a.filter((x) => x.events[0]!.audit?.user?.username === 'alice').length, 1);
});

test('alert suppression without duration works per execution; doNotSuppress keeps alerts missing the field', () => {
  const perExec = det('kubernetes.audit.verb:get', '[rule.alert_suppression]\ngroup_by = ["user.name"]');
  // Two executions (t and t+5m) see bob: one alert each.
  assert.equal(run(perExec, [get('bob', 0), get('bob', 0.5), get('bob', 7)], ms(8)).alerts.length, 2);
  const noUser = () =>
    audit({ verb: 'get', objectRef: { resource: 'secrets', namespace: 'prod' }, user: null }, at(0));
  assert.equal(run(perExec, [noUser(), noUser()], ms(1)).alerts.length, 1);
  const keep = det(
    'kubernetes.audit.verb:get',
    '[rule.alert_suppression]\ngroup_by = ["user.name"]\nmissing_fields_strategy = "doNotSuppress"',
  );
  assert.equal(run(keep, [noUser(), noUser()], ms(1)).alerts.length, 2);
});

test('threshold: groups by fields, needs the value and the cardinality, and does not count events twice', () => {
  const d = det(
    'kubernetes.audit.verb:get',
    `[rule.threshold]
field = ["user.name"]
value = 3
[[rule.threshold.cardinality]]
field = "kubernetes.audit.objectRef.name"
value = 2`,
    'threshold',
  );
  const secret = (user: string, name: string, m: number) =>
    audit(
      {
        verb: 'get',
        objectRef: { resource: 'secrets', namespace: 'p', name },
        user: { username: user },
        stageTimestamp: at(m),
      },
      at(m),
    );
  const bob = [secret('bob', 'a', 0), secret('bob', 'b', 0.2), secret('bob', 'a', 0.4)];
  const a = run(d, [...bob, secret('alice', 'a', 0), secret('alice', 'b', 0.1)], ms(1)).alerts;
  assert.equal(a.length, 1);
  const r = a[0]!.details?.['kibana.alert.threshold_result'] as {
    terms: unknown;
    count: number;
    cardinality: unknown;
  };
  assert.deepEqual(r.terms, [{ field: 'user.name', value: 'bob' }]);
  assert.equal(r.count, 3);
  assert.deepEqual(r.cardinality, [{ field: 'kubernetes.audit.objectRef.name', value: 2 }]);
  assert.equal(a[0]!.events.length, 3);
  // Three reads of one secret: count reached, cardinality not.
  assert.equal(
    run(d, [secret('eve', 'a', 0), secret('eve', 'a', 0.1), secret('eve', 'a', 0.2)], ms(1)).alerts.length,
    0,
  );
  // Overlapping executions (from now-6m every 5m) do not count the same events again.
  assert.equal(run(d, bob, ms(6)).alerts.length, 1);
});

test('timestamp_override: executions select events by the override field when the document has it', () => {
  const rule = (extra: string) => det('kubernetes.audit.verb:get', extra);
  // Received 30 minutes before the stage timestamp (@timestamp).
  const ev = audit({
    verb: 'get',
    objectRef: { resource: 'secrets', namespace: 'p' },
    requestReceivedTimestamp: at(-30),
    stageTimestamp: at(0),
  });
  const execTime = (d: Detection, now: number) =>
    run(d, [ev], now).alerts.map((a) => a.details?.['@timestamp']);
  // Executions every 5m ending at now = +1m: the first one to see @timestamp is at +1m ...
  assert.deepEqual(execTime(rule(''), ms(1)), [new Date(ms(1)).toISOString()]);
  // ... the first one to see the receive time is at -29m.
  const override = rule('timestamp_override = "kubernetes.audit.requestReceivedTimestamp"');
  assert.deepEqual(execTime(override, ms(1)), [new Date(ms(-29)).toISOString()]);
  // With now pinned before the stage time, only the override makes the event visible.
  assert.equal(run(rule(''), [ev], ms(-20)).alerts.length, 0);
  assert.equal(run(override, [ev], ms(-20)).alerts.length, 1);
  // event.ingested is not produced by the view: Elastic falls back to @timestamp.
  assert.deepEqual(execTime(rule('timestamp_override = "event.ingested"'), ms(1)), [
    new Date(ms(1)).toISOString(),
  ]);
});

test('index patterns pick the dataset document: AKS records read as azure.platformlogs or kubernetes.audit_logs', () => {
  const aks = readSynthetic([
    envelope(
      'aks',
      completeAuditEvent({ verb: 'delete', objectRef: { resource: 'pods', namespace: 'prod', name: 'web' } }),
    ),
  ])[0]!;
  const platform = loadElasticRule(
    'synthetic-aks.toml',
    `[rule]
name = "Synthetic AKS rule"
rule_id = "synthetic-aks"
description = "Synthetic."
risk_score = 47
severity = "medium"
type = "query"
language = "kuery"
index = ["logs-azure.platformlogs-*"]
query = 'azure.platformlogs.category:"kube-audit" and azure.platformlogs.properties.log.verb:delete'
`,
  ).detections[0]!;
  assert.equal(run(platform, [aks], ms(1)).alerts.length, 1);
  const k8s = det('kubernetes.audit.verb:delete and kubernetes.audit.objectRef.resource:pods');
  assert.equal(run(k8s, [aks], ms(1)).alerts.length, 1);
  // The platformlogs field names do not exist in the kubernetes.audit_logs document.
  const wrong = det('azure.platformlogs.properties.log.verb:delete');
  assert.equal(run(wrong, [aks], ms(1)).alerts.length, 0);
});

test('alerts carry the Elastic alert fields and ATT&CK threat', () => {
  const d = det(
    'kubernetes.audit.verb:get',
    `[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1552"
name = "Unsecured Credentials"
reference = "https://attack.mitre.org/techniques/T1552/"
[[rule.threat.technique.subtechnique]]
id = "T1552.007"
name = "Container API"
reference = "https://attack.mitre.org/techniques/T1552/007/"
[rule.threat.tactic]
id = "TA0006"
name = "Credential Access"
reference = "https://attack.mitre.org/tactics/TA0006/"
[rule.investigation_fields]
field_names = ["user.name", "source.ip"]`,
  );
  const [a] = run(d, [get('bob')], ms(1)).alerts;
  assert.equal(d.meta.threat[0]!.techniques[0]!.subtechniques?.[0]?.id, 'T1552.007');
  const threat = a!.details?.['kibana.alert.rule.threat'] as {
    tactic: { id: string };
    technique: { subtechnique: { id: string }[] }[];
  }[];
  assert.equal(threat[0]!.tactic.id, 'TA0006');
  assert.equal(threat[0]!.technique[0]!.subtechnique[0]!.id, 'T1552.007');
  assert.deepEqual(a!.details?.['kibana.alert.rule.investigation_fields'], {
    field_names: ['user.name', 'source.ip'],
  });
  assert.equal(a!.details?.['kibana.alert.original_time'], '2026-11-20T09:00:00.000Z');
  assert.deepEqual(a!.entities.users, ['bob']);
  assert.equal(
    (a!.details!['kibana.alert.ancestors'] as { index: string }[])[0]!.index,
    'logs-kubernetes.audit_logs-default',
  );
});

test('query errors are positioned in the rule file', () => {
  const r = rule('kubernetes.audit.verb:get and user.name:admin~');
  assert.equal(r.det, undefined);
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.code} ${location(d)}`),
    ['KQL011 synthetic.toml:15:41'],
  );
  const e = loadElasticRule(
    'synthetic-eql.toml',
    `[rule]
name = "Synthetic EQL"
rule_id = "synthetic-eql"
description = "Synthetic."
risk_score = 21
severity = "low"
type = "eql"
language = "eql"
index = ["logs-kubernetes.audit_logs-*"]
query = '''
any where kubernetes.audit.verb == "get" and
  length(user.name) > 3
'''
`,
  );
  assert.deepEqual(
    e.diagnostics.map((d) => `${d.code} ${location(d)}`),
    ['EQL011 synthetic-eql.toml:12:3'],
  );
});

test('routing: necessary conditions give a rule-index hint and rule out datasets the query excludes', () => {
  const d = det(
    'data_stream.dataset:"kubernetes.audit_logs" and kubernetes.audit.verb:(create or patch) and kubernetes.audit.objectRef.resource:pods',
  );
  assert.deepEqual(d.index, { kinds: ['audit'], verbs: ['create', 'patch'], resources: ['pods'] });
  const loose = det('kubernetes.audit.verb:create or user.name:bob');
  assert.deepEqual(loose.index, { kinds: ['audit'] });
  // An activity-log rule on filebeat-* (which also names azure.platformlogs) never reads AKS records.
  const azure = loadElasticRule(
    'synthetic-azure.toml',
    `[rule]
name = "Synthetic Azure"
rule_id = "synthetic-azure"
description = "Synthetic."
risk_score = 21
severity = "low"
type = "query"
language = "kuery"
index = ["filebeat-*"]
query = 'event.dataset:azure.activitylogs and event.outcome:success'
`,
  ).detections[0]!;
  assert.deepEqual(azure.index, { kinds: ['activity'] });
  const aks = readSynthetic([envelope('aks', completeAuditEvent({ verb: 'get' }))])[0]!;
  assert.equal(azure.applies(aks), false);
});

test('a look-back shorter than the interval is a warning: Elastic would leave gaps between executions', () => {
  const r = rule('kubernetes.audit.verb:get', 'interval = "10m"\nfrom = "now-5m"');
  assert.ok(r.det);
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['ELA021'],
  );
  // An event 7 minutes before the last execution falls in the gap.
  assert.equal(run(r.det, [get('bob', 0)], ms(7)).alerts.length, 0);
  assert.equal(run(r.det, [get('bob', 0)], ms(3)).alerts.length, 1);
});

test('EQL sequence: until drops the partial sequence of its key; step keys join', () => {
  const text = `[rule]
name = "Synthetic sequence"
rule_id = "synthetic-seq"
description = "Synthetic."
risk_score = 21
severity = "low"
type = "eql"
language = "eql"
index = ["logs-kubernetes.audit_logs-*"]
from = "now-30m"
query = '''
sequence with maxspan=10m
  [any where kubernetes.audit.verb == "create" and kubernetes.audit.objectRef.resource == "secrets"] by kubernetes.audit.objectRef.name
  [any where kubernetes.audit.verb == "get" and kubernetes.audit.objectRef.resource == "secrets"] by kubernetes.audit.objectRef.name
until [any where kubernetes.audit.verb == "delete" and kubernetes.audit.objectRef.resource == "secrets"] by kubernetes.audit.objectRef.name
'''
`;
  const d = loadElasticRule('synthetic-seq.toml', text).detections[0]!;
  const op = (verb: string, name: string, m: number) =>
    audit({ verb, objectRef: { resource: 'secrets', namespace: 'p', name }, stageTimestamp: at(m) }, at(m));
  assert.equal(run(d, [op('create', 'a', 0), op('get', 'a', 2)], ms(3)).alerts.length, 1);
  assert.equal(
    run(d, [op('create', 'a', 0), op('delete', 'a', 1), op('get', 'a', 2)], ms(3)).alerts.length,
    0,
  );
  assert.equal(
    run(d, [op('create', 'a', 0), op('delete', 'b', 1), op('get', 'a', 2)], ms(3)).alerts.length,
    1,
  );
  assert.equal(run(d, [op('create', 'a', 0), op('get', 'b', 2)], ms(3)).alerts.length, 0);
});

test('new_terms over two fields: each combination of values (arrays fan out) is a term', () => {
  const d = det(
    'kubernetes.audit.verb:get',
    `[rule.new_terms]
field = "new_terms_fields"
value = ["user.name", "source.ip"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-7d"`,
    'new_terms',
  );
  const from = (user: string, ips: string[], m: number) =>
    audit(
      {
        verb: 'get',
        objectRef: { resource: 'pods', namespace: 'p' },
        user: { username: user },
        sourceIPs: ips,
      },
      at(m),
    );
  const history = from('bob', ['198.51.100.1', '198.51.100.2'], -24 * 60);
  // bob from .1 is known; bob from .3 is new; alice from .1 is new.
  const evs = [
    history,
    from('bob', ['198.51.100.1'], 0),
    from('bob', ['198.51.100.3'], 0.1),
    from('alice', ['198.51.100.1'], 0.2),
  ];
  const alerts = run(d, evs, ms(1)).alerts.filter((a) => a.events[0] !== history);
  assert.deepEqual(
    alerts.map((a) => a.details?.['kibana.alert.new_terms']),
    [
      ['bob', '198.51.100.3'],
      ['alice', '198.51.100.1'],
    ],
  );
});

test('threshold without fields counts the whole window', () => {
  const d = det('kubernetes.audit.verb:get', '[rule.threshold]\nfield = []\nvalue = 2', 'threshold');
  assert.equal(run(d, [get('a', 0)], ms(1)).alerts.length, 0);
  const [a] = run(d, [get('a', 0), get('b', 0.5)], ms(1)).alerts;
  assert.equal((a!.details!['kibana.alert.threshold_result'] as { count: number }).count, 2);
});

test('rule_name_override names the alert after a field of the event', () => {
  const d = det('kubernetes.audit.verb:get', 'rule_name_override = "kubernetes.audit.objectRef.name"');
  const [a] = run(d, [get('bob')], ms(1)).alerts;
  assert.equal(a!.details?.['kibana.alert.rule.name'], 's-bob');
  assert.match(a!.title ?? '', /^s-bob: /);
  const plain = run(det('kubernetes.audit.verb:get'), [get('bob')], ms(1)).alerts[0]!;
  assert.equal(plain.details?.['kibana.alert.rule.name'], 'Synthetic rule');
});

test('rules for data auditscope never reads, and deprecated rules, are skipped with a reason, not errors', () => {
  const endpoint = loadElasticRule(
    'synthetic-endpoint.toml',
    `[metadata]
maturity = "production"
[rule]
name = "Synthetic endpoint rule"
rule_id = "synthetic-endpoint"
description = "Synthetic."
risk_score = 21
severity = "low"
type = "eql"
language = "eql"
index = ["logs-endpoint.events.process-*", "winlogbeat-*"]
query = '''
process where length(process.name) > 3 | head 1
'''
`,
  );
  assert.deepEqual(endpoint.diagnostics, []);
  assert.equal(endpoint.detections.length, 0);
  assert.match(
    endpoint.skipped[0]!.reason,
    /index patterns \(logs-endpoint\.events\.process-\*, winlogbeat-\*\) select none/,
  );
  const esql = loadElasticRule(
    'synthetic-esql-aws.toml',
    `[rule]\nname = "Synthetic AWS"\nrule_id = "s"\ndescription = "Synthetic."\nrisk_score = 21\nseverity = "low"\ntype = "esql"\nlanguage = "esql"\nquery = '''\nfrom logs-aws.cloudtrail-* metadata _id | where event.action == "x"\n'''\n`,
  );
  assert.equal(esql.skipped.length, 1);
  const deprecated = loadElasticRule(
    'synthetic-deprecated.toml',
    `[metadata]\nmaturity = "deprecated"\n[rule]\nname = "Old"\nrule_id = "o"\ndescription = "Synthetic."\nrisk_score = 21\nseverity = "low"\ntype = "query"\nlanguage = "kuery"\nindex = ["logs-kubernetes.audit_logs-*"]\nquery = 'kubernetes.audit.verb:get'\n`,
  );
  assert.match(deprecated.skipped[0]!.reason, /deprecated/);
});
