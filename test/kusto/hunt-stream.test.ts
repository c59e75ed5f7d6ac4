import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { synthLines } from '../../bench/generate.js';
import { dedupEvents } from '../../src/alerts/dedup.js';
import { cellText } from '../../src/cli/commands/hunt.js';
import { huntEvents, huntFiles } from '../../src/detect/kusto/hunt.js';
import { TableStreamer } from '../../src/detect/kusto/stream-tables.js';
import { huntPrefilterPlan } from '../../src/detect/kusto/hunt-prefilter.js';
import { planScans } from '../../src/engine/kusto/scan-plan.js';
import { kustoSchemas } from '../../src/detect/kusto/catalog.js';
import { readEvents } from '../../src/ingest/index.js';
import { parseKusto } from '../../src/lang/kusto/parse-kusto.js';
import { corpus, repoRoot } from '../corpus.js';
import { syntheticAksLines, seedNow } from './aks-fixture.js';
import { canonical } from './conformance.js';
import { aksSeedQueries, defenderSeedQueries } from './seed-queries.js';

// The streaming hunt over files (huntFiles: pushdown of the leading filters, column pruning, one row
// per request) against the plain path (every event in memory, deduplicated up front, full rows, no
// filter while building): same rows, same order. Inputs: the real AKS blob of the corpus, the
// SYNTHETIC seed fixture (aks-fixture.ts), samples/aks-attack (synthetic, two AKS feeds carrying the
// same requests, plus Activity Log), and SYNTHETIC files from the bench generator.

const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = join(dir, 'synthetic-aks.json');
writeFileSync(fixture, `${syntheticAksLines().join('\n')}\n`);
const synthAks = join(dir, 'synthetic-generated-aks.json');
writeFileSync(
  synthAks,
  `${[...synthLines({ events: 3000, format: 'aks' })].map((l) => l.line).join('\n')}\n`,
);
const synthActivity = join(dir, 'synthetic-generated-activity.json');
writeFileSync(
  synthActivity,
  `${[...synthLines({ events: 300, format: 'activity' })].map((l) => l.line).join('\n')}\n`,
);
const attack = join(repoRoot, 'samples', 'aks-attack');
const attackNow = Date.parse('2026-11-20T12:00:00Z');

const inputSets: readonly { name: string; inputs: string[]; now: number }[] = [
  {
    name: 'corpus AKS blob + seed fixture',
    inputs: [corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'), fixture],
    now: seedNow,
  },
  { name: 'samples/aks-attack', inputs: [attack], now: attackNow },
  { name: 'generated synthetic AKS + Activity', inputs: [synthAks, synthActivity], now: attackNow },
];

const queries: readonly string[] = [
  ...defenderSeedQueries(),
  ...aksSeedQueries(),
  'CloudAuditEvents | where OperationName == "create" | summarize n = count() by r = tostring(RawEventData.ObjectRef.resource)',
  'AKSAudit | where Verb == "delete" | project TimeGenerated, ObjectRef, u = User.username',
  'AKSAudit | where ResponseStatus.code >= 400 and User.username !startswith "system:" | take 20',
  'let denied = AKSAudit | where ResponseStatus.code >= 400 | project U = tostring(User.username); AKSAudit | where Verb == "create" | extend U = tostring(User.username) | join kind=inner (denied | distinct U) on U | summarize count() by U',
  'union AKSAudit, AKSAuditAdmin | where Verb in ("patch", "delete") | summarize n = count() by Type',
  'CloudAuditEvents | where RawEventData.ObjectRef.resource == "secrets" | take 5 | project RawEventData, AdditionalFields',
  'CloudAuditEvents | where Timestamp > ago(365d) and RawEventData.ObjectRef.resource in ("pods", "deployments") | mv-expand c = RawEventData.RequestObject.spec.containers | project n = tostring(c.name), img = tostring(c.image), p = c.securityContext',
  'AKSAudit | where Verb in ((AKSAuditAdmin | where ResponseStatus.code == 403 | distinct Verb)) | count',
  'CloudAuditEvents | where DataSource == "Azure Resource Manager" | summarize count() by OperationName, ActionType',
  'AKSAudit | where tostring(User.username) startswith "system:" | summarize dcount(tostring(ObjectRef.name)) by bin(TimeGenerated, 1m)',
  'CloudAuditEvents | where RawEventData.ObjectRef["resource"] == "pods" | extend R = RawEventData | project R.ObjectRef.name, R.Verb',
];

const rowsOf = (r: { result?: { rows: readonly Record<string, unknown>[] } }) =>
  (r.result?.rows ?? []).map((x) => JSON.stringify(canonical(x)));

for (const set of inputSets) {
  test(`streaming hunt = plain path: ${set.name}`, async () => {
    const events = dedupEvents(await readEvents(set.inputs)).events;
    let nonEmpty = 0;
    for (const q of queries) {
      const plain = huntEvents(q, events, { now: set.now, plain: true });
      const streamed = await huntFiles(q, set.inputs, { now: set.now });
      const errors = (d: typeof plain.diagnostics) => d.filter((x) => x.severity === 'error');
      assert.deepEqual(errors(plain.diagnostics), [], q);
      assert.deepEqual(errors(streamed.diagnostics), [], q);
      const want = rowsOf(plain);
      assert.deepEqual(rowsOf(streamed), want, q);
      if (want.length) nonEmpty++;
    }
    assert.ok(nonEmpty >= 5, `only ${nonEmpty} queries found rows in ${set.name}`);
  });
}

test('one row per request: the privileged pod seen through kube-audit and kube-audit-admin', async () => {
  const [privileged] = defenderSeedQueries();
  assert.ok(privileged);
  const r = await huntFiles(privileged, [attack], { now: attackNow });
  const pods = (r.result?.rows ?? []).map((x) => x.PodName);
  assert.deepEqual(
    pods.filter((p) => p === 'priv-shell'),
    ['priv-shell'],
  );
  assert.ok(r.duplicates >= 1, 'the admin copy was seen and dropped');
  // the same without ingest-level help: events straight from both feeds, duplicates included
  const all = await readEvents([attack]);
  assert.ok(all.length > dedupEvents(all).events.length, 'the sample holds both feeds');
  const direct = huntEvents(privileged, all, { now: attackNow });
  assert.deepEqual((direct.result?.rows ?? []).filter((x) => x.PodName === 'priv-shell').length, 1);
});

test('kept rows hold only the columns and member paths the query reads', async () => {
  const q =
    'CloudAuditEvents | where RawEventData.ObjectRef.resource == "pods" | project u = RawEventData.User.username';
  const p = parseKusto(q, kustoSchemas());
  assert.ok(p.program);
  const s = new TableStreamer(p.program, { now: attackNow });
  for (const ev of await readEvents([attack])) s.push(ev);
  const [rows] = [...s.scans().values()];
  assert.ok(rows?.length);
  for (const r of rows) {
    assert.deepEqual(Object.keys(r), ['RawEventData']);
    const raw = r.RawEventData as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(raw).sort(), ['ObjectRef', 'User']);
    assert.deepEqual(Object.keys(raw.ObjectRef ?? {}), ['resource']);
    assert.deepEqual(Object.keys(raw.User ?? {}), ['username']);
  }
});

