/**
 * The envelopes no public sample exists for, built SYNTHETICALLY around real Events from the
 * corpus (formats.md §9.4): webhook EventList, Event Hub batches, Log Analytics exports (JSON
 * rows, query-API tables, CSV), CloudWatch forms, kubectl events, ECS documents; plus whole-file
 * documents, gzip, directories and stdin.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ingest, readAll, readText } from '../../src/ingest/index.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus } from '../corpus.js';

const realAuditLines = [
  readFileSync(corpus('falcosecurity-falco-k8s_audit/create_secret.json'), 'utf8').split('\n')[0]!,
  readFileSync(corpus('falcosecurity-falco-k8s_audit/exec_pod.json'), 'utf8').split('\n')[0]!,
];
const realAudit = realAuditLines.map((l) => JSON.parse(l) as Record<string, unknown>);
const aksLines = readFileSync(corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'), 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const aksRecords = aksLines.map(
  (l) => JSON.parse(l) as { properties: { log: string; pod: string }; [k: string]: unknown },
);
const activityLine = readFileSync(
  corpus('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log'),
  'utf8',
).split('\n')[0]!;
const activity = JSON.parse(activityLine) as Record<string, unknown>;

const tmp = mkdtempSync(join(tmpdir(), 'auditscope-ingest-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const formats = (evs: readonly AuditEvent[]) => evs.map((e) => e.format);

test('synthetic webhook EventList: one line, and pretty-printed as a whole-file document', async () => {
  const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: realAudit };
  const one = readText(JSON.stringify(list), 'synthetic-webhook.json');
  assert.deepEqual(formats(one.events), ['k8s-audit-list', 'k8s-audit-list']);
  assert.deepEqual(
    one.events.map((e) => [e.source.line, e.source.index]),
    [
      [1, 0],
      [1, 1],
    ],
  );
  assert.equal(one.events[0]!.raw, JSON.stringify(realAudit[0]));
  assert.equal(one.events[0]!.id, `${realAudit[0]!.auditID}:ResponseComplete`);
  const file = join(tmp, 'synthetic-webhook-pretty.json');
  writeFileSync(file, JSON.stringify(list, null, 2));
  const pretty = await readAll([file]);
  assert.equal(pretty.quarantined.length, 0);
  assert.deepEqual(
    pretty.events.map((e) => e.id),
    one.events.map((e) => e.id),
  );
});

test('synthetic concatenated pretty-printed Events in one file are each read with their start line', async () => {
  const file = join(tmp, 'synthetic-concatenated.json');
  writeFileSync(file, `${JSON.stringify(realAudit[0], null, 2)}\n${JSON.stringify(realAudit[1], null, 2)}\n`);
  const r = await readAll([file]);
  assert.equal(r.quarantined.length, 0);
  assert.deepEqual(formats(r.events), ['k8s-audit', 'k8s-audit']);
  assert.equal(r.events[0]!.source.line, 1);
  assert.equal(r.events[1]!.source.line, JSON.stringify(realAudit[0], null, 2).split('\n').length + 1);
});

test('synthetic Event Hub batch {"records":[…]} mixing AKS and Activity records', () => {
  const body = JSON.stringify({ records: [aksRecords[0], activity, aksRecords[1]] });
  const r = readText(body, 'synthetic-eventhub.json');
  assert.deepEqual(formats(r.events), ['aks-diagnostic', 'azure-activity', 'aks-diagnostic']);
  assert.deepEqual(
    r.events.map((e) => e.source.index),
    [0, 1, 2],
  );
  assert.equal(r.stats.records, 3);
  const direct = readText(aksLines[0]!, 'blob');
  assert.equal(r.events[0]!.id, direct.events[0]!.id);
});

/** An AKSAudit row as Log Analytics exports it, built from a real AKS record (synthetic). */
function aksAuditRow(rec: (typeof aksRecords)[number], type = 'AKSAudit'): Record<string, unknown> {
  const a = JSON.parse(rec.properties.log);
  return {
    TenantId: '00000000-0000-0000-0000-000000000000',
    TimeGenerated: rec.time,
    Level: a.level,
    AuditId: a.auditID,
    Stage: a.stage,
    RequestUri: a.requestURI,
    Verb: a.verb,
    User: a.user,
    SourceIps: a.sourceIPs,
    UserAgent: a.userAgent,
    ObjectRef: a.objectRef,
    ResponseStatus: a.responseStatus,
    RequestObject: a.requestObject ?? 'skipped-too-big-size-object',
    RequestReceivedTime: a.requestReceivedTimestamp,
    StageReceivedTime: a.stageTimestamp,
    Annotations: a.annotations,
    PodName: rec.properties.pod,
    SourceSystem: 'Azure',
    Type: type,
    _ResourceId: String(rec.resourceId).toLowerCase(),
  };
}

