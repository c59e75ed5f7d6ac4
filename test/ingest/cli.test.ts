/**
 * The real binary (`bin/auditscope.js`, built dist/) on corpus files: `events` and `scan`
 * output, quarantine file, deduplication across feeds, exit codes. Wrapper files are SYNTHETIC.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { corpus } from '../corpus.js';
import { runCli } from '../run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'auditscope-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const aks = corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json');
const secretRule = corpus(
  'sigmahq-rules/rules/application/kubernetes/audit/kubernetes_audit_secrets_modified_or_deleted.yml',
);
const createSecret = corpus('falcosecurity-falco-k8s_audit/create_secret.json');
const deleteSecret = corpus('falcosecurity-falco-k8s_audit/delete_secret.json');

test('events prints one normalized event per line (NDJSON) and a summary on stderr', () => {
  const r = runCli(['events', aks]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 21);
  const ev = JSON.parse(lines[0]!);
  assert.equal(ev.format, 'aks-diagnostic');
  assert.equal(ev.provider, 'aks');
  assert.equal(ev.source.line, 1);
  assert.equal(ev.id, `${ev.audit.auditID}:${ev.audit.stage}`);
  assert.match(r.stderr, /records: 21 read, 21 events, 0 quarantined/);
  assert.match(r.stderr, /formats: aks-diagnostic 21/);
});

test('events --output table prints aligned columns for people', () => {
  const r = runCli(['events', createSecret, '--output', 'table', '--quiet']);
  assert.equal(r.code, 0);
  const [head, row] = r.stdout.split('\n');
  assert.match(
    head!,
    /^TIME\s+KIND\s+FORMAT\s+PROVIDER\s+USER\s+VERB\/OPERATION\s+RESOURCE\/NAME\s+NAMESPACE\s+SOURCE$/,
  );
  assert.match(
    row!,
    /^2020-04-21T17:57:05\.548299Z\s+audit\s+k8s-audit\s+k8s\s+minikube-user\s+create\s+secrets\/example-secret\s+default\s+\S*create_secret\.json:1$/,
  );
  assert.equal(head!.indexOf('USER'), row!.indexOf('minikube-user'), 'columns are aligned');
  assert.equal(r.stderr, '');
});

test('events reads stdin with -', () => {
  const r = runCli(['events', '-', '--quiet'], readFileSync(createSecret, 'utf8'));
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout).source.file, '<stdin>');
});

test('scan: NDJSON alerts carry rule, event.original and log.file; exit 1 when alerts', () => {
  const r = runCli([
    'scan',
    createSecret,
    deleteSecret,
    '--no-builtin',
    '--rules',
    secretRule,
    '--output',
    'ndjson',
  ]);
  assert.equal(r.code, 1, r.stderr);
  const alerts = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(alerts.length, 2);
  const a = alerts[0];
  assert.equal(a['@timestamp'], '2020-04-21T17:57:05.548299Z');
  assert.equal(a.rule.language, 'sigma');
  assert.equal(a.rule.severity, 'medium');
  assert.ok(
    a.rule.id && a.rule.name && typeof a.rule.risk_score === 'number' && Array.isArray(a.rule.threat),
  );
  assert.equal(a.event.original, readFileSync(createSecret, 'utf8').split('\n')[0]);
  assert.deepEqual(a.log.file, { path: createSecret, line: 1, index: 0 });
  assert.match(r.stderr, /2 alerts: medium 2/);
  assert.match(r.stderr, /rules: 1 loaded/);
});

test('scan: the same event through two feeds (raw line + synthetic webhook EventList) alerts once', () => {
  const event = JSON.parse(readFileSync(createSecret, 'utf8').split('\n')[0]!);
  const webhook = join(tmp, 'synthetic-webhook.json');
  writeFileSync(
    webhook,
    JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [event] }),
  );
  const r = runCli([
    'scan',
    createSecret,
    webhook,
    createSecret,
    '--no-builtin',
    '--rules',
    secretRule,
    '--output',
    'ndjson',
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.match(r.stderr, /duplicates: 2 events/);
});

test('scan table output, quarantine file and stderr file:line for bad records; exit 0 without alerts', () => {
  const qfile = join(tmp, 'quarantine.ndjson');
  const bad = join(tmp, 'synthetic-bad.jsonl');
  writeFileSync(bad, `${readFileSync(aks, 'utf8').split('\n')[0]}\n{"kind": 0}\nnot json\n`);
  const r = runCli(['scan', bad, '--no-builtin', '--rules', secretRule, '--quarantine', qfile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`${bad.replaceAll('/', '\\/')}:2: quarantined \\(unknown-format\\)`));
  assert.match(r.stderr, /:3: quarantined \(malformed-json\)/);
  const q = readFileSync(qfile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    q.map((x) => [x.file, x.line, x.reason, x.record]),
    [
      [bad, 2, 'unknown-format', '{"kind": 0}'],
      [bad, 3, 'malformed-json', 'not json'],
    ],
  );
  assert.ok(q.every((x) => typeof x.message === 'string' && x.message.length > 0));
  assert.match(r.stdout, /^0 alerts\n/);
  assert.match(
    r.stdout,
    /records: 3 read, 1 events, 2 quarantined \((malformed-json 1, unknown-format 1|unknown-format 1, malformed-json 1)\)/,
  );
  assert.match(r.stdout, /formats: aks-diagnostic 1/);
});

test('scan table: aligned alert rows with severity, rule, user, verb, resource, namespace, source', () => {
  const r = runCli(['scan', createSecret, '--no-builtin', '--rules', secretRule]);
  assert.equal(r.code, 1);
  const [head, row] = r.stdout.split('\n');
  assert.match(
    head!,
    /^TIME\s+SEVERITY\s+RULE\s+USER\s+VERB\/OPERATION\s+RESOURCE\/NAME\s+NAMESPACE\s+SOURCE$/,
  );
  assert.match(
    row!,
    /medium\s+Kubernetes Secrets Modified or Deleted\s+minikube-user\s+create\s+secrets\/example-secret\s+default/,
  );
  assert.ok(!r.stdout.includes('\x1b['), 'no colour when not a terminal');
});

test('exit codes: 2 for usage errors, 3 for unreadable input', () => {
  assert.equal(runCli(['scan', createSecret, '--output', 'xml']).code, 2);
  assert.equal(runCli(['events', createSecret, '--bogus']).code, 2);
  const missing = runCli(['scan', join(tmp, 'nope.jsonl'), '--no-builtin', '--rules', secretRule]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /nope\.jsonl:0: quarantined \(io-error\)/);
});

test('events --view renders each event as a view row; unknown views are a usage error listing the names', () => {
  const r = runCli(['events', aks, '--view', 'AKSAudit']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, 21);
  assert.ok(rows.every((row) => typeof row.AuditId === 'string' && typeof row.Verb === 'string'));
  const none = runCli(['events', createSecret, '--view', 'AzureActivity']);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /view AzureActivity: 1 event has no row in it/);
  const bad = runCli(['events', aks, '--view', 'NoSuchTable']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown view 'NoSuchTable' \(views: .*AKSAudit/);
});

test('scan prints rule diagnostics with file:line:col and a caret; rule errors without alerts exit 3', () => {
  const rule = join(tmp, 'synthetic-broken.yml');
  writeFileSync(
    rule,
    'title: Synthetic broken rule\nlogsource:\n  product: kubernetes\n  service: audit\ndetection:\n  sel:\n    verb|contain: delete\n  condition: sel\n',
  );
  const r = runCli(['scan', createSecret, '--no-builtin', '--rules', rule]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`${rule.replaceAll('/', '\\/')}:7:\\d+: error SIG\\d+: `));
  assert.match(r.stderr, /\n\s+verb\|contain: delete\n\s+\^~+/);
  assert.match(r.stdout, /rules: 1 loaded, 0 skipped, 1 error\n/);
});