test('rows failing the leading filters are not kept', async () => {
  const q = 'AKSAudit | where Verb == "create" | where ObjectRef.resource == "pods" | count';
  const p = parseKusto(q, kustoSchemas());
  assert.ok(p.program);
  const s = new TableStreamer(p.program, { now: attackNow });
  const events = await readEvents([attack]);
  for (const ev of events) s.push(ev);
  const kept = [...s.scans().values()].flat();
  assert.ok(kept.length > 0 && kept.length < events.length / 2);
  assert.equal(s.kept, kept.length);
  for (const r of kept) assert.deepEqual(Object.keys(r), ['Verb', 'ObjectRef']);
});

test('the byte prefilter skips lines no table reference could keep, with the same rows', async () => {
  const [privileged] = defenderSeedQueries();
  assert.ok(privileged);
  const on = await huntFiles(privileged, [synthAks], { now: attackNow });
  const off = await huntFiles(privileged, [synthAks], { now: attackNow, prefilter: false });
  assert.ok((on.stats?.prefiltered ?? 0) > 1000, `prefiltered ${on.stats?.prefiltered}`);
  assert.equal(off.stats?.prefiltered, 0);
  assert.deepEqual(rowsOf(on), rowsOf(off));
  assert.ok(rowsOf(on).length > 0);
  // a table reference without a constraint on the index keys (or a non-audit table) turns it off
  const all = await huntFiles(
    `${privileged} | union (AKSAudit | where User.username == "x" | project Timestamp = TimeGenerated)`,
    [synthAks],
    { now: attackNow },
  );
  assert.equal(all.stats?.prefiltered, 0);
});

test('prefilter plan: equalities and in-lists on the index keys, nothing from or/negations', () => {
  const plan = (q: string) => {
    const p = parseKusto(q, kustoSchemas());
    assert.ok(p.program, q);
    const c = huntPrefilterPlan(planScans(p.program), () => true)?.clauses;
    return c?.map((x) =>
      Object.fromEntries(Object.entries(x).map(([k, v]) => [k, [...(v as Set<string>)].sort()])),
    );
  };
  assert.deepEqual(plan(defenderSeedQueries()[0] ?? ''), [{ verbs: ['create'] }]);
  assert.deepEqual(
    plan('AKSAudit | where Verb in~ ("Delete", "patch") and ObjectRef.resource =~ "Secrets"'),
    [{ verbs: ['delete', 'patch'] }],
  );
  assert.deepEqual(plan('AKSAudit | where Verb in ("get", "list") | where Verb == "list"'), [
    { verbs: ['list'] },
  ]);
  assert.equal(plan('AKSAudit | where ObjectRef.resource == "secrets"'), undefined);
  assert.equal(plan('AKSAudit | where Verb == "get" or Verb == "list"'), undefined);
  assert.equal(plan('AKSAudit | where Verb != "get"'), undefined);
  assert.equal(plan('AzureActivity | where OperationNameValue == "x"'), undefined);
  assert.deepEqual(plan('union (AKSAudit | where Verb == "get"), (AKSAuditAdmin | where Verb == "delete")'), [
    { verbs: ['get'] },
    { verbs: ['delete'] },
  ]);
});

test('table cells: a dynamic string prints bare, objects and arrays as JSON', () => {
  assert.equal(cellText('priv-shell', 'dynamic'), 'priv-shell');
  assert.equal(cellText(201, 'dynamic'), '201');
  assert.equal(cellText(true, 'dynamic'), 'true');
  assert.equal(cellText({ a: 'x' }, 'dynamic'), '{"a":"x"}');
  assert.equal(cellText(['a', 1], 'dynamic'), '["a",1]');
  assert.equal(cellText('', 'dynamic'), '');
  assert.equal(cellText(null, 'dynamic'), '');
  assert.equal(cellText('x y', 'string'), 'x y');
});
