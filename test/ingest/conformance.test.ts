/**
 * Conformance over every data file of the shared corpus (real public samples): each record is
 * recognized as the right format and normalized to the fields formats.md documents.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readAll, readText } from '../../src/ingest/index.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus } from '../corpus.js';

const byFormat = (evs: readonly AuditEvent[]) => {
  const out: Record<string, number> = {};
  for (const e of evs) out[e.format] = (out[e.format] ?? 0) + 1;
  return out;
};

test('falco: 51 real Events (v1, v1beta1, no apiVersion) across the trace files; {"kind": 0} quarantined', async () => {
  const dir = corpus('falcosecurity-falco-k8s_audit');
  const r = await readAll([dir]);
  assert.deepEqual(byFormat(r.events), { 'k8s-audit': 51 });
  assert.equal(r.stats.files, 47); // the .yaml golden file is not a log
  assert.equal(r.quarantined.length, 1);
  assert.equal(r.quarantined[0]!.reason, 'unknown-format');
  assert.match(r.quarantined[0]!.file, /fal_01_003\.json$/);
  assert.equal(r.quarantined[0]!.line, 1);
  // every trace file but the malformed one yields at least one event
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'fal_01_003.json');
  for (const f of files)
    assert.ok(
      r.events.some((e) => e.source.file.endsWith(`/${f}`)),
      f,
    );
  for (const e of r.events) {
    assert.equal(e.kind, 'audit');
    assert.equal(e.provider, 'k8s');
    assert.equal(e.id, `${e.audit!.auditID}:${e.audit!.stage}`);
    assert.equal(e.time, e.audit!.stageTimestamp);
    assert.ok(Number.isFinite(e.ts));
  }
  const apiVersions = new Set(r.events.map((e) => e.audit!.apiVersion ?? '(none)'));
  assert.deepEqual([...apiVersions].sort(), ['(none)', 'audit.k8s.io/v1', 'audit.k8s.io/v1beta1'].sort());
});

test('falco create_secret.json: fields as in formats.md §1', async () => {
  const path = corpus('falcosecurity-falco-k8s_audit/create_secret.json');
  const [ev] = await readAll([path]).then((r) => r.events);
  assert.ok(ev);
  assert.equal(ev.id, '55a81824-ab56-46c5-8b02-96336f5e78d7:ResponseComplete');
  assert.equal(ev.time, '2020-04-21T17:57:05.548299Z');
  assert.equal(ev.audit?.verb, 'create');
  assert.deepEqual(ev.audit?.objectRef, {
    resource: 'secrets',
    namespace: 'default',
    name: 'example-secret',
    apiVersion: 'v1',
  });
  assert.equal(ev.audit?.user?.username, 'minikube-user');
  assert.equal(ev.raw, readFileSync(path, 'utf8').split('\n')[0]);
  assert.deepEqual(ev.source, { file: path, line: 1, index: 0 });
});

test('datadog aks_logs.json: 21 real AKS storage-blob records', async () => {
  const path = corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json');
  const lines = readFileSync(path, 'utf8').split('\n');
  const r = await readAll([path]);
  assert.equal(r.quarantined.length, 0);
  assert.deepEqual(byFormat(r.events), { 'aks-diagnostic': 21 });
  for (const e of r.events) {
    assert.equal(e.provider, 'aks');
    assert.equal(e.category, 'kube-audit');
    assert.equal(e.cluster?.name, 'MIKE-AZURE-AKS');
    assert.equal(e.cluster?.resourceGroup, 'MIKE-AZURE');
    assert.match(e.cluster?.subscriptionId ?? '', /^0B62A232-/);
    assert.equal(e.raw, lines[e.source.line - 1]);
    const env = e.envelope as { properties?: Record<string, unknown>; operationName?: string };
    assert.equal(env.operationName, 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read');
    assert.equal(env.properties?.log, undefined, 'the envelope drops properties.log');
    assert.match(String(env.properties?.pod), /^kube-apiserver-/);
    assert.equal(e.id, `${e.audit!.auditID}:${e.audit!.stage}`);
  }
  const users = new Set(r.events.map((e) => e.audit?.user?.username));
  for (const u of ['aksService', 'system:apiserver', 'readinessChecker']) assert.ok(users.has(u), u);
});

test('elastic test-kube-audit.log matches the ECS expected output (AKS oracle)', async () => {
  const expected = JSON.parse(
    readFileSync(
      corpus('elastic-integrations/kubernetes-audit_logs/test-kube-audit.log-expected.json'),
      'utf8',
    ),
  ).expected[0];
  const r = await readAll([corpus('elastic-integrations/kubernetes-audit_logs/test-kube-audit.log')]);
  assert.equal(r.events.length, 1);
  const ev = r.events[0]!;
  const want = expected.kubernetes.audit;
  const a = ev.audit!;
  for (const k of [
    'apiVersion',
    'auditID',
    'kind',
    'level',
    'objectRef',
    'requestReceivedTimestamp',
    'requestURI',
  ]) {
    assert.deepEqual(a[k], want[k], k);
  }
  for (const k of ['sourceIPs', 'stage', 'stageTimestamp', 'user', 'userAgent', 'verb'])
    assert.deepEqual(a[k], want[k], k);
  assert.equal(a.responseStatus?.code, want.responseStatus.code);
  assert.equal(
    a.annotations?.['authorization.k8s.io/decision'],
    want.annotations['authorization_k8s_io/decision'],
  );
  assert.equal(ev.raw, expected.event.original);
  assert.equal(new Date(Math.floor(ev.ts)).toISOString(), expected['@timestamp']);
  const md = want.aks_metadata;
  const env = ev.envelope as Record<string, unknown> & { properties: Record<string, unknown> };
  assert.equal(env.category, md.category);
  assert.equal(env.operationName, md.operation_name);
  assert.equal(env.resourceId, md.resource_id);
  assert.equal(env.serviceBuild, md.service_build);
  assert.equal(env.time, md.time);
  assert.equal(env.properties.containerID, md.container_id);
  assert.equal(env.properties.pod, md.pod);
  assert.equal(env.properties.stream, md.stream);
  assert.equal(ev.cluster?.name, 'TEST-CLUSTER');
});

test('elastic test-audit.log mixes raw, GKE and AKS (log as object) per record', async () => {
  const r = await readAll([corpus('elastic-integrations/kubernetes-audit_logs/test-audit.log')]);
  assert.equal(r.quarantined.length, 0);
  assert.deepEqual(byFormat(r.events), { 'k8s-audit': 3, 'gke-audit': 1, 'aks-diagnostic': 1 });
  assert.deepEqual(
    r.events.map((e) => [e.source.line, e.provider]),
    [
      [1, 'k8s'],
      [2, 'k8s'],
      [3, 'k8s'],
      [4, 'gke'],
      [5, 'aks'],
    ],
  );
  const gke = r.events[3]!;
  assert.equal(gke.audit?.verb, 'get');
  assert.equal(gke.audit?.requestURI, '/readyz');
  assert.equal(gke.audit?.user?.username, 'system:gke-master-healthcheck');
  assert.equal(
    (gke.envelope as { protoPayload?: { serviceName?: string } }).protoPayload?.serviceName,
    'k8s.io',
  );
  assert.equal(r.events[4]!.category, 'kube-audit-admin');
});

test('elastic platformlogs-kube: an old AKS record whose log is {"kind":"Event"} takes the record time', async () => {
  const r = await readAll([corpus('elastic-integrations/azure-platformlogs/test-platformlogs-kube.log')]);
  assert.equal(r.events.length, 1);
  const ev = r.events[0]!;
  assert.equal(ev.format, 'aks-diagnostic');
  assert.equal(ev.time, '2020-11-09T10:57:31.0000000Z');
  assert.equal(ev.cluster?.name, 'OBSKUBE');
  assert.equal((ev.envelope as Record<string, unknown>).ccpNamespace, '5e4bf4baee195b00017cdbfa');
});

test('elastic GKE LogEntries: verb, objectRef, gRPC status mapped to HTTP, cluster labels', async () => {
  const r = await readAll([
    corpus('elastic-integrations/gcp-audit/test-audit.log.k8s-io-excerpt.jsonl'),
    corpus('elastic-integrations/gcp-audit/test-k8s-nonmatching-resourcename.log'),
  ]);
  assert.equal(r.quarantined.length, 0);
  assert.deepEqual(byFormat(r.events), { 'gke-audit': 6 });
  for (const e of r.events) {
    const pp = (e.envelope as { protoPayload: { methodName: string } }).protoPayload;
    assert.equal(e.audit?.verb, pp.methodName.split('.').at(-1));
    assert.equal(e.provider, 'gke');
    assert.ok(e.cluster?.name);
    assert.ok(e.cluster?.project);
  }
  const hnap = r.events.at(-1)!;
  assert.equal(hnap.audit?.requestURI, '/HNAP1');
  assert.equal(hnap.audit?.responseStatus?.code, 403); // gRPC 7 PERMISSION_DENIED
  assert.equal(hnap.audit?.objectRef, undefined);
});

test('elastic Activity Log records: storage shape, mixed case, string durationMs, time corner cases', async () => {
  const dir = corpus('elastic-integrations/azure-activitylogs');
  const r = await readAll([dir]);
  assert.equal(r.quarantined.length, 0);
  assert.deepEqual(byFormat(r.events), { 'azure-activity': r.events.length });
  for (const e of r.events) {
    assert.equal(e.kind, 'activity');
    assert.equal(e.provider, 'azure');
  }
  const corner = r.events.filter((e) => e.source.file.endsWith('test-time-formats-corner-cases.log'));
  // Expected @timestamp values from the corpus SOURCES.md.
  const base = '2007-01-09T09:41:00';
  const want = [0, 0, 0, 0, 0, 0, 220, 681, 535, 992, 0];
  assert.deepEqual(
    corner.map((e) => new Date(Math.floor(e.ts)).toISOString()),
    want.map((ms) => `${base}.${String(ms).padStart(3, '0')}Z`),
  );
  const mixed = r.events.filter((e) => e.source.file.endsWith('mixedcase-resourceid.log'));
  assert.equal(mixed.length, 2);
  assert.equal(mixed[0]!.cluster?.resourceGroup, 'my-resource-group');
  assert.equal(mixed[0]!.cluster?.name, 'my-app-service');
  assert.equal(
    mixed[1]!.cluster?.id,
    '/TeNaNtS/ffffffff-aaaa-bbbb-cccc-dddddddddddd/PrOvIdErS/Microsoft.aadiam',
  );
  assert.equal(mixed[1]!.cluster?.subscriptionId, undefined);
  const dur = r.events.filter((e) => e.source.file.endsWith('duration-as-string-sample.log'));
  assert.ok(dur.some((e) => typeof e.activity?.durationMs === 'number'));
  const listKeys = r.events.find(
    (e) => e.activity?.operationName === 'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION',
  );
  assert.ok(listKeys);
  assert.equal(listKeys.category, 'Action');
  assert.equal(listKeys.id.split(':')[0], listKeys.activity?.correlationId);
});

/** Panther rule tests: `{file, rule, logTypes, test, expected, log}`; the `log` payload is the record (test code, not a format). */
function pantherLogs(name: string): { test: string; log: unknown }[] {
  return readFileSync(corpus(`panther-analysis/${name}`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

test('panther payloads: EKS, AKS, GKE and Activity test logs are recognized', () => {
  // Panther's hand-trimmed logs often carry no timestamp: a fallback time keeps them.
  const opts = { fallbackTime: '2024-01-01T00:00:00Z' };
  const expect: [string, string, number][] = [
    ['eks-audit.rule-tests.jsonl', 'k8s-audit', 181],
    ['aks-kube-audit.rule-tests.jsonl', 'aks-diagnostic', 34],
    ['gke-k8s-io.rule-tests.jsonl', 'gke-audit', 45],
    ['azure-monitor-activity.rule-tests.jsonl', 'azure-activity', 215],
  ];
  for (const [file, format, n] of expect) {
    let got = 0;
    const reasons: string[] = [];
    for (const t of pantherLogs(file)) {
      const r = readText(JSON.stringify(t.log), `${file}:${t.test}`, opts);
      got += r.events.filter((e) => e.format === format).length;
      reasons.push(...r.quarantined.map((q) => q.reason));
    }
    assert.equal(got, n, file);
    // GKE: two tests are logging.googleapis.com entries mentioning k8s.io in a filter, not k8s calls
    assert.deepEqual(reasons, file.startsWith('gke') ? ['not-audit', 'not-audit'] : [], file);
  }
  const arc = pantherLogs('azure-monitor-activity.rule-tests.jsonl')
    .flatMap((t) => readText(JSON.stringify(t.log), 'p', opts).events)
    .filter((e) => e.provider === 'arc');
  assert.equal(arc.length, 2);
  assert.ok(
    arc.every((e) => /connectedclusters/i.test(`${e.activity?.operationName} ${e.activity?.resourceId}`)),
  );
});

test('without a fallback time, a record with no timestamp is quarantined as invalid, not dropped', () => {
  const r = readText('{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get"}\n', 'synthetic.jsonl');
  assert.equal(r.events.length, 0);
  assert.equal(r.quarantined[0]?.reason, 'invalid');
  assert.equal(r.quarantined[0]?.line, 1);
});
