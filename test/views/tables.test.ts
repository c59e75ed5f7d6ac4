import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AuditEvent, K8sAudit } from '../../src/model/event.js';
import { listViews, renderView } from '../../src/views/registry.js';
import type { ColumnType } from '../../src/views/tables/table-view.js';
import { getTable, listTables } from '../../src/views/tables/tables.js';
import { corpus } from '../corpus.js';
import { corpusRecords, fromActivity, fromAksRecord, fromGkeEntry, fromK8sEvent } from './make-events.js';

type Obj = Record<string, unknown>;

const falcoEvent = (name: string): K8sAudit =>
  JSON.parse(readFileSync(corpus(`falcosecurity-falco-k8s_audit/${name}`), 'utf8')) as K8sAudit;

/** Synthetic: a real Falco Event wrapped in an AKS diagnostic record envelope (made-up cluster). */
const SYNTH_RESOURCE_ID =
  '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/SYNTHETIC-RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/SYNTHETIC-AKS';
function asAks(audit: K8sAudit): AuditEvent {
  return fromAksRecord({
    category: 'kube-audit',
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: JSON.stringify(audit), pod: 'kube-apiserver-synthetic', stream: 'stdout' },
    resourceId: SYNTH_RESOURCE_ID,
    time: audit.stageTimestamp,
  });
}

const aksReal = () =>
  corpusRecords('datadog-azure-log-forwarding-orchestration/aks_logs.json').map((r) => fromAksRecord(r));
const activityReal = () =>
  [
    'test-activitylogs-raw.log',
    'test-azure-activitylogs-duration-as-string-sample.log',
    'test-activitylogs-mixedcase-resourceid.log',
  ].flatMap((f) => corpusRecords(`elastic-integrations/azure-activitylogs/${f}`).map((r) => fromActivity(r)));

