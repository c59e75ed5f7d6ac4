import assert from 'node:assert/strict';
import { test } from 'node:test';
import { huntEvents } from '../../src/detect/kusto/hunt.js';
import { canonical } from './conformance.js';
import { aksSeedEvents, seedNow, syntheticResourceId } from './aks-fixture.js';
import { aksSeedQueries, defenderSeedQueries } from './seed-queries.js';

// The seed hunts run verbatim (read from the seed documents) over the real AKS blob plus synthetic
// AKS-wrapped Falco traces (see aks-fixture.ts for what each synthetic record is for).
const events = aksSeedEvents();
const [privileged, exec, clusterAdmin] = defenderSeedQueries();
const [aksAudit, aksAuditAdmin] = aksSeedQueries();

function run(q: string | undefined) {
  assert.ok(q, 'seed query not found in the seed document');
  const r = huntEvents(q, events, { now: seedNow });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  assert.ok(r.result);
  return { ...r, rows: r.result.rows.map((x) => canonical(x) as Record<string, unknown>) };
}

test('seed 003: the three Defender queries are read verbatim from the seed', () => {
  assert.equal(defenderSeedQueries().length, 3);
  assert.match(privileged ?? '', /^CloudAuditEvents\n\| where Timestamp > ago\(1d\)/);
  assert.match(exec ?? '', /extract_all\(@"command=\(\[\^\\&\]\*\)", RequestURI\)/);
  assert.match(clusterAdmin ?? '', /\/\/Remove FP\n\| project Timestamp/);
});

test('seed 003: privileged pod creation finds each privileged container within 1d', () => {
  const { rows, result } = run(privileged);
  assert.deepEqual(
    result?.columns.map((c) => c.name),
    [
      'Timestamp',
      'AzureResourceId',
      'OperationName',
      'IPAddress',
      'UserAgent',
      'PodName',
      'PodNamespace',
      'ContainerName',
      'Username',
    ],
  );
  // the unprivileged pod, the privileged:false first container and the 3-day-old pod are not found
  assert.deepEqual(
    rows.map((r) => [r.Timestamp, r.ContainerName, r.PodNamespace, r.Username]),
    [
      [
        '2024-11-15T21:30:00.000Z',
        'nginx',
        'default',
        'system:serviceaccount:kube-system:replicaset-controller',
      ],
      [
        '2024-11-15T21:31:00.000Z',
        'mysql',
        'default',
        'system:serviceaccount:kube-system:replicaset-controller',
      ],
      [
        '2024-11-15T21:32:00.000Z',
        'mysql',
        'default',
        'system:serviceaccount:kube-system:replicaset-controller',
      ],
    ],
  );
  for (const r of rows) {
    assert.equal(r.AzureResourceId, syntheticResourceId);
    assert.equal(r.OperationName, 'create');
    assert.equal(r.IPAddress, '::1');
    // the Falco pods were created from generateName: no metadata.name, so PodName is null as in Defender
    assert.equal(r.PodName, null);
  }
});

test('seed 003: exec in kube-system decodes the command and skips AKS tunnel pods', () => {
  const { rows } = run(exec);
  assert.deepEqual(rows, [
    {
      Timestamp: '2024-11-15T21:40:00.000Z',
      AzureResourceId: syntheticResourceId,
      OperationName: 'create',
      IPAddress: '192.168.99.1',
      UserAgent: '',
      PodName: 'coredns-5d8f6c7b9-x2x7q',
      PodNamespace: 'kube-system',
      Username: 'minikube-user',
      ParsedCommand: 'sh -c cat /etc/shadow',
    },
  ]);
});

test('seed 003: cluster-admin binding creation, one row per subject, acsService filtered', () => {
  const { rows } = run(clusterAdmin);
  assert.deepEqual(rows, [
    {
      Timestamp: '2024-11-15T21:50:00.000Z',
      AzureResourceId: syntheticResourceId,
      OperationName: 'create',
      ActionTakenBy: 'minikube-user',
      IPAddress: '192.168.99.1',
      UserAgent: '',
      BindingName: 'some-reader-binding',
      SubjectName: 'minikube',
      SubjectKind: 'User',
    },
  ]);
});

test('seed 004: AKSAudit query runs with compatibility aliases and positioned warnings', () => {
  const { rows, diagnostics, result } = run(aksAudit);
  assert.deepEqual(
    result?.columns.map((c) => `${c.name}:${c.type}`),
    [
      'TimeGenerated:datetime',
      'Verb:string',
      'UserAgent:string',
      'UserUsername:string',
      'SourceIps:dynamic',
      'RequestURI:string',
      'ObjectRefResource:string',
      'ResponseStatusCode:int',
    ],
  );
  // 21 real records + 11 synthetic, all within 30 days of the pinned now
  assert.equal(rows.length, 32);
  const first = rows[0];
  assert.deepEqual(first, {
    TimeGenerated: '2024-11-15T21:00:00.154Z',
    Verb: 'get',
    UserAgent: 'kube-probe/1.29',
    UserUsername: 'readinessChecker',
    SourceIps: ['10.200.0.38'],
    RequestURI: '/readyz',
    ObjectRefResource: '',
    ResponseStatusCode: 200,
  });
  const warnings = diagnostics.filter((d) => d.code === 'KUS020');
  assert.deepEqual(
    warnings.map((d) => [aksAudit?.slice(d.span?.start, d.span?.end), d.severity]),
    [
      ['UserUsername', 'warning'],
      ['RequestURI', 'warning'],
      ['ObjectRefResource', 'warning'],
      ['ResponseStatusCode', 'warning'],
    ],
  );
  assert.match(warnings[0]?.hint ?? '', /tostring\(User\.username\)/);
  assert.match(warnings[3]?.hint ?? '', /toint\(ResponseStatus\.code\)/);
});

test('seed 004: AKSAuditAdmin query returns the write verbs', () => {
  const { rows, diagnostics } = run(aksAuditAdmin);
  assert.equal(diagnostics.filter((d) => d.code === 'KUS020').length, 3);
  assert.ok(rows.length > 0);
  for (const r of rows) assert.ok(['create', 'patch', 'delete', 'update'].includes(String(r.Verb)));
  // real blob: 13 update + 3 create (get excluded); synthetic: 11 create
  assert.equal(rows.filter((r) => r.Verb === 'update').length, 13);
  assert.equal(rows.filter((r) => r.Verb === 'create').length, 14);
  const exec = rows.find((r) => String(r.RequestURI).includes('coredns-5d8f6c7b9-x2x7q/exec'));
  assert.deepEqual(exec && [exec.UserUsername, exec.ResponseStatusCode], ['minikube-user', 101]);
});

test('the real column spellings give the same answer without warnings', () => {
  const portable =
    'AKSAudit | where TimeGenerated > ago(30d) | project TimeGenerated, Verb, UserAgent, UserUsername = tostring(User.username), SourceIps, RequestURI = RequestUri, ObjectRefResource = tostring(ObjectRef.resource), ResponseStatusCode = toint(ResponseStatus.code)';
  const a = run(aksAudit);
  const b = run(portable);
  assert.deepEqual(b.diagnostics, []);
  assert.deepEqual(b.rows, a.rows);
});