test('synthetic AKSAudit export (JSON rows): same id as the AKS diagnostic record; Arc rows are provider arc', () => {
  const direct = readText(aksLines.slice(0, 3).join('\n'), 'blob').events;
  const rows = aksRecords.slice(0, 3).map((r) => aksAuditRow(r));
  const la = readText(JSON.stringify(rows), 'synthetic-aksaudit.json').events;
  assert.deepEqual(formats(la), ['la-aksaudit', 'la-aksaudit', 'la-aksaudit']);
  assert.deepEqual(
    la.map((e) => e.id),
    direct.map((e) => e.id),
  );
  assert.deepEqual(
    la.map((e) => Math.floor(e.ts)),
    direct.map((e) => Math.floor(e.ts)),
  );
  assert.equal(la[0]!.audit?.verb, direct[0]!.audit?.verb);
  assert.deepEqual(la[0]!.audit?.objectRef, direct[0]!.audit?.objectRef);
  assert.equal(la[0]!.cluster?.name?.toLowerCase(), 'mike-azure-aks');
  assert.equal(la[0]!.provider, 'aks');
  assert.equal(la[0]!.category, 'kube-audit');
  assert.equal((la[0]!.envelope as Record<string, unknown>).PodName, aksRecords[0]!.properties.pod);
  const arc = readText(JSON.stringify(aksAuditRow(aksRecords[0]!, 'ArcK8sAuditAdmin')), 'synthetic-arc.json')
    .events[0]!;
  assert.equal(arc.provider, 'arc');
  assert.equal(arc.category, 'kube-audit-admin');
});

test('synthetic Log Analytics query-API tables and CSV exports convert back to the same events', async () => {
  const rows = aksRecords.slice(0, 4).map((r) => aksAuditRow(r));
  const columns = Object.keys(rows[0]!);
  const dynText = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''));
  const tables = {
    tables: [
      {
        name: 'PrimaryResult',
        columns: columns.map((name) => ({ name, type: 'string' })),
        rows: rows.map((r) => columns.map((c) => dynText(r[c]))),
      },
    ],
  };
  const fromTables = readText(JSON.stringify(tables), 'synthetic-tables.json').events;
  const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
  const csv = [
    columns.map((c) => (c === 'TimeGenerated' ? 'TimeGenerated [UTC]' : c)).join(','),
    ...rows.map((r) => columns.map((c) => q(dynText(r[c]))).join(',')),
  ].join('\r\n');
  const file = join(tmp, 'synthetic-aksaudit.csv');
  writeFileSync(file, `${csv}\r\n`);
  const fromCsv = await readAll([file]);
  assert.equal(fromCsv.quarantined.length, 0);
  const direct = readText(aksLines.slice(0, 4).join('\n'), 'blob').events;
  for (const evs of [fromTables, fromCsv.events]) {
    assert.deepEqual(
      evs.map((e) => e.id),
      direct.map((e) => e.id),
    );
    assert.deepEqual(evs[0]!.audit?.user, direct[0]!.audit?.user);
  }
  assert.deepEqual(
    fromCsv.events.map((e) => e.source.line),
    [2, 3, 4, 5],
  );
});