function typeOk(type: ColumnType, v: unknown): boolean {
  if (v === null) return true;
  switch (type) {
    case 'string':
    case 'guid':
      return typeof v === 'string';
    case 'datetime':
      return v instanceof Date && !Number.isNaN(v.getTime());
    case 'long':
    case 'int':
    case 'real':
    case 'timespan':
      return typeof v === 'number' && Number.isFinite(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'dynamic':
      return v !== undefined && JSON.stringify(v) !== undefined;
  }
}

test('every table: unique typed columns; rows have every column with a value of its type', () => {
  const events: AuditEvent[] = [
    ...aksReal(),
    ...activityReal(),
    fromK8sEvent(falcoEvent('exec_pod.json')),
    ...corpusRecords('elastic-integrations/gcp-audit/test-audit.log.k8s-io-excerpt.jsonl').map((r) =>
      fromGkeEntry(r),
    ),
  ];
  for (const t of listTables()) {
    const names = t.columns.map((c) => c.name);
    assert.equal(new Set(names).size, names.length, `${t.name}: duplicate column`);
    let rows = 0;
    for (const ev of events) {
      if (!t.accepts(ev)) continue;
      rows++;
      const row = t.row(ev);
      assert.deepEqual(Object.keys(row), names, t.name);
      for (const c of t.columns)
        assert.ok(typeOk(c.type, row[c.name]), `${t.name}.${c.name} = ${String(row[c.name])}`);
    }
    if (t.name !== 'KubeEvents' && !t.name.startsWith('Arc')) assert.ok(rows > 0, `${t.name} got no rows`);
  }
});

test('CloudAuditEvents: AKS rows from the real DataDog blob', () => {
  const t = getTable('CloudAuditEvents')!;
  const evs = aksReal();
  for (const ev of evs) {
    const row = t.row(ev);
    assert.equal(row.DataSource, 'Azure Kubernetes Service');
    assert.equal(row.OperationName, ev.audit?.verb);
    const raw = row.RawEventData as Obj;
    assert.equal(raw.RequestURI, ev.audit?.requestURI);
    assert.deepEqual(raw.ObjectRef, ev.audit?.objectRef);
    assert.equal((raw.User as Obj).username, ev.audit?.user?.username);
    assert.equal(raw.requestURI, undefined);
    assert.equal(row.AzureResourceId, ev.cluster?.id);
    assert.equal(row.IPAddress, ev.audit?.sourceIPs?.[0] ?? null);
    assert.ok(row.Timestamp instanceof Date);
  }
  assert.ok(t.columns.some((c) => c.name === 'Isp') && t.columns.some((c) => c.name === 'ISP'));
  const get = t.column('ActionType')!;
  assert.deepEqual(
    ['create', 'get', 'list', 'patch', 'delete', 'deletecollection', 'impersonate'].map((verb) =>
      get(fromK8sEvent({ verb })),
    ),
    ['Create', 'Read', 'Read', 'Update', 'Delete', 'Delete', 'Other'],
  );
  assert.equal(t.column('DataSource')!(fromK8sEvent({ verb: 'get' })), 'Kubernetes Audit');
});

// The three Microsoft sample queries (seeds/003), evaluated by hand over the rows, to check that
// the columns they read hold what they expect. The Kusto engine runs them for real elsewhere.
const rowsOf = (evs: AuditEvent[]) => evs.map((ev) => getTable('CloudAuditEvents')!.row(ev));
const startsWith20 = (v: unknown) => String(v).startsWith('20');
const rd = (row: Obj) => row.RawEventData as Obj;
const sub = (row: Obj, k: string) => rd(row)[k] as Obj | undefined;

test('seed query 1: privileged pod deployment', () => {
  const evs = [
    'create_nginx_pod_privileged_2nd_container.json',
    'create_nginx_pod_unprivileged.json',
    'exec_pod.json',
  ].map((f) => asAks(falcoEvent(f)));
  const out: Obj[] = [];
  for (const row of rowsOf(evs)) {
    if (row.DataSource !== 'Azure Kubernetes Service' || row.OperationName !== 'create') continue;
    const ref = sub(row, 'ObjectRef')!;
    if (ref.resource !== 'pods' || ref.subresource !== undefined) continue;
    if (!startsWith20(sub(row, 'ResponseStatus')?.code)) continue;
    const containers = ((sub(row, 'RequestObject')?.spec as Obj | undefined)?.containers ?? []) as Obj[];
    for (const c of containers) {
      if (String((c.securityContext as Obj | undefined)?.privileged) === 'true')
        out.push({
          ContainerName: c.name,
          PodNamespace: ref.namespace,
          AzureResourceId: row.AzureResourceId,
        });
    }
  }
  assert.deepEqual(out, [
    { ContainerName: 'mysql', PodNamespace: 'default', AzureResourceId: SYNTH_RESOURCE_ID },
  ]);
});

test('seed query 2: exec in kube-system (synthetic namespace change of a real exec event)', () => {
  const real = falcoEvent('exec_pod.json');
  const inKubeSystem: K8sAudit = { ...real, objectRef: { ...real.objectRef, namespace: 'kube-system' } };
  const out: string[] = [];
  for (const row of rowsOf([asAks(real), asAks(inKubeSystem)])) {
    const ref = sub(row, 'ObjectRef')!;
    if (row.OperationName !== 'create' || ref.resource !== 'pods' || sub(row, 'ResponseStatus')?.code !== 101)
      continue;
    if (ref.namespace !== 'kube-system' || ref.subresource !== 'exec') continue;
    const uri = String(rd(row).RequestURI);
    out.push([...uri.matchAll(/command=([^&]*)/g)].map((m) => decodeURIComponent(m[1]!)).join(' '));
  }
  assert.deepEqual(out, ['bash']);
});

test('seed query 3: cluster-admin role binding', () => {
  const evs = ['attach_cluster_admin_role.json', 'create_clusterrolebinding.json'].map((f) =>
    asAks(falcoEvent(f)),
  );
  const out: Obj[] = [];
  for (const row of rowsOf(evs)) {
    if (row.OperationName !== 'create' || sub(row, 'ObjectRef')?.resource !== 'clusterrolebindings') continue;
    if (!startsWith20(sub(row, 'ResponseStatus')?.code)) continue;
    const body = sub(row, 'RequestObject')!;
    if ((body.roleRef as Obj).name !== 'cluster-admin') continue;
    for (const s of body.subjects as Obj[])
      out.push({ SubjectName: s.name, SubjectKind: s.kind, BindingName: sub(row, 'ObjectRef')!.name });
  }
  assert.deepEqual(out, [
    { SubjectName: 'minikube', SubjectKind: 'User', BindingName: 'some-reader-binding' },
  ]);
});

test('AKSAudit / AKSAuditAdmin / Arc tables route by provider and verb', () => {
  const evs = aksReal();
  const audit = getTable('AKSAudit')!;
  const admin = getTable('AKSAuditAdmin')!;
  assert.ok(evs.every((ev) => audit.accepts(ev)));
  const adminVerbs = evs.filter((ev) => admin.accepts(ev)).map((ev) => ev.audit?.verb);
  assert.ok(adminVerbs.length > 0 && adminVerbs.length < evs.length);
  assert.ok(adminVerbs.every((v) => v !== 'get' && v !== 'list' && v !== 'watch'));
  const row = audit.row(evs[0]!);
  assert.equal(row.Verb, evs[0]!.audit?.verb);
  assert.equal(row.RequestUri, evs[0]!.audit?.requestURI);
  assert.equal(row.PodName, 'kube-apiserver-6797f4455b-jdgtt');
  assert.equal(row.Type, 'AKSAudit');
  assert.equal(row._ResourceId, String(evs[0]!.cluster?.id).toLowerCase());
  assert.deepEqual(row.StageReceivedTime, new Date(String(evs[0]!.audit?.stageTimestamp)));
  const raw = fromK8sEvent(falcoEvent('exec_pod.json'));
  assert.ok(!audit.accepts(raw) && !getTable('ArcK8sAudit')!.accepts(raw));
  const arc = { ...asAks(falcoEvent('exec_pod.json')), provider: 'arc' as const };
  assert.ok(
    getTable('ArcK8sAudit')!.accepts(arc) &&
      getTable('ArcK8sAuditAdmin')!.accepts(arc) &&
      !audit.accepts(arc),
  );
});

test('AzureDiagnostics keeps the Event text in log_s', () => {
  const t = getTable('AzureDiagnostics')!;
  const [rec] = corpusRecords('datadog-azure-log-forwarding-orchestration/aks_logs.json');
  const ev = fromAksRecord(rec!);
  // the ingest contract drops properties.log from the envelope: log_s is re-serialized from the Event
  const row = t.row(ev);
  assert.deepEqual(JSON.parse(String(row.log_s)), ev.audit);
  assert.equal(row.Category, 'kube-audit');
  assert.equal(row.ResourceProvider, 'MICROSOFT.CONTAINERSERVICE');
  assert.equal(row.Resource, 'MIKE-AZURE-AKS');
  assert.equal(row.ResourceGroup, 'MIKE-AZURE');
  assert.equal(row.pod_s, 'kube-apiserver-6797f4455b-jdgtt');
});

test('AzureActivity: raw operation, display name, status, claims', () => {
  const t = getTable('AzureActivity')!;
  const [rec] = corpusRecords('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log');
  const row = t.row(fromActivity(rec!));
  assert.equal(row.OperationNameValue, 'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION');
  assert.equal(row.ActivityStatusValue, 'Start');
  assert.equal(row.ActivitySubstatusValue, 'Started.');
  assert.equal(row.CategoryValue, 'Administrative');
  assert.equal(row.ResourceProviderValue, 'MICROSOFT.EVENTHUB');
  assert.equal(row.ResourceGroup, 'SA-HEMA');
  assert.equal((row.Claims_d as Obj).appidacr, '2');
  assert.equal(
    (row.Authorization_d as Obj).action,
    'Microsoft.EventHub/namespaces/authorizationRules/listKeys/action',
  );
  assert.equal(row.Caller, '8a4de8b5-095c-47d0-a96f-a75130c61d53');
  assert.equal(row.CallerIpAddress, rec!.callerIpAddress);
  // REST shape (synthetic): display name from localizedValue
  const rest = fromActivity({
    operationName: {
      value: 'Microsoft.Compute/virtualMachines/deallocate/action',
      localizedValue: 'Deallocate Virtual Machine',
    },
  } as never);
  assert.equal(t.column('OperationName')!(rest), 'Deallocate Virtual Machine');
  assert.equal(t.column('OperationNameValue')!(rest), 'Microsoft.Compute/virtualMachines/deallocate/action');
});

test('KubeEvents: core/v1 and events.k8s.io/v1 items (synthetic)', () => {
  const t = getTable('KubeEvents')!;
  const base = {
    kind: 'k8s-event' as const,
    format: 'kube-events' as const,
    provider: 'k8s' as const,
    raw: '{}',
  };
  const source = { file: 'synthetic', line: 1, index: 0 };
  const core: AuditEvent = {
    ...base,
    source,
    time: '2024-01-01T00:00:05Z',
    ts: Date.parse('2024-01-01T00:00:05Z'),
    id: 'a',
    kubeEvent: {
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      count: 7,
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2024-01-01T00:00:00Z',
      lastTimestamp: '2024-01-01T00:00:05Z',
    },
  };
  const v1: AuditEvent = {
    ...core,
    id: 'b',
    kubeEvent: {
      regarding: { kind: 'Node', name: 'node-2' },
      note: 'Node became not ready',
      reason: 'NodeNotReady',
      type: 'Normal',
      reportingController: 'node-controller',
      series: { count: 3, lastObservedTime: '2024-01-01T00:10:00Z' },
      deprecatedFirstTimestamp: '2024-01-01T00:01:00Z',
    },
  };
  const r1 = t.row(core);
  assert.deepEqual(
    [
      r1.Namespace,
      r1.Name,
      r1.ObjectKind,
      r1.Reason,
      r1.KubeEventType,
      r1.Count,
      r1.SourceComponent,
      r1.Computer,
    ],
    ['default', 'web-1', 'Pod', 'BackOff', 'Warning', 7, 'kubelet', 'node-1'],
  );
  assert.deepEqual(r1.FirstSeen, new Date('2024-01-01T00:00:00Z'));
  const r2 = t.row(v1);
  assert.deepEqual(
    [r2.Name, r2.Message, r2.Count, r2.SourceComponent],
    ['node-2', 'Node became not ready', 3, 'node-controller'],
  );
  assert.deepEqual(r2.LastSeen, new Date('2024-01-01T00:10:00Z'));
  assert.ok(!t.accepts(fromK8sEvent({ verb: 'get' })));
});

test('registry: every view renders', () => {
  const views = listViews();
  assert.ok(
    ['sigma', 'ecs', 'CloudAuditEvents', 'AKSAudit', 'AzureActivity', 'KubeEvents'].every((v) =>
      views.includes(v),
    ),
  );
  const ev = aksReal()[0]!;
  assert.equal(renderView('sigma')!(ev)!.verb, ev.audit?.verb);
  assert.equal(renderView('sigma')!(ev)!.resource, ev.audit?.objectRef?.resource);
  assert.equal((renderView('ecs')!(ev)!.event as Obj).action, ev.audit?.verb);
  assert.equal(renderView('AKSAudit')!(ev)!.Verb, ev.audit?.verb);
  assert.equal(renderView('aksaudit')!(ev)!.Verb, ev.audit?.verb);
  assert.equal(renderView('AzureActivity')!(ev), undefined);
  assert.equal(renderView('nope'), undefined);
  const act = activityReal()[0]!;
  assert.equal(renderView('sigma')!(act)!.OperationNameValue, act.activity?.operationName);
});
