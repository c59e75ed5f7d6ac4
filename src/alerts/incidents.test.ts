import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dedupAlerts, dedupEvents } from './dedup.js';
import { groupIncidents } from './incidents.js';
import { alertOf, auditEvent, ruleMeta } from './test-fixtures.js';

// Synthetic events and alerts throughout.

const t = (mm: string) => `2026-11-20T09:${mm}:00.000000Z`;
const recon = ruleMeta('Secrets listed', ['attack.credential-access', 'attack.t1552.007']);
const priv = ruleMeta('Privileged pod', ['attack.privilege-escalation', 'attack.t1611'], 'high');
const exec = ruleMeta('Exec', ['attack.execution', 'attack.t1609']);
const other = ruleMeta('Other user thing', ['attack.t1613'], 'low');

const eve = { username: 'eve@contoso.example' };
const ev = (id: string, mm: string, a: object) => auditEvent({ auditID: id, stageTimestamp: t(mm), ...a });

test('alerts sharing a user within the window form one incident with a time-ordered timeline', () => {
  const a1 = alertOf(recon, [
    ev('1', '03', {
      verb: 'list',
      user: eve,
      sourceIPs: ['198.51.100.7'],
      objectRef: { resource: 'secrets' },
    }),
  ]);
  const a2 = alertOf(priv, [
    ev('2', '10', {
      verb: 'create',
      user: eve,
      objectRef: { resource: 'pods', namespace: 'default', name: 'p' },
    }),
  ]);
  // exec by someone else on the same pod: linked through the pod, not the user
  const a3 = alertOf(exec, [
    ev('3', '12', {
      verb: 'get',
      user: { username: 'mallory' },
      objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p' },
    }),
  ]);
  const lone = alertOf(other, [
    ev('4', '11', { verb: 'create', user: { username: 'bob' }, sourceIPs: ['203.0.113.9'] }),
  ]);
  const incidents = groupIncidents([a3, lone, a2, a1], { window: 3_600_000 });
  assert.equal(incidents.length, 2);
  const [big, small] = incidents.sort((x, y) => y.alerts.length - x.alerts.length);
  assert.deepEqual(
    big!.timeline.map((e) => e.rule),
    ['Secrets listed', 'Privileged pod', 'Exec'],
  );
  assert.equal(big!.severity, 'high');
  assert.equal(big!.start, t('03'));
  assert.equal(big!.end, t('12'));
  assert.ok(big!.links.includes('users:eve@contoso.example'));
  assert.ok(big!.links.includes('pods:default/p'));
  assert.deepEqual(big!.techniques, ['T1552.007', 'T1609', 'T1611']);
  assert.deepEqual(new Set(big!.entities.users), new Set(['eve@contoso.example', 'mallory']));
  assert.equal(small!.alerts.length, 1);
  assert.equal(small!.alerts[0]!.rule.name, 'Other user thing');
});

test('the window splits alerts that share a user but are far apart', () => {
  const a1 = alertOf(recon, [ev('1', '00', { verb: 'list', user: eve })]);
  const a2 = alertOf(priv, [ev('2', '50', { verb: 'create', user: eve })]);
  assert.equal(groupIncidents([a1, a2], { window: 10 * 60_000 }).length, 2);
  assert.equal(groupIncidents([a1, a2], { window: 60 * 60_000 }).length, 1);
});

test('clusters and shared platform identities do not link unrelated alerts', () => {
  const a1 = alertOf(recon, [ev('1', '01', { verb: 'list', user: { username: 'aksService' } })]);
  const a2 = alertOf(priv, [ev('2', '02', { verb: 'create', user: { username: 'aksService' } })]);
  // both events carry the same cluster id; neither clusters nor aksService link
  assert.equal(groupIncidents([a1, a2]).length, 2);
});

test('the same request through two feeds: one event, one alert listing both feeds', () => {
  const aks = ev('dup', '05', {
    verb: 'create',
    user: eve,
    objectRef: { resource: 'clusterrolebindings', name: 'b' },
  });
  const la = { ...aks, format: 'la-aksaudit' as const, source: { file: 'export.csv', line: 2, index: 0 } };
  const { events, duplicates, feeds } = dedupEvents([aks, la]);
  assert.equal(events.length, 1);
  assert.equal(duplicates, 1);
  assert.deepEqual(feeds.get(aks.id), ['aks-diagnostic', 'la-aksaudit']);
  const alerts = dedupAlerts([alertOf(priv, [aks]), alertOf(priv, [la]), alertOf(exec, [la])]);
  assert.equal(alerts.length, 2, 'one per rule');
  assert.deepEqual(alerts[0]!.details?.feeds, ['aks-diagnostic', 'la-aksaudit']);
  assert.deepEqual(alerts[0]!.details?.sources, ['synthetic.json', 'export.csv']);
  assert.equal(alerts[1]!.details, undefined, 'a single-feed alert is left as it was');
});
