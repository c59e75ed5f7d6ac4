import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiagnostic, location } from '../../diag/diagnostic.js';
import { parseRuleToml } from './parse-rule-toml.js';

// Synthetic rule files.
const good = `[metadata]
maturity = "production"
integration = ["kubernetes"]

[rule]
author = ["Elastic"]
description = "Synthetic."
name = "Synthetic"
rule_id = "r-1"
risk_score = 47
severity = "medium"
type = "new_terms"
language = "kuery"
index = ["logs-kubernetes.audit_logs-*"]
from = "now-25m"
interval = "5m"
max_signals = 50
timestamp_override = "event.ingested"
building_block_type = "default"
query = '''
kubernetes.audit.verb:get
'''

[rule.new_terms]
field = "new_terms_fields"
value = ["user.name", "source.ip"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-10d"
`;

test('reads a rule with durations in ms, defaults, metadata and the query offset', () => {
  const { rule, diagnostics } = parseRuleToml('r.toml', good);
  assert.deepEqual(diagnostics, []);
  assert.ok(rule);
  assert.equal(rule.type, 'new_terms');
  assert.equal(rule.lookbackMs, 25 * 60_000);
  assert.equal(rule.intervalMs, 5 * 60_000);
  assert.equal(rule.maxSignals, 50);
  assert.deepEqual(rule.newTerms, { fields: ['user.name', 'source.ip'], historyMs: 10 * 86_400_000 });
  assert.equal(rule.buildingBlockType, 'default');
  assert.deepEqual(rule.integration, ['kubernetes']);
  assert.equal(rule.line, 5);
  assert.equal(good.slice(rule.queryOffset, rule.queryOffset + 12), 'kubernetes.a');
  assert.equal(rule.query?.trim(), 'kubernetes.audit.verb:get');
});

test('defaults: interval 5m, from now-6m, max_signals 100', () => {
  const text = good
    .replace('from = "now-25m"\n', '')
    .replace('interval = "5m"\n', '')
    .replace('max_signals = 50\n', '');
  const { rule } = parseRuleToml('r.toml', text);
  assert.equal(rule?.intervalMs, 300_000);
  assert.equal(rule?.lookbackMs, 360_000);
  assert.equal(rule?.maxSignals, 100);
});

test('TOML syntax errors are ELA001 at the position smol-toml reports', () => {
  const text = good.replace('severity = "medium"', 'severity = "medium');
  const { rule, diagnostics } = parseRuleToml('r.toml', text);
  assert.equal(rule, undefined);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0]!.code, 'ELA001');
  assert.match(location(diagnostics[0]!), /^r\.toml:11:\d+$/);
});

test('semantic errors point at the offending key', () => {
  const text = good
    .replace('severity = "medium"', 'severity = "meduim"')
    .replace('from = "now-25m"', 'from = "25 minutes ago"')
    .replace('risk_score = 47', 'risk_score = 470')
    .replace('interval = "5m"', 'interval = 5')
    .replace('max_signals = 50', 'max_signal = 50');
  const { diagnostics } = parseRuleToml('r.toml', text);
  const got = diagnostics.map((d) => `${d.code} ${location(d)}`);
  assert.deepEqual(got.sort(), [
    'ELA003 r.toml:16:1',
    'ELA004 r.toml:11:1',
    'ELA005 r.toml:15:1',
    'ELA006 r.toml:10:1',
    'ELA010 r.toml:17:1',
  ]);
  const sev = diagnostics.find((d) => d.code === 'ELA004')!;
  assert.equal(sev.hint, "did you mean 'medium'?");
  assert.match(formatDiagnostic(sev), /severity = "meduim"\n {2}\^~~~~~~~/);
});

test('missing required keys are reported at the [rule] header', () => {
  const text = good.replace('name = "Synthetic"\n', '').replace('risk_score = 47\n', '');
  const { diagnostics } = parseRuleToml('r.toml', text);
  assert.deepEqual(
    diagnostics.map((d) => `${d.code} ${location(d)} ${d.message}`),
    [
      "ELA002 r.toml:5:1 [rule] is missing required key 'name'",
      "ELA002 r.toml:5:1 [rule] is missing required key 'risk_score'",
    ],
  );
});

test('a file without [rule] is an error, never a throw', () => {
  const { rule, diagnostics } = parseRuleToml('x.toml', '[metadata]\nmaturity = "production"\n');
  assert.equal(rule, undefined);
  assert.equal(diagnostics[0]?.code, 'ELA002');
});
