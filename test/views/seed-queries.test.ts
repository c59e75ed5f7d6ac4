import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { evaluateProgram } from '../../src/engine/kusto/evaluate.js';
import { parseKusto } from '../../src/lang/kusto/parse-kusto.js';
import type { AuditEvent, K8sAudit } from '../../src/model/event.js';
import { listTables } from '../../src/views/tables/tables.js';
import { corpus, seedsDir } from '../corpus.js';
import { corpusRecords, fromAksRecord } from './make-events.js';

/**
 * The three Microsoft sample queries of seeds/003 (CloudAuditEvents), parsed by the official Kusto
 * parser against our table schemas and run by the Kusto engine over our CloudAuditEvents rows.
 * Input: real Falco Events wrapped in a synthetic AKS diagnostic envelope (made-up cluster), since
 * the queries filter on DataSource "Azure Kubernetes Service".
 */

type Obj = Record<string, unknown>;

const SYNTH_ID =
  '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/SYNTHETIC-RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/SYNTHETIC-AKS';

function falco(name: string, patch: (a: K8sAudit) => K8sAudit = (a) => a): AuditEvent {
  const a = patch(
    JSON.parse(readFileSync(corpus(`falcosecurity-falco-k8s_audit/${name}`), 'utf8')) as K8sAudit,
  );
  return fromAksRecord({
    category: 'kube-audit',
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: JSON.stringify(a), pod: 'kube-apiserver-synthetic' },
    resourceId: SYNTH_ID,
    time: a.stageTimestamp,
  });
}

function seedQueries(): string[] {
  const text = readFileSync(`${seedsDir}/003_77a69f7b89631037.txt`, 'utf8');
  return text.split(/\n\s*\n/).filter((b) => b.startsWith('CloudAuditEvents'));
}

function run(query: string, evs: AuditEvent[]): Obj[] {
  const schemas = listTables().map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
  }));
  const { program, diagnostics } = parseKusto(query, schemas);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const t = listTables().find((x) => x.name === 'CloudAuditEvents')!;
  const rows = evs.filter((ev) => t.accepts(ev)).map((ev) => t.row(ev));
  const now = Math.max(...evs.map((e) => e.ts)) + 3_600_000;
  return evaluateProgram(program!, { tables: new Map([['CloudAuditEvents', rows]]), now }).rows as Obj[];
}

const toKsNs = (a: K8sAudit): K8sAudit => ({ ...a, objectRef: { ...a.objectRef, namespace: 'kube-system' } });
// Put every event within the last day of the pinned "now" by giving them the same stage time.
const sameDay =
  (f: (a: K8sAudit) => K8sAudit = (a) => a) =>
  (a: K8sAudit): K8sAudit => ({ ...f(a), stageTimestamp: '2020-04-21T17:57:05.548299Z' });

test('seed 003 has the three sample queries', () => {
  assert.equal(seedQueries().length, 3);
});

test('seed query 1 (privileged pod) returns the privileged container only', () => {
  const q = seedQueries()[0]!;
  const evs = [
    falco('create_nginx_pod_privileged_2nd_container.json', sameDay()),
    falco('create_nginx_pod_unprivileged.json', sameDay()),
    falco('exec_pod.json', sameDay()),
  ];
  const rows = run(q, evs);
  assert.deepEqual(
    rows.map((r) => [r.ContainerName, r.PodNamespace, r.AzureResourceId, r.OperationName]),
    [['mysql', 'default', SYNTH_ID, 'create']],
  );
});

test('seed query 2 (exec in kube-system) parses the command', () => {
  const q = seedQueries()[1]!;
  const evs = [falco('exec_pod.json', sameDay()), falco('exec_pod.json', sameDay(toKsNs))];
  const rows = run(q, evs);
  assert.deepEqual(
    rows.map((r) => [r.PodNamespace, r.PodName, r.ParsedCommand, r.Username]),
    [['kube-system', 'nginx-deployment-7998647bdf-phvq7', 'bash', evs[1]!.audit?.user?.username]],
  );
});

test('seed query 3 (cluster-admin binding) lists the subjects', () => {
  const q = seedQueries()[2]!;
  const evs = [
    falco('attach_cluster_admin_role.json', sameDay()),
    falco('create_clusterrolebinding.json', sameDay()),
  ];
  const rows = run(q, evs);
  assert.deepEqual(
    rows.map((r) => [r.BindingName, r.SubjectName, r.SubjectKind]),
    [['some-reader-binding', 'minikube', 'User']],
  );
});

test('seed 004 AKSAudit / AKSAuditAdmin collection queries over the real AKS blob', () => {
  const text = readFileSync(`${seedsDir}/004_70b725ea5d1de986.txt`, 'utf8');
  // the seed text glues the next heading ("kubectl") to the end of the second query
  const queries = text
    .split('\n')
    .filter((l) => /^AKSAudit(Admin)? \|/.test(l))
    .map((l) => l.replace(/kubectl$/, '').trim());
  assert.equal(queries.length, 2);
  const evs = corpusRecords('datadog-azure-log-forwarding-orchestration/aks_logs.json').map((r) =>
    fromAksRecord(r),
  );
  const now = Math.max(...evs.map((e) => e.ts)) + 3_600_000;
  const schemas = listTables().map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
  }));
  const tables = new Map(
    ['AKSAudit', 'AKSAuditAdmin'].map((n) => {
      const t = listTables().find((x) => x.name === n)!;
      return [n, evs.filter((ev) => t.accepts(ev)).map((ev) => t.row(ev))];
    }),
  );
  const results = queries.map((q) => {
    const { program, diagnostics } = parseKusto(q, schemas);
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      [],
    );
    return evaluateProgram(program!, { tables, now }).rows as Obj[];
  });
  assert.equal(results[0]!.length, evs.length);
  assert.deepEqual(
    results[0]!.map((r) => [r.Verb, r.UserUsername, r.ObjectRefResource]),
    evs.map((e) => [e.audit?.verb, e.audit?.user?.username, e.audit?.objectRef?.resource ?? '']),
  );
  const writes = evs.filter((e) => ['create', 'patch', 'delete', 'update'].includes(String(e.audit?.verb)));
  assert.ok(writes.length > 0);
  assert.deepEqual(
    results[1]!.map((r) => [r.Verb, r.UserUsername]),
    writes.map((e) => [e.audit?.verb, e.audit?.user?.username]),
  );
});
