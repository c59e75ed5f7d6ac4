// The two seed rules ("Azure Kubernetes Events Deleted", "Azure Kubernetes Pods Deleted"), written
// as our own TOML fixtures from the seed text, run as Elastic Security runs them. Events are synthetic.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { loadElasticRule } from '../../src/detect/elastic/elastic-loader.js';
import { Schedule } from '../../src/detect/elastic/schedule.js';
import { compileExpr } from '../../src/engine/compile-expr.js';
import { lowerKuery } from '../../src/lang/kibana/lower-kuery.js';
import { parseKuery } from '../../src/lang/kibana/parse-kuery.js';
import { ecsGet } from '../../src/views/ecs/ecs-document.js';
import { repoRoot } from '../corpus.js';
import { activity, at, audit, ms, run } from './synthetic.js';

const fixtures = join(repoRoot, 'test', 'elastic', 'fixtures');
const EVENTS = 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/DELETE';
const PODS = 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE';

function load(name: string): Detection {
  const file = join(fixtures, name);
  const r = loadElasticRule(file, readFileSync(file, 'utf8'));
  assert.deepEqual(r.diagnostics, []);
  return r.detections[0]!;
}

test('seed rules load with the metadata a Kibana user sees', () => {
  const ev = load('azure_kubernetes_events_deleted.toml');
  assert.equal(ev.meta.name, 'Azure Kubernetes Events Deleted');
  assert.equal(ev.meta.severity, 'medium');
  assert.equal(ev.meta.riskScore, 47);
  assert.equal(ev.meta.threat[0]?.tactic?.id, 'TA0005');
  assert.match(ev.meta.guide ?? '', /Investigating Azure Kubernetes Events Deleted/);
  assert.ok(ev.meta.tags.includes('Tactic: Defense Evasion'));
  const pods = load('azure_kubernetes_pods_deleted.toml');
  assert.equal(pods.meta.threat[0]?.tactic?.name, 'Impact');
  assert.equal(pods.meta.references.length, 1);
});

for (const [file, op, other] of [
  ['azure_kubernetes_events_deleted.toml', EVENTS, PODS],
  ['azure_kubernetes_pods_deleted.toml', PODS, EVENTS],
] as const) {
  test(`${file}: fires on a successful ${op.split('/').slice(-2).join('/')}, not on failures or other operations`, () => {
    const det = load(file);
    const now = ms(1);
    for (const resultType of ['Success', 'success']) {
      const a = run(det, [activity({ operationName: op, resultType })], now).alerts;
      assert.equal(a.length, 1, resultType);
      assert.equal(a[0]!.details?.['kibana.alert.severity'], 'medium');
      assert.equal(a[0]!.details?.['kibana.alert.risk_score'], 47);
      assert.equal(a[0]!.details?.['kibana.alert.rule.name'], det.meta.name);
    }
    assert.equal(run(det, [activity({ operationName: op, resultType: 'Failure' })], now).alerts.length, 0);
    assert.equal(run(det, [activity({ operationName: op, resultType: 'Start' })], now).alerts.length, 0);
    assert.equal(run(det, [activity({ operationName: other })], now).alerts.length, 0);
    // Case matters on keyword fields: a lower-case operation name is another value.
    assert.equal(run(det, [activity({ operationName: op.toLowerCase() })], now).alerts.length, 0);
  });
}

test('the outcome filter matches exactly Success and success (keyword, case-sensitive)', () => {
  const { ast } = parseKuery('event.outcome:(Success or success)');
  const { expr } = lowerKuery(ast);
  // Synthetic ECS documents standing in for Filebeat (Success) and Elastic Agent (success) output.
  const evs = ['Success', 'success', 'SUCCESS', 'failure'].map((o) => ({
    o,
    ev: activity({ operationName: EVENTS }),
  }));
  const docs = new Map(evs.map(({ o, ev }) => [ev, { event: { outcome: o } }]));
  const { match } = compileExpr(expr, (f) => (ev) => ecsGet(docs.get(ev), f));
  assert.deepEqual(
    evs.filter(({ ev }) => match(ev)).map(({ o }) => o),
    ['Success', 'success'],
  );
});

test('an event seen by 5 overlapping executions (every 5m, from now-25m) alerts once', () => {
  const det = load('azure_kubernetes_events_deleted.toml');
  const ev = activity({ operationName: EVENTS }, at(0));
  const now = ms(24);
  const sched = new Schedule(5 * 60_000, 25 * 60_000, ev.ts, ev.ts, now);
  const covering = [...sched.times()].filter((t) => t - 25 * 60_000 <= ev.ts && ev.ts <= t);
  assert.equal(covering.length, 5);
  const { alerts } = run(det, [ev], now);
  assert.equal(alerts.length, 1);
  // The first execution that saw it made the alert.
  assert.equal(alerts[0]!.details?.['@timestamp'], new Date(ms(4)).toISOString());
});

test('150 matching events in one execution give 100 alerts (max_signals); a later overlapping execution picks up the rest', () => {
  const det = load('azure_kubernetes_pods_deleted.toml');
  const events = Array.from({ length: 150 }, (_, i) =>
    activity(
      { operationName: PODS, correlationId: `synthetic-${i}` },
      new Date(ms(0) + i * 100).toISOString(),
    ),
  );
  const { alerts: one, reports } = run(det, events, ms(1));
  assert.equal(one.length, 100);
  assert.deepEqual(
    reports.map((r) => r.code),
    ['ELA020'],
  );
  assert.equal(new Set(one.map((a) => a.events[0])).size, 100);
  // The oldest events come first, as the detection engine sorts by timestamp.
  assert.equal(one[0]!.events[0], events[0]);
  const two = run(det, events, ms(6)).alerts;
  assert.equal(two.length, 150);
  assert.equal(new Set(two.map((a) => a.events[0])).size, 150);
});

test('events outside every execution window do not alert: after the pinned now, or before the look-back', () => {
  const det = load('azure_kubernetes_events_deleted.toml');
  const future = activity({ operationName: EVENTS }, at(30));
  assert.equal(run(det, [future], ms(10)).alerts.length, 0);
  // Without --now, executions are aligned on the data, so every event is covered.
  assert.equal(run(det, [future, activity({ operationName: EVENTS }, at(0))]).alerts.length, 2);
});

test('the seed rules only read their index patterns: a Kubernetes audit delete of events is not in them', () => {
  const det = load('azure_kubernetes_events_deleted.toml');
  assert.equal(det.applies(activity({ operationName: EVENTS })), true);
  const k8s = audit({ verb: 'delete', objectRef: { resource: 'events', namespace: 'default', name: 'e1' } });
  assert.equal(det.applies(k8s), false);
  assert.equal(run(det, [k8s], ms(1)).alerts.length, 0);
});