test('synthetic AzureDiagnostics rows (log_s) become AKS records; klog rows are not-audit', () => {
  const rec = aksRecords[2]!;
  const row = {
    TimeGenerated: rec.time,
    Category: 'kube-audit',
    OperationName: rec.operationName,
    ResourceId: rec.resourceId,
    ResourceProvider: 'MICROSOFT.CONTAINERSERVICE',
    ResourceType: 'MANAGEDCLUSTERS',
    log_s: rec.properties.log,
    pod_s: rec.properties.pod,
    SourceSystem: 'Azure',
    Type: 'AzureDiagnostics',
  };
  const klog = {
    ...row,
    Category: 'kube-apiserver',
    log_s: 'I1115 21:00:04.536 1 trace.go:219] Trace[1]: "List"',
  };
  const r = readText(`${JSON.stringify(row)}\n${JSON.stringify(klog)}`, 'synthetic-azurediagnostics.jsonl');
  assert.deepEqual(formats(r.events), ['la-azurediagnostics']);
  assert.equal(r.events[0]!.id, readText(aksLines[2]!, 'blob').events[0]!.id);
  assert.equal(r.events[0]!.category, 'kube-audit');
  assert.equal(r.quarantined[0]?.reason, 'not-audit');
  assert.equal(r.quarantined[0]?.line, 2);
});

test('synthetic AzureActivity rows map back to the Activity record (same id as the storage form)', () => {
  const row = {
    TimeGenerated: activity.time,
    OperationNameValue: activity.operationName,
    OperationName: 'List Event Hub namespace keys',
    CategoryValue: activity.category,
    ActivityStatusValue: activity.resultType,
    ActivitySubstatusValue: activity.resultSignature,
    CorrelationId: activity.correlationId,
    CallerIpAddress: activity.callerIpAddress,
    ResourceId: activity.resourceId,
    Authorization_d: JSON.stringify((activity.identity as Record<string, unknown>).authorization),
    Claims_d: (activity.identity as Record<string, unknown>).claims,
    Level: activity.level,
    Type: 'AzureActivity',
  };
  const la = readText(JSON.stringify([row]), 'synthetic-azureactivity.json').events;
  const direct = readText(activityLine, 'raw').events;
  assert.deepEqual(formats(la), ['la-azureactivity']);
  assert.equal(la[0]!.id, direct[0]!.id);
  assert.equal(la[0]!.activity?.operationName, activity.operationName);
  assert.deepEqual(
    (la[0]!.activity!.identity as Record<string, unknown>).authorization,
    (activity.identity as Record<string, unknown>).authorization,
  );
  const arcOp = { ...row, OperationNameValue: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/EXEC/ACTION' };
  assert.equal(readText(JSON.stringify(arcOp), 'arc').events[0]!.provider, 'arc');
});

const cwMessage = realAuditLines[1]!;

test('synthetic CloudWatch filter-log-events output and subscription payloads (plain, gzip+base64)', () => {
  const ts = Date.UTC(2024, 4, 1, 10);
  const filter = {
    events: [
      {
        logStreamName: 'kube-apiserver-audit-0a1b',
        timestamp: ts,
        message: cwMessage,
        ingestionTime: ts + 5,
        eventId: '1',
      },
      {
        logStreamName: 'authenticator-0a1b',
        timestamp: ts,
        message: 'time="2024-05-01T10:00:00Z" level=info msg="access granted"',
      },
    ],
    searchedLogStreams: [],
  };
  const r1 = readText(JSON.stringify(filter), 'synthetic-filter-log-events.json');
  assert.deepEqual(formats(r1.events), ['eks-cloudwatch']);
  assert.equal(r1.events[0]!.provider, 'eks');
  assert.equal(r1.events[0]!.raw, cwMessage);
  assert.equal((r1.events[0]!.envelope as Record<string, unknown>).logStream, 'kube-apiserver-audit-0a1b');
  assert.equal(r1.quarantined[0]?.reason, 'not-audit');
  const sub = {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: '/aws/eks/prod-eks/cluster',
    logStream: 'kube-apiserver-audit-0a1b',
    subscriptionFilters: ['to-firehose'],
    logEvents: [{ id: '3781', timestamp: ts, message: cwMessage }],
  };
  const control = {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    logEvents: [],
  };
  const lines = [
    JSON.stringify(sub),
    gzipSync(JSON.stringify(sub)).toString('base64'),
    gzipSync(JSON.stringify(control)).toString('base64'),
  ].join('\n');
  const r2 = readText(lines, 'synthetic-subscription.txt');
  assert.deepEqual(formats(r2.events), ['eks-cloudwatch', 'eks-cloudwatch']);
  assert.equal(r2.events[1]!.source.line, 2);
  assert.equal(r2.events[0]!.cluster?.name, 'prod-eks');
  assert.equal(r2.events[0]!.id, r2.events[1]!.id);
  assert.equal((r2.events[1]!.envelope as Record<string, unknown>).owner, '123456789012');
  assert.deepEqual(
    r2.quarantined.map((q) => [q.line, q.reason]),
    [[3, 'not-audit']],
  );
});

test('synthetic Firehose S3 object: concatenated gzip members of subscription payloads, no newlines', async () => {
  const ts = Date.UTC(2024, 4, 1, 10);
  const payload = (i: number) =>
    JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/eks/prod-eks/cluster',
      logStream: 'kube-apiserver-audit-0a1b',
      subscriptionFilters: ['to-firehose'],
      logEvents: [{ id: String(i), timestamp: ts + i, message: realAuditLines[i % 2]! }],
    });
  const file = join(tmp, 'synthetic-firehose.gz');
  writeFileSync(file, Buffer.concat([0, 1, 2].map((i) => gzipSync(payload(i)))));
  const r = await readAll([file]);
  assert.equal(r.quarantined.length, 0, JSON.stringify(r.quarantined[0]));
  assert.deepEqual(formats(r.events), ['eks-cloudwatch', 'eks-cloudwatch', 'eks-cloudwatch']);
  assert.deepEqual(
    r.events.map((e) => e.audit?.auditID),
    [realAudit[0]!.auditID, realAudit[1]!.auditID, realAudit[0]!.auditID],
  );
  // and two such objects, one per line
  const lines = readText(
    `${payload(0)}${payload(1)}\n${payload(1)}${payload(0)}\n`,
    'synthetic-firehose.txt',
  );
  assert.equal(lines.events.length, 4);
  assert.deepEqual(
    lines.events.map((e) => e.source.line),
    [1, 1, 2, 2],
  );
});

