import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../test/corpus.js';
import { ruleAttack } from '../alerts/rule-attack.js';
import { runScan } from './run-scan.js';

test('runScan with onEvent over the synthetic samples: every event is seen, each request scanned once, alerts enriched', async () => {
  let seen = 0;
  const run = await runScan({
    inputs: [join(repoRoot, 'samples', 'aks-attack')],
    rulePaths: [join(repoRoot, 'rules')],
    now: Date.parse('2026-11-20T12:00:00Z'),
    onEvent: () => seen++,
  });
  assert.equal(seen, run.stats.events);
  assert.equal(run.prefilter.enabled, false, 'a caller that sees every event gets every record parsed');
  assert.ok(run.duplicates > 0, 'kube-audit-admin copies are not scanned twice');
  assert.ok(run.ruleStats.loaded > 0);
  const techniques = new Set(run.alerts.flatMap((a) => ruleAttack(a.rule).techniques));
  assert.ok(techniques.has('T1098.006') && techniques.has('T1609'));
  const binding = run.alerts.find((a) => ruleAttack(a.rule).techniques.includes('T1098.006'));
  assert.deepEqual(binding?.entities.users, ['eve@contoso.onmicrosoft.com']);
  // The same rule on the same request from two feeds is one alert.
  const keys = run.alerts.map((a) => `${a.rule.id}|${a.events.map((e) => e.id).join(',')}`);
  assert.equal(new Set(keys).size, keys.length);
});
