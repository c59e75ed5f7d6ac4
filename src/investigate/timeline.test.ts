import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readEvents, readText } from '../ingest/ingest.js';
import { corpus, repoRoot } from '../../test/corpus.js';
import { TimelineBuilder, type TimelineFilter } from './timeline.js';

const falco = corpus('falcosecurity-falco-k8s_audit');
const samples = join(repoRoot, 'samples', 'aks-attack');

async function timeline(inputs: string[], filter: TimelineFilter, collapse = true) {
  const b = new TimelineBuilder(filter);
  for (const ev of await readEvents(inputs)) b.add(ev);
  return { rows: b.rows(collapse), duplicates: b.duplicates };
}

/** Synthetic audit Event line (labelled synthetic: not from a real cluster). */
function auditLine(over: Record<string, unknown>): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    verb: 'get',
    user: { username: 'synthetic-user' },
    sourceIPs: ['10.1.2.3'],
    objectRef: { resource: 'secrets', namespace: 'prod', name: 'db' },
    responseStatus: { code: 200 },
    ...over,
  });
}

test('falco traces: the timeline of minikube-user lists the exec and then the cluster-admin binding', async () => {
  const { rows } = await timeline([falco], { user: ['MINIKUBE-USER'] });
  assert.ok(rows.length > 10);
  assert.ok(rows.every((r) => r.actor === 'minikube-user'));
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.ts <= rows[i]!.ts, 'chronological');
  const exec = rows.findIndex(
    (r) => r.target.startsWith('pods/exec') && r.location.endsWith('exec_pod.json:1'),
  );
  const bind = rows.findIndex(
    (r) =>
      r.target.startsWith('clusterrolebindings') && r.location.endsWith('attach_cluster_admin_role.json:1'),
  );
  assert.ok(exec >= 0 && bind >= 0, 'both steps are on the timeline');
  assert.ok(exec < bind, 'exec (13:38) comes before the cluster-admin binding (14:26)');
  assert.equal(rows[exec]!.outcome, '101 allow');
  assert.equal(rows[exec]!.ip, '192.168.99.1');
});

test('samples (synthetic): eve across kube-audit, kube-audit-admin and the Activity Log, each request once', async () => {
  const { rows, duplicates } = await timeline([samples], { user: ['eve@contoso.onmicrosoft.com'] });
  assert.ok(duplicates > 0, 'the kube-audit-admin copies are merged');
  const keys = rows.map((r) => `${r.time}|${r.action}|${r.target}`);
  assert.equal(new Set(keys).size, keys.length);
  const sources = new Set(rows.map((r) => r.source.split('/')[0]));
  assert.ok(sources.has('azure-activity') && sources.has('aks-diagnostic'));
  const first = rows[0]!;
  assert.match(first.action, /LISTCLUSTERUSERCREDENTIAL/);
  const exec = rows.find((r) => r.target.startsWith('pods/exec'));
  assert.equal(exec?.action, 'get', 'WebSocket exec is shown, not collapsed as a read');
  assert.ok(!rows.some((r) => /dev@/.test(r.actor)));
});

test('--user matches a service account by its short form and Activity callers by UPN claim', async () => {
  const text = [
    auditLine({
      user: { username: 'system:serviceaccount:default:backup' },
      requestReceivedTimestamp: '2026-01-01T00:00:00Z',
      stageTimestamp: '2026-01-01T00:00:00Z',
      auditID: 'a1',
    }),
    auditLine({
      user: { username: 'someone-else' },
      requestReceivedTimestamp: '2026-01-01T00:00:01Z',
      stageTimestamp: '2026-01-01T00:00:01Z',
      auditID: 'a2',
    }),
  ].join('\n');
  const events = readText(text, 'synthetic.log').events;
  for (const u of [
    'default:backup',
    'backup',
    'System:ServiceAccount:default:backup',
    'system:serviceaccount:*:backup',
  ]) {
    const b = new TimelineBuilder({ user: [u] });
    for (const ev of events) b.add(ev);
    assert.deepEqual(
      b.rows().map((r) => r.actor),
      ['system:serviceaccount:default:backup'],
      u,
    );
  }
});

