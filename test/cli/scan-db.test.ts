/**
 * `scan --db FILE`: detections over a DuckDB store give the same alerts as over the files it was
 * loaded from (the built-in pack: Sigma incl. a correlation rule, Elastic scheduled rules, Kusto
 * scheduled rules), with the files' provenance. Input: the bundled synthetic attack sample.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../corpus.js';
import { runCli } from '../run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'auditscope-scan-db-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const alertKeys = (ndjson: string) =>
  ndjson
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const a = JSON.parse(l);
      return `${a.rule.id} ${a.event.id} ${a.log.file.path}:${a.log.file.line}`;
    })
    .sort();

test('scan --db raises the same alerts, with the same file:line, as scanning the loaded files', () => {
  const db = join(tmp, 'case.duckdb');
  const inputs = files(join(repoRoot, 'samples', 'aks-attack')).sort();
  const load = runCli(['load', ...inputs, '--db', db]);
  assert.equal(load.code, 0, load.stderr);
  const now = ['--now', '2026-11-20T12:00:00Z', '--output', 'ndjson'];
  const fromFiles = runCli(['scan', ...inputs, ...now]);
  const fromDb = runCli(['scan', '--db', db, ...now]);
  assert.equal(fromFiles.code, 1, fromFiles.stderr);
  assert.equal(fromDb.code, 1, fromDb.stderr);
  const want = alertKeys(fromFiles.stdout);
  assert.ok(want.length >= 10, `the sample raises alerts (${want.length})`);
  assert.deepEqual(alertKeys(fromDb.stdout), want);
  const rules = new Set(
    fromDb.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).rule.language),
  );
  assert.ok(rules.has('sigma') && rules.has('elastic') && rules.has('kusto'), [...rules].join(','));
});

test('scan --db refuses input files beside the store', () => {
  const r = runCli(['scan', '--db', join(tmp, 'x.duckdb'), 'some.log']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--db scans the events of a store/);
});
