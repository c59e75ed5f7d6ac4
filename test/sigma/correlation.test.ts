import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorrelationWindows, type WinRecord } from '../../src/detect/sigma/correlation-window.js';
import { createSigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import type { AuditEvent, K8sAudit } from '../../src/model/event.js';
import { auditEvent, run } from './events.js';

// Synthetic events and rules: correlation semantics are defined on hand-built timelines.

const T0 = Date.parse('2024-05-01T10:00:00Z');
const at = (min: number, sec = 0) => new Date(T0 + min * 60_000 + sec * 1000).toISOString();
function ev(time: string, verb: string, user: string, more: Partial<K8sAudit> = {}): AuditEvent {
  return auditEvent({
    kind: 'Event',
    verb,
    user: { username: user },
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default' },
    stageTimestamp: time,
    ...more,
  });
}

const base = (name: string, verb: string, extra = '') => `title: base ${name}
id: ${name}-id
name: ${name}
status: test
logsource:
    product: kubernetes
    service: audit
detection:
    sel:
        verb: ${verb}
${extra}    condition: sel
level: low
`;

function corr(body: string): string {
  return `title: correlation under test
id: corr-id
status: test
level: high
correlation:
${body
  .trim()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;
}

function load(docs: string[], tolerance?: number) {
  const loader = createSigmaLoader(tolerance === undefined ? {} : { outOfOrderToleranceMs: tolerance });
  const r = loader.load('synthetic-correlation.yml', docs.join('---\n'));
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message),
    [],
  );
  return r.detections;
}

const countRule = (cond = 'gte: 3', span = '5m') =>
  corr(
    `type: event_count\nrules:\n    - exec\ngroup-by:\n    - user.username\ntimespan: ${span}\ncondition:\n    ${cond}`,
  );

test('event_count: a burst straddling a 5-minute boundary is caught (sliding, not bucketed)', () => {
  const d = load([countRule(), base('exec', 'create')]);
  const events = [ev(at(4), 'create', 'eve'), ev(at(5, 30), 'create', 'eve'), ev(at(6, 10), 'create', 'eve')];
  const { alerts } = run(d, events);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.events, events);
  assert.deepEqual(alerts[0]!.details?.group, { 'user.username': 'eve' });
  assert.equal(alerts[0]!.rule.name, 'correlation under test');
  assert.equal(alerts[0]!.time, at(6, 10));
});

const windowCases: [string, number[], number][] = [
  // minutes of three events by one user; 5m window, gte 3
  ['all three within 5m', [0, 2, 4.99], 1],
  ['exactly 5m apart is inside (closed window)', [0, 2, 5], 1],
  ['first and last 6m apart', [0, 3, 6], 0],
  ['four events: first three fire, the fourth starts afresh', [0, 1, 2, 3], 1],
  ['six events: two windows, two alerts', [0, 1, 2, 3, 4, 4.5], 2],
];
for (const [name, mins, want] of windowCases) {
  test(`event_count window: ${name}`, () => {
    const d = load([countRule(), base('exec', 'create')]);
    const events = mins.map((m) => ev(new Date(T0 + m * 60_000).toISOString(), 'create', 'eve'));
    assert.equal(run(d, events).alerts.length, want);
  });
}

test('event_count: groups are separate', () => {
  const d = load([countRule(), base('exec', 'create')]);
  const events = [ev(at(0), 'create', 'eve'), ev(at(1), 'create', 'bob'), ev(at(2), 'create', 'eve')];
  assert.equal(run(d, events).alerts.length, 0);
});

test('event_count: out-of-order events within the tolerance are placed by event time', () => {
  const d = load([countRule(), base('exec', 'create')], 60_000);
  const events = [ev(at(6), 'create', 'eve'), ev(at(4), 'create', 'eve'), ev(at(5, 30), 'create', 'eve')];
  const { alerts } = run(d, events);
  assert.equal(alerts.length, 1);
  assert.deepEqual(
    alerts[0]!.events.map((e) => e.time),
    [at(4), at(5, 30), at(6)],
  );
});

test('event_count: an event later than tolerance + timespan is dropped, not counted', () => {
  const d = load([countRule(), base('exec', 'create')], 60_000);
  const events = [ev(at(20), 'create', 'eve'), ev(at(21), 'create', 'eve'), ev(at(2), 'create', 'eve')];
  assert.equal(run(d, events).alerts.length, 0);
});

test('event_count lt: decided when the window closes (at flush)', () => {
  const d = load([countRule('lt: 2'), base('exec', 'create')]);
  const events = [ev(at(0), 'create', 'eve'), ev(at(1), 'create', 'bob'), ev(at(2), 'create', 'bob')];
  const { alerts } = run(d, events);
  assert.deepEqual(
    alerts.map((a) => a.details?.group),
    [{ 'user.username': 'eve' }],
  );
});

test('event_count range: gt 1 and lte 2 (closed windows)', () => {
  const d = load([countRule('gt: 1\n    lte: 2'), base('exec', 'create')]);
  const events = [ev(at(0), 'create', 'eve'), ev(at(1), 'create', 'eve'), ev(at(0), 'create', 'bob')];
  const { alerts } = run(d, events);
  assert.deepEqual(
    alerts.map((a) => [a.details?.group, a.details?.value]),
    [[{ 'user.username': 'eve' }, 2]],
  );
});

test('value_count: distinct namespaces per user', () => {
  const c = corr(
    'type: value_count\nrules:\n    - exec\ngroup-by:\n    - user.username\ntimespan: 10m\ncondition:\n    field: objectRef.namespace\n    gte: 3',
  );
  const d = load([c, base('exec', 'create')]);
  const ns = (t: string, n: string) =>
    ev(t, 'create', 'eve', { objectRef: { resource: 'pods', namespace: n } });
  const same = [ns(at(0), 'a'), ns(at(1), 'a'), ns(at(2), 'b'), ns(at(3), 'b')];
  assert.equal(run(d, same).alerts.length, 0);
  const { alerts } = run(d, [...same.map((e) => ({ ...e })), ns(at(4), 'c')]);
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.details?.value, 3);
});

test('temporal: both rules in the window, any order, same group', () => {
  const c = corr(
    'type: temporal\nrules:\n    - exec\n    - del\ngroup-by:\n    - user.username\ntimespan: 5m',
  );
  const d = load([c, base('exec', 'create'), base('del', 'delete')]);
  assert.equal(run(d, [ev(at(0), 'delete', 'eve'), ev(at(3), 'create', 'eve')]).alerts.length, 1);
  assert.equal(run(d, [ev(at(0), 'delete', 'eve'), ev(at(3), 'create', 'bob')]).alerts.length, 0);
  assert.equal(run(d, [ev(at(0), 'delete', 'eve'), ev(at(6), 'create', 'eve')]).alerts.length, 0);
});

test('temporal_ordered: only in the listed order', () => {
  const c = corr(
    'type: temporal_ordered\nrules:\n    - exec\n    - del\ngroup-by:\n    - user.username\ntimespan: 5m',
  );
  const d = load([c, base('exec', 'create'), base('del', 'delete')]);
  assert.equal(run(d, [ev(at(0), 'create', 'eve'), ev(at(3), 'delete', 'eve')]).alerts.length, 1);
  assert.equal(run(d, [ev(at(0), 'delete', 'eve'), ev(at(3), 'create', 'eve')]).alerts.length, 0);
  // out of arrival order but in event-time order: still ordered
  assert.equal(run(d, [ev(at(3), 'delete', 'eve'), ev(at(0), 'create', 'eve')]).alerts.length, 1);
});

const replicas = (t: string, n: number) =>
  ev(t, 'patch', 'eve', { objectRef: { resource: 'deployments' }, requestObject: { spec: { replicas: n } } });
const aggCases: [string, string, boolean][] = [
  [
    'value_sum gt 10 (4+5+6=15)',
    'type: value_sum\ncondition:\n    field: requestObject.spec.replicas\n    gt: 10',
    true,
  ],
  [
    'value_sum gt 20',
    'type: value_sum\ncondition:\n    field: requestObject.spec.replicas\n    gt: 20',
    false,
  ],
  [
    'value_avg gte 5',
    'type: value_avg\ncondition:\n    field: requestObject.spec.replicas\n    gte: 5',
    true,
  ],
  [
    'value_avg gt 5.5',
    'type: value_avg\ncondition:\n    field: requestObject.spec.replicas\n    gt: 5.5',
    false,
  ],
  [
    'value_median eq 5',
    'type: value_median\ncondition:\n    field: requestObject.spec.replicas\n    eq: 5',
    true,
  ],
  [
    'value_percentile 100 gte 6',
    'type: value_percentile\ncondition:\n    field: requestObject.spec.replicas\n    percentile: 100\n    gte: 6',
    true,
  ],
  [
    'value_percentile 0 gt 4',
    'type: value_percentile\ncondition:\n    field: requestObject.spec.replicas\n    percentile: 0\n    gt: 4',
    false,
  ],
];
for (const [name, body, want] of aggCases) {
  test(`${name}`, () => {
    const c = corr(`${body}\nrules:\n    - scale\ngroup-by:\n    - user.username\ntimespan: 10m`);
    const d = load([c, base('scale', 'patch')]);
    const { alerts } = run(d, [replicas(at(0), 4), replicas(at(1), 5), replicas(at(2), 6)]);
    assert.equal(alerts.length > 0, want);
  });
}

test('generate: referenced rules are silent by default, alert too with generate: true', () => {
  const quiet = load([countRule('gte: 2'), base('exec', 'create')]);
  const events = [ev(at(0), 'create', 'eve'), ev(at(1), 'create', 'eve')];
  assert.deepEqual(
    run(quiet, events).alerts.map((a) => a.rule.name),
    ['correlation under test'],
  );
  const loud = load([
    `${countRule('gte: 2').replace('correlation:\n', 'correlation:\n    generate: true\n')}`,
    base('exec', 'create'),
  ]);
  assert.deepEqual(
    run(loud, events)
      .alerts.map((a) => a.rule.name)
      .sort(),
    ['base exec', 'base exec', 'correlation under test'],
  );
});

test('aliases: group on different fields per rule', () => {
  const c = corr(`type: temporal
rules:
    - exec
    - del
group-by:
    - who
timespan: 5m
aliases:
    who:
        exec: user.username
        del: objectRef.name`);
  const d = load([c, base('exec', 'create'), base('del', 'delete')]);
  const a = ev(at(0), 'create', 'eve');
  const b = ev(at(1), 'delete', 'root', { objectRef: { resource: 'pods', name: 'eve' } });
  const { alerts } = run(d, [a, b]);
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.details?.group, { who: 'eve' });
  assert.equal(
    run(d, [a, ev(at(1), 'delete', 'eve', { objectRef: { resource: 'pods', name: 'x' } })]).alerts.length,
    0,
  );
});

test('chaining: temporal_ordered over an event_count correlation and a rule', () => {
  const outer = `title: many denied then success
id: outer-id
level: high
correlation:
    type: temporal_ordered
    rules:
        - many_denied
        - success
    group-by:
        - user.username
    timespan: 10m
`;
  const inner = `title: many denied
id: inner-id
name: many_denied
correlation:
    type: event_count
    rules:
        - denied
    group-by:
        - user.username
    timespan: 10m
    condition:
        gte: 3
`;
  const denied = base('denied', 'get', '        responseStatus.code: 403\n');
  const success = base('success', 'create', '        responseStatus.code: 201\n');
  const d = load([outer, inner, denied, success]);
  const e = (m: number, verb: string, code: number) => ev(at(m), verb, 'eve', { responseStatus: { code } });
  const { alerts } = run(d, [e(0, 'get', 403), e(1, 'get', 403), e(2, 'get', 403), e(3, 'create', 201)]);
  assert.deepEqual(
    alerts.map((a) => a.rule.name),
    ['many denied then success'],
  );
  assert.equal(alerts[0]!.events.length, 4);
  assert.equal(
    run(d, [e(0, 'create', 201), e(1, 'get', 403), e(2, 'get', 403), e(3, 'get', 403)]).alerts.length,
    0,
  );
});

test('unknown rule reference is reported at run time', () => {
  const d = load([countRule().replace('- exec', '- nothere')]);
  const { reports } = run(d, [ev(at(0), 'create', 'eve')]);
  assert.deepEqual(
    reports.map((r) => r.code),
    ['SIG019'],
  );
});

test('correlation errors: bad type, timespan and missing field are all reported', () => {
  const r = createSigmaLoader().load(
    'x.yml',
    corr('type: event_counts\nrules: [a]\ngroup-by: [u]\ntimespan: 5 minutes\ncondition:\n    gte: 1') +
      '---\n' +
      corr('type: value_count\nrules: [a]\ngroup-by: [u]\ntimespan: 5m\ncondition:\n    gte: 1'),
  );
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['SIG018', 'SIG020', 'SIG018'],
  );
});

test('window state is bounded by time: old records are evicted', () => {
  const w = new CorrelationWindows({
    kind: 'event_count',
    spanMs: 60_000,
    condition: [{ op: 'gte', value: 1000 }],
    ruleCount: 1,
    toleranceMs: 0,
  });
  for (let i = 0; i < 5000; i++) {
    const rec: WinRecord = { ts: i * 1000, seq: i, rule: 0, events: [] };
    w.add(`g${i % 50}`, rec);
  }
  assert.ok(w.recordCount <= 61 + 50, `records kept: ${w.recordCount}`);
  assert.equal(w.flush().length, 0);
  assert.equal(w.recordCount, 0);
});

test('temporal with an explicit condition: 2 of 3 rules suffice', () => {
  const c = corr(
    'type: temporal\nrules:\n    - exec\n    - del\n    - lst\ngroup-by:\n    - user.username\ntimespan: 5m\ncondition:\n    gte: 2',
  );
  const d = load([c, base('exec', 'create'), base('del', 'delete'), base('lst', 'list')]);
  assert.equal(run(d, [ev(at(0), 'list', 'eve'), ev(at(1), 'delete', 'eve')]).alerts.length, 1);
  assert.equal(run(d, [ev(at(0), 'list', 'eve'), ev(at(1), 'list', 'eve')]).alerts.length, 0);
});

for (const cond of [
  { op: 'gte' as const, value: 1000 },
  { op: 'lt' as const, value: 2 },
]) {
  test(`window state is bounded by time with ever-new groups (${cond.op}): empty groups are dropped`, () => {
    const w = new CorrelationWindows({
      kind: 'event_count',
      spanMs: 60_000,
      condition: [cond],
      ruleCount: 1,
      toleranceMs: 0,
    });
    let most = 0;
    for (let i = 0; i < 5000; i++) {
      w.add(`user-${i}`, { ts: i * 1000, seq: i, rule: 0, events: [] });
      most = Math.max(most, w.groupCount);
    }
    // one event a second, 60 s window: at most two windows' worth of groups are ever held
    assert.ok(most <= 2 * 61, `groups held at most: ${most}`);
    w.flush();
    assert.equal(w.groupCount, 0);
  });
}