test('identical reads within a minute collapse into one line with a count, unless collapse is off', () => {
  const lines: string[] = [];
  for (let i = 0; i < 3; i++)
    lines.push(
      auditLine({
        auditID: `r${i}`,
        stageTimestamp: `2026-01-01T00:00:${10 + i * 10}Z`,
        requestReceivedTimestamp: `2026-01-01T00:00:${10 + i * 10}Z`,
      }),
    );
  // Two minutes later: a new run.
  lines.push(
    auditLine({
      auditID: 'r9',
      stageTimestamp: '2026-01-01T00:02:30Z',
      requestReceivedTimestamp: '2026-01-01T00:02:30Z',
    }),
  );
  // An exec over WebSockets (verb get) is an action, never collapsed.
  for (let i = 0; i < 2; i++)
    lines.push(
      auditLine({
        auditID: `e${i}`,
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web' },
        responseStatus: { code: 101 },
        stageTimestamp: `2026-01-01T00:00:1${i}Z`,
        requestReceivedTimestamp: `2026-01-01T00:00:1${i}Z`,
      }),
    );
  const b = new TimelineBuilder();
  for (const ev of readText(lines.join('\n'), 'synthetic.log').events) b.add(ev);
  const rows = b.rows();
  const secretRows = rows.filter((r) => r.target.startsWith('secrets'));
  assert.deepEqual(
    secretRows.map((r) => r.count),
    [3, 1],
  );
  assert.equal(secretRows[0]!.lastTime, '2026-01-01T00:00:30Z');
  assert.equal(rows.filter((r) => r.target.startsWith('pods/exec')).length, 2);
  assert.equal(b.rows(false).length, 6);
});

test('filters: ip (CIDR), namespace, resource and time bounds', async () => {
  const all = (await timeline([samples], {})).rows.length;
  const byIp = await timeline([samples], { ip: ['198.51.100.0/24'] });
  assert.ok(byIp.rows.length > 0 && byIp.rows.length < all);
  assert.ok(byIp.rows.every((r) => r.ip.startsWith('198.51.100.')));
  const secrets = await timeline([samples], { resource: ['secrets'] });
  assert.deepEqual(
    secrets.rows.map((r) => `${r.actor} ${r.action}`),
    ['eve@contoso.onmicrosoft.com list'],
  );
  const ns = await timeline([samples], { namespace: ['kube-system'] });
  assert.ok(ns.rows.length > 0 && ns.rows.every((r) => r.namespace === 'kube-system'));
  const from = Date.parse('2026-11-20T09:10:00Z');
  const to = Date.parse('2026-11-20T09:16:00Z');
  const window = await timeline([samples], { from, to, user: ['eve@contoso.onmicrosoft.com'] });
  assert.ok(window.rows.length >= 3 && window.rows.every((r) => r.ts >= from && r.ts <= to));
});

test('Elastic Azure Activity Log samples: the caller is the appid claim and --user / --ip find it', async () => {
  const dir = corpus('elastic-integrations/azure-activitylogs');
  const app = '8A4DE8B5-095C-47D0-A96F-A75130C61D53';
  const { rows } = await timeline([dir], { user: [app] });
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((r) => r.source === 'azure-activity/azure' && r.ip === '81.2.69.144'));
  assert.match(rows[0]!.action, /LISTKEYS\/ACTION/i);
  const byIp = await timeline([dir], { ip: ['81.2.69.0/24'] });
  assert.ok(byIp.rows.length >= rows.length);
  const none = await timeline([dir], { user: ['nobody@example.invalid'] });
  assert.equal(none.rows.length, 0);
});

test('kubectl events (synthetic snapshot) sit on the same timeline; --resource pods matches kind Pod', () => {
  const kev = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'prod', uid: 'k1' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'prod' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    type: 'Warning',
    source: { component: 'kubelet' },
    lastTimestamp: '2026-01-01T00:00:05Z',
  });
  const audit = auditLine({
    auditID: 'x',
    stageTimestamp: '2026-01-01T00:00:01Z',
    requestReceivedTimestamp: '2026-01-01T00:00:01Z',
  });
  const b = new TimelineBuilder({ namespace: ['PROD'] });
  for (const ev of readText(`${kev}\n${audit}`, 'synthetic.json').events) b.add(ev);
  const rows = b.rows();
  assert.deepEqual(
    rows.map((r) => `${r.source} ${r.actor} ${r.action} ${r.outcome}`),
    ['k8s-audit/k8s synthetic-user get 200', 'kube-events/k8s kubelet BackOff Warning'],
  );
  const pods = new TimelineBuilder({ resource: ['pods'] });
  for (const ev of readText(`${kev}\n${audit}`, 'synthetic.json').events) pods.add(ev);
  assert.deepEqual(
    pods.rows().map((r) => r.target),
    ['Pod prod/web'],
  );
});

test('a pod created from generateName is shown with the name the server gave it (falco trace)', async () => {
  const { rows } = await timeline(
    [corpus('falcosecurity-falco-k8s_audit/create_nginx_pod_privileged.json')],
    {},
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.target, 'pods default/nginx-deployment-5cdcc99dbf-rgw6z');
  assert.equal(rows[0]!.actor, 'system:serviceaccount:kube-system:replicaset-controller');
});