test('synthetic CloudWatch S3 export lines and [Truncated...] messages (auditID reported)', async () => {
  const truncated = `${cwMessage.slice(0, 200)}[Truncated...]`;
  const text = `2024-05-01T10:00:00.123Z ${cwMessage}\n2024-05-01T10:00:01.000Z ${truncated}\n`;
  const file = join(tmp, '000000.gz');
  writeFileSync(file, gzipSync(text));
  const r = await readAll([file]);
  assert.deepEqual(formats(r.events), ['eks-cloudwatch']);
  assert.equal(r.quarantined.length, 1);
  const q = r.quarantined[0]!;
  assert.equal(q.reason, 'truncated');
  assert.equal(q.line, 2);
  assert.ok(q.message.includes(String(realAudit[1]!.auditID)), q.message);
  assert.equal(r.stats.quarantinedByReason.truncated, 1);
});

test('synthetic kubectl get events: List, EventList, bare array and NDJSON of core/v1 and events.k8s.io/v1', () => {
  const core = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: 'web-0.17a8',
      namespace: 'prod',
      uid: 'u-1',
      resourceVersion: '42',
      creationTimestamp: '2026-11-20T09:00:00Z',
    },
    involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-0', fieldPath: 'spec.containers{web}' },
    reason: 'Killing',
    message: 'Stopping container web',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-11-20T09:00:00Z',
    lastTimestamp: '2026-11-20T09:05:00Z',
    eventTime: null,
    count: 3,
    type: 'Normal',
  };
  const v1 = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'x.1', namespace: 'kube-system', uid: 'u-2', resourceVersion: '7' },
    eventTime: '2026-11-20T09:10:00.123456Z',
    regarding: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-1' },
    reason: 'Scheduled',
    note: 'assigned',
    reportingController: 'default-scheduler',
  };
  const list = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [core, v1] };
  const eventList = { ...list, kind: 'EventList' };
  for (const text of [
    JSON.stringify(list),
    JSON.stringify(eventList),
    JSON.stringify([core, v1]),
    `${JSON.stringify(core)}\n${JSON.stringify(v1)}`,
  ]) {
    const r = readText(text, 'synthetic-kubectl-events.json');
    assert.deepEqual(formats(r.events), ['kube-events', 'kube-events'], text.slice(0, 40));
    assert.equal(r.events[0]!.kind, 'k8s-event');
    assert.equal(r.events[0]!.category, 'k8s-event');
    assert.equal(r.events[0]!.time, '2026-11-20T09:05:00Z'); // lastTimestamp (eventTime is null)
    assert.equal(r.events[1]!.time, '2026-11-20T09:10:00.123456Z');
    assert.equal(r.events[0]!.kubeEvent?.reason, 'Killing');
  }
});

