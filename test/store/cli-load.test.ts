import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, corpus } from '../corpus.js';

/** Runs the built CLI (npm test builds dist/ first). */
const run = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });

test('auditscope load and db info on real corpus samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-cli-store-'));
  try {
    const db = join(dir, 'a.duckdb');
    const files = [
      corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'),
      corpus('falcosecurity-falco-k8s_audit/exec_pod.json'),
    ];
    const first = run(['load', ...files, '--db', db]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /loaded 22 events \(22 new\)/);
    // Loading again reads nothing: both files are recorded unchanged.
    const again = run(['load', ...files, '--db', db]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal((again.stderr.match(/unchanged/g) ?? []).length, 2);
    const info = run(['db', 'info', '--db', db, '--output', 'ndjson']);
    assert.equal(info.status, 0, info.stderr);
    const parsed = JSON.parse(info.stdout) as {
      events: number;
      files: number;
      tables: { name: string; rows: number }[];
    };
    assert.equal(parsed.events, 22);
    assert.equal(parsed.files, 2);
    // The DataDog blob holds 21 real AKS kube-audit records; the Falco sample is a plain audit Event.
    assert.equal(parsed.tables.find((t) => t.name === 'AKSAudit')?.rows, 21);
    assert.equal(parsed.tables.find((t) => t.name === 'CloudAuditEvents')?.rows, 22);
    const usage = run(['load', ...files]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--db FILE is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
