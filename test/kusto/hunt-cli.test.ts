import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliPath, corpus, repoRoot } from '../corpus.js';
import { syntheticAksLines } from './aks-fixture.js';
import { defenderSeedQueries } from './seed-queries.js';

// `auditscope hunt` through the real binary (needs `npm run build`). The synthetic AKS records come
// from aks-fixture.ts (labelled synthetic there).

const built = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'commands', 'hunt.js'));
const skip = !built && 'build first (npm run build)';
const dir = mkdtempSync(join(tmpdir(), 'auditscope-hunt-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const synthetic = join(dir, 'synthetic-aks.json');
writeFileSync(synthetic, `${syntheticAksLines().join('\n')}\n`);
const real = corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cliPath, 'hunt', ...args], { encoding: 'utf8', cwd: repoRoot });

test('hunt --file with a seed query, ndjson, pinned now', { skip }, () => {
  const f = join(dir, 'exec.kql');
  writeFileSync(f, defenderSeedQueries()[1] ?? '');
  const r = run('--file', f, '--now', '2024-11-16T00:00:00Z', '--output', 'ndjson', real, synthetic);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    rows.map((x) => [x.PodName, x.ParsedCommand, x.Timestamp]),
    [['coredns-5d8f6c7b9-x2x7q', 'sh -c cat /etc/shadow', '2024-11-15T21:40:00.000Z']],
  );
});

test('--now makes ago() reproducible: without it the old evidence is out of range', { skip }, () => {
  const q = 'AKSAudit | where TimeGenerated > ago(1d) | count';
  const pinned = run('--query', q, '--now', '2024-11-16T00:00:00Z', '-o', 'csv', real);
  assert.equal(pinned.stdout, 'Count\n21\n');
  const clock = run('--query', q, '-o', 'csv', real);
  assert.equal(clock.stdout, 'Count\n0\n');
});

test('table output shows typed headers, truncates long cells and counts rows', { skip }, () => {
  const r = run('--query', 'AKSAudit | take 2 | project TimeGenerated, RequestUri, ObjectRef', real);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0] ?? '', /^TimeGenerated:datetime\s+RequestUri:string\s+ObjectRef:dynamic$/);
  assert.ok(
    lines.some((l) => l.includes('…')),
    'long dynamic cell is truncated',
  );
  assert.match(r.stdout, /\n2 rows in \d+ ms\n$/);
});

test('a bad query exits 3 with a positioned diagnostic', { skip }, () => {
  const r = run('--query', 'AKSAudit | where Verbb == "get"', real);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /<input>:1:18: error KUS002: .*'Verbb'.* \(did you mean 'Verb'\?\)/);
  assert.match(r.stderr, /\n {2}AKSAudit \| where Verbb == "get"\n {19}\^~~~~/);
});

test('an unsupported operator is named, never answered', { skip }, () => {
  const r = run('--query', 'AKSAudit | evaluate bag_unpack(User)', real);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /KUS010: operator 'evaluate' is not supported/);
});

test('--saved runs a hunt of the built-in pack', { skip }, () => {
  const r = run('--saved', 'aks-audit-30d', '--now', '2024-11-16T00:00:00Z', '-o', 'csv', real);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n').length - 2, 21);
  assert.equal(run('--saved', 'no-such-hunt', real).status, 2);
});

test('the seed AKSAudit query warns about its non-Azure-Monitor columns, with positions', { skip }, () => {
  const q =
    'AKSAudit | where TimeGenerated > ago(30d) | project TimeGenerated, Verb, UserAgent, UserUsername, SourceIps, RequestURI, ObjectRefResource, ResponseStatusCode';
  const r = run('--query', q, '--now', '2024-11-16T00:00:00Z', '-o', 'csv', real);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /<input>:1:85: warning KUS020: 'UserUsername' .*tostring\(User\.username\)/);
  assert.equal(
    r.stdout.split('\n')[0],
    'TimeGenerated,Verb,UserAgent,UserUsername,SourceIps,RequestURI,ObjectRefResource,ResponseStatusCode',
  );
});

test('usage errors: no query, two queries', { skip }, () => {
  assert.equal(run(real).status, 2);
  assert.equal(run('--query', 'print 1', '--file', 'x.kql', real).status, 2);
});

test('--db runs the same seed hunt on a DuckDB store with the same rows', { skip }, () => {
  const db = join(dir, 'store.duckdb');
  const load = spawnSync(process.execPath, [cliPath, 'load', '--db', db, '--quiet', real, synthetic], {
    encoding: 'utf8',
    cwd: repoRoot,
  });
  assert.equal(load.status, 0, load.stderr);
  for (const q of defenderSeedQueries()) {
    const args = ['--query', q, '--now', '2024-11-16T00:00:00Z', '-o', 'ndjson'];
    const mem = run(...args, real, synthetic);
    const store = run(...args, '--db', db);
    assert.equal(mem.status, 0, mem.stderr);
    assert.equal(store.status, 0, store.stderr);
    const sorted = (s: string) => s.trim().split('\n').sort();
    assert.deepEqual(sorted(store.stdout), sorted(mem.stdout));
    assert.ok(mem.stdout.trim().length > 0);
  }
});

test('--explain prints the lowered IR without running the query', { skip }, () => {
  const r = run('--explain', '--query', 'AKSAudit | where Verb =~ "CREATE" | count');
  assert.equal(r.status, 0, r.stderr);
  const ir = JSON.parse(r.stdout) as {
    body: { kind: string; input: { kind: string; predicate: { op: string } } };
  };
  assert.equal(ir.body.kind, 'Summarize');
  assert.equal(ir.body.input.kind, 'Where');
  assert.equal(ir.body.input.predicate.op, 'eq_ci');
});

test('hunt over two AKS feeds: one row for the privileged pod, dynamic strings printed bare', {
  skip,
}, () => {
  const f = join(dir, 'privileged.kql');
  writeFileSync(f, defenderSeedQueries()[0] ?? '');
  const r = run('--file', f, '--now', '2026-11-20T12:00:00Z', join(repoRoot, 'samples', 'aks-attack'));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.includes('priv-shell'));
  assert.equal(lines.length, 1, r.stdout);
  assert.match(lines[0] ?? '', /\spriv-shell\s+default\s+shell\s+eve@contoso\.onmicrosoft\.com$/);
  assert.doesNotMatch(r.stdout, /"priv-shell"/);
  assert.match(r.stderr, /duplicate record/);
});