test('ECS documents (Elastic expected output): read from event.original, or rebuilt without it', () => {
  const doc = JSON.parse(
    readFileSync(
      corpus('elastic-integrations/kubernetes-audit_logs/test-kube-audit.log-expected.json'),
      'utf8',
    ),
  ).expected[0];
  const direct = readText(doc.event.original, 'blob').events[0]!;
  const withOriginal = readText(JSON.stringify(doc), 'ecs.json').events[0]!;
  assert.equal(withOriginal.format, 'ecs');
  assert.equal(withOriginal.id, direct.id);
  assert.deepEqual(withOriginal.audit, direct.audit);
  const { original: _drop, ...eventRest } = doc.event;
  const rebuilt = readText(JSON.stringify({ ...doc, event: eventRest }), 'ecs-rebuilt.json').events[0]!;
  assert.equal(rebuilt.format, 'ecs');
  assert.equal(rebuilt.provider, 'aks');
  assert.equal(rebuilt.id, direct.id);
  assert.equal(rebuilt.category, 'kube-audit');
  assert.equal(rebuilt.cluster?.name, 'TEST-CLUSTER');
  assert.equal(rebuilt.audit?.annotations?.['authorization.k8s.io/decision'], 'allow');
  assert.equal(rebuilt.audit?.verb, direct.audit?.verb);
  // An Elasticsearch search response wrapping the same document
  const hits = {
    hits: { hits: [{ _index: '.ds-logs-kubernetes.audit_logs-default', _id: '1', _source: doc }] },
  };
  assert.equal(readText(JSON.stringify(hits), 'es.json').events[0]?.id, direct.id);
});

test('directories are read recursively in name order; hidden and non-log files skipped; gzip by magic', async () => {
  const dir = join(tmp, 'evidence');
  mkdirSync(join(dir, 'b', 'nested'), { recursive: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  writeFileSync(join(dir, 'b', 'nested', 'PT1H.json'), `${aksLines[0]}\n`);
  writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync(`${realAuditLines[0]}\n`));
  writeFileSync(join(dir, 'c-no-ext'), `${realAuditLines[1]}\n`);
  writeFileSync(join(dir, '.git', 'HEAD.json'), `${realAuditLines[1]}\n`);
  writeFileSync(join(dir, 'notes.md'), '# not a log\n');
  const r = await readAll([dir]);
  assert.deepEqual(
    r.events.map((e) => e.source.file.slice(dir.length + 1)),
    ['a.jsonl.gz', 'b/nested/PT1H.json', 'c-no-ext'],
  );
  assert.equal(r.stats.files, 3);
  assert.equal(r.quarantined.length, 0);
});

test('UTF-16LE files with a BOM (PowerShell exports) and CRLF line ends are read', async () => {
  const file = join(tmp, 'synthetic-utf16.json');
  const text = `${realAuditLines[0]}\r\n${realAuditLines[1]}\r\n`;
  writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const r = await readAll([file]);
  assert.equal(r.quarantined.length, 0);
  assert.deepEqual(
    r.events.map((e) => e.raw),
    realAuditLines,
  );
});

test('stdin (-) is read like a file, named <stdin>', async () => {
  const events: AuditEvent[] = [];
  const stats = await ingest(
    ['-'],
    { event: (e) => events.push(e), quarantine: () => {} },
    {
      stdin: Readable.from([
        Buffer.from(`${aksLines[0]}\n${aksLines[1]!.slice(0, 50)}`),
        Buffer.from(`${aksLines[1]!.slice(50)}\n`),
      ]),
    },
  );
  assert.equal(stats.events, 2);
  assert.deepEqual(
    events.map((e) => [e.source.file, e.source.line]),
    [
      ['<stdin>', 1],
      ['<stdin>', 2],
    ],
  );
  assert.equal(events[1]!.raw, aksLines[1]);
});
