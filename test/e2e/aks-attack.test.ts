import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Alert } from '../../src/alerts/alert.js';
import { dedupEvents } from '../../src/alerts/dedup.js';
import { enrichAlerts } from '../../src/alerts/enrich.js';
import { groupIncidents } from '../../src/alerts/incidents.js';
import { loadRules } from '../../src/detect/load-rules.js';
import { aksAuditRow, eksSubscriptionPayload, gkeLogEntry } from '../../src/detect/testing/envelopes.js';
import { readAll } from '../../src/ingest/index.js';
import type { K8sAudit } from '../../src/model/event.js';
import { cliPath, repoRoot } from '../corpus.js';

// Replays the bundled synthetic attack (samples/aks-attack, see samples/README.md) through the
// built-in pack: AKS kube-audit + kube-audit-admin blobs and an Activity Log export.

const samples = join(repoRoot, 'samples', 'aks-attack');
const rules = join(repoRoot, 'rules');
const attacker = 'eve@contoso.onmicrosoft.com';

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}
const lineCount = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).length;

async function scanLibrary(inputs: string[] = [samples]) {
  const loaded = await loadRules([rules]);
  const read = await readAll(inputs);
  const { events, duplicates } = dedupEvents(read.events);
  const alerts: Alert[] = [];
  const runners = loaded.detections.map((d) =>
    d.createRunner({ emit: (a) => alerts.push(a), report: () => {} }),
  );
  for (const ev of events)
    loaded.detections.forEach((d, i) => {
      if (d.applies(ev)) runners[i]!.push(ev);
    });
  for (const r of runners) r.flush();
  const { feeds } = dedupEvents(read.events);
  return { loaded, read, events, duplicates, feeds, alerts: await enrichAlerts(alerts) };
}

test('the multi-step attack becomes one incident with its alerts in story order', async () => {
  const { loaded, read, events, duplicates, alerts } = await scanLibrary();
  assert.equal(read.quarantined.length, 0);
  const all = files(samples).filter((f) => f.endsWith('PT1H.json'));
  const kubeAudit = all.find((f) => f.includes('insights-logs-kube-audit/'))!;
  const admin = all.find((f) => f.includes('insights-logs-kube-audit-admin/'))!;
  const activity = all.find((f) => f.includes('insights-activity-logs/'))!;
  // the kube-audit-admin feed repeats writes: each request is scanned once
  assert.equal(duplicates, lineCount(admin));
  assert.equal(events.length, lineCount(kubeAudit) + lineCount(activity));
  assert.deepEqual([...new Set(events.map((e) => e.format))].sort(), ['aks-diagnostic', 'azure-activity']);

  // every alert is about the attacker: the benign background (aksService, probes, metrics-server,
  // kubelet, scheduler, the developer) raises nothing
  for (const a of alerts)
    assert.deepEqual(a.entities.users, [attacker], `${a.rule.name} on ${a.entities.users}`);

  // the story, step by step (rules of languages whose loader is not registered may add alerts)
  const story = [
    'Kubernetes Permission Enumeration With auth can-i',
    'Kubernetes Secrets Listed by a Non-System Identity',
    'Kubernetes Privileged Container Created',
    'Kubernetes Exec or Attach Into a Container',
    'Kubernetes Binding to cluster-admin or Another Powerful Role',
    'Kubernetes Events Deleted',
    'Azure Kubernetes Events List Operation',
    'Azure Kubernetes Events Deleted',
  ];
  const incidents = groupIncidents(alerts, { window: 30 * 60_000 });
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join(' / '));
  const inc = incidents[0]!;
  assert.equal(inc.alerts.length, alerts.length);
  const names = inc.timeline.map((t) => t.rule);
  let at = -1;
  for (const step of story) {
    const i = names.indexOf(step, at + 1);
    assert.ok(i > at, `'${step}' after step ${at} in ${names.join(' > ')}`);
    at = i;
  }
  const times = inc.timeline.map((t) => Date.parse(t.time));
  assert.deepEqual(
    times,
    [...times].sort((x, y) => x - y),
  );
  for (const r of [
    'Kubernetes Workload Mounts a Sensitive Host Path',
    'Kubernetes Workload Shares the Host Network, PID or IPC Namespace',
  ])
    assert.ok(names.includes(r), r);
  // the same event deletion is seen by the Sigma and the Elastic rule: two rules, one alert each
  assert.equal(
    alerts
      .filter((a) => a.rule.name === 'Azure Kubernetes Events Deleted')
      .map((a) => a.rule.language)
      .sort()
      .join(),
    'elastic,sigma',
  );
  // writes came through two feeds, yet the binding alert is raised once
  assert.equal(alerts.filter((a) => a.rule.name === story[4]).length, 1);

  assert.equal(inc.severity, 'high');
  assert.equal(inc.start, inc.timeline[0]!.time);
  assert.match(inc.title, /eve@contoso\.onmicrosoft\.com/);
  const e = inc.entities;
  assert.deepEqual(e.users, [attacker]);
  assert.ok(e.ips?.includes('198.51.100.77'));
  assert.ok(e.pods?.includes('default/priv-shell'));
  assert.ok(e.images?.includes('docker.io/library/alpine:3.20'));
  assert.ok(e.subjects?.includes('system:serviceaccount:default:backup'));
  assert.ok(e.namespaces?.includes('default'));
  assert.ok(
    e.clusters?.some((c) => c.endsWith('/managedclusters/aks-synthetic-shop')),
    String(e.clusters),
  );
  assert.ok(
    e.clusters?.some((c) => c.endsWith('/connectedclusters/arc-synthetic-edge-01')),
    String(e.clusters),
  );
  for (const t of [
    'discovery',
    'credential-access',
    'privilege-escalation',
    'execution',
    'persistence',
    'defense-evasion',
  ])
    assert.ok(inc.tactics.includes(t), `${t} in ${inc.tactics}`);
  assert.ok(loaded.detections.length >= story.length);
  // every alert carries its rule's investigation guide, whatever the language
  for (const a of alerts) assert.match(a.rule.guide ?? '', /triage/i, a.rule.name);
});

