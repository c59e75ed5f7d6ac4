/**
 * `scan`'s people output on the bundled (synthetic) attack sample: alerts grouped into incidents,
 * and Elastic building-block alerts hidden unless asked for (machine output keeps them).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../corpus.js';
import { runCli } from '../run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'auditscope-scan-out-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const sample = join(repoRoot, 'samples', 'aks-attack');

test('table output groups the attack into one incident about the attacker', () => {
  const r = runCli(['scan', sample, '--now', '2026-11-20T12:00:00Z']);
  assert.equal(r.code, 1, r.stderr);
  const m = /^(\d+) incidents? \(/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[1], '1');
  const line = r.stdout.split('\n').find((l) => l.includes('alerts  2026-11-20T09'));
  assert.ok(line?.includes('eve@contoso.onmicrosoft.com'), line);
  assert.ok(line?.includes('T1098.006'), 'the cluster-admin binding technique is part of the incident');
});

// A SYNTHETIC building-block rule: matches every Activity Log record of the sample.
const blockRule = `[metadata]
creation_date = "2026/11/23"
maturity = "production"
updated_date = "2026/11/23"

[rule]
author = ["auditscope tests"]
description = "Every Activity Log record (building block)."
from = "now-7d"
interval = "1d"
index = ["logs-azure.activitylogs-*"]
language = "kuery"
license = "Apache-2.0"
name = "Any Activity Log record (building block)"
risk_score = 21
rule_id = "0b0b0b0b-0000-4000-8000-000000000001"
severity = "low"
type = "query"
building_block_type = "default"
query = "event.dataset:azure.activitylogs"
`;

test('building-block alerts are hidden from the table, counted, shown with --building-blocks, kept in ndjson', () => {
  const rule = join(tmp, 'block.toml');
  writeFileSync(rule, blockRule);
  const base = ['scan', sample, '--no-builtin', '--rules', rule, '--now', '2026-11-20T12:00:00Z'];
  const hidden = runCli(base);
  const shown = runCli([...base, '--building-blocks']);
  const ndjson = runCli([...base, '--output', 'ndjson']);
  const hiddenCount = Number(/building blocks: (\d+) hidden/.exec(hidden.stdout)?.[1]);
  assert.ok(hiddenCount > 0, hidden.stdout + hidden.stderr);
  assert.match(hidden.stdout, /^0 alerts/m);
  assert.match(shown.stdout, new RegExp(`^${hiddenCount} alerts?`, 'm'));
  assert.equal(ndjson.stdout.trim().split('\n').length, hiddenCount);
});