test('CLI: `auditscope scan samples/aks-attack` raises the attack alerts and exits 1', {
  skip: !existsSync(join(repoRoot, 'dist')) && 'build first (npm run build)',
}, () => {
  const r = spawnSync(process.execPath, [cliPath, 'scan', samples, '--output', 'ndjson', '--quiet'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 1, r.stderr);
  const alerts = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const text = JSON.stringify(alerts);
  for (const name of [
    'Kubernetes Privileged Container Created',
    'Kubernetes Exec or Attach Into a Container',
    'Azure Kubernetes Events Deleted',
  ])
    assert.ok(text.includes(name), name);
  assert.ok(!text.includes('"readinessChecker"'), 'no alert on the readiness probe');
});

test('the same hour exported from Log Analytics (AKSAudit rows) adds no alert: one alert per request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-la-export-'));
  try {
    const kubeAudit = files(samples).find((f) => f.includes('insights-logs-kube-audit/'))!;
    const rows = readFileSync(kubeAudit, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const rec = JSON.parse(l) as { properties: { log: string } };
        return JSON.stringify(aksAuditRow(JSON.parse(rec.properties.log), 'AKSAudit'));
      });
    const export_ = join(dir, 'AKSAudit-export.json');
    writeFileSync(export_, `${rows.join('\n')}\n`);
    const base = await scanLibrary();
    const both = await scanLibrary([samples, export_]);
    assert.equal(both.read.quarantined.length, 0);
    assert.equal(both.events.length, base.events.length, 'every exported row is a request already seen');
    const key = (a: { rule: { id: string }; time: string }) => `${a.rule.id}@${a.time}`;
    assert.deepEqual(both.alerts.map(key).sort(), base.alerts.map(key).sort());
    const binding = both.events.find((e) => e.audit?.objectRef?.resource === 'clusterrolebindings')!;
    assert.deepEqual(both.feeds.get(binding.id)?.sort(), ['aks-diagnostic', 'la-aksaudit']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the incident report reads as a story with next steps', async () => {
  const { renderIncident } = await import('../../src/alerts/incident-report.js');
  const { alerts } = await scanLibrary();
  const [inc] = groupIncidents(alerts, { window: 30 * 60_000 });
  const text = renderIncident(inc!);
  assert.match(text, /^INCIDENT inc-\S+ {2}\[high, risk 73\]/);
  assert.match(text, /users: eve@contoso\.onmicrosoft\.com/);
  assert.match(text, /eve@contoso\.onmicrosoft\.com get pods\/exec default\/priv-shell \(101\)/);
  assert.match(
    text,
    /next steps for 'Kubernetes Exec or Attach Into a Container':\n {4}- Read the command from `requestURI`/,
  );
  const privAt = text.indexOf('Kubernetes Privileged Container Created (T1611)');
  const execAt = text.indexOf('Kubernetes Exec or Attach Into a Container (T1609)');
  assert.ok(privAt > 0 && execAt > privAt, 'timeline in time order');
});

test('the same requests delivered by EKS (CloudWatch) and GKE (Cloud Audit Logs) raise the same Kubernetes alerts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-providers-'));
  try {
    const kubeAudit = files(samples).find((f) => f.includes('insights-logs-kube-audit/'))!;
    const events = readFileSync(kubeAudit, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse((JSON.parse(l) as { properties: { log: string } }).properties.log) as K8sAudit);
    const eks = join(dir, 'eks-subscription-payload.json');
    writeFileSync(eks, `${JSON.stringify(eksSubscriptionPayload(events))}\n`);
    const gke = join(dir, 'gke-cloudaudit.jsonl');
    writeFileSync(gke, `${events.map((e) => JSON.stringify(gkeLogEntry(e))).join('\n')}\n`);
    const names = async (input: string) => {
      const { alerts, read } = await scanLibrary([input]);
      assert.equal(read.quarantined.length, 0, input);
      return alerts
        .filter((a) => a.rule.language === 'sigma')
        .map((a) => a.rule.name)
        .sort();
    };
    const aks = await names(kubeAudit);
    assert.ok(aks.length >= 8, aks.join(', '));
    assert.deepEqual(await names(eks), aks);
    assert.deepEqual(await names(gke), aks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
