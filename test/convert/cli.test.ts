import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { parseSigmaText } from '../../src/lang/sigma/parse-rule.js';
import { cliPath, repoRoot } from '../corpus.js';

const run = (...args: string[]) =>
  spawnSync(process.execPath, [cliPath, 'rules', 'convert', ...args], { encoding: 'utf8', cwd: repoRoot });

describe('auditscope rules convert', () => {
  test('Sigma pack -> Sentinel analytic rules in --out, the correlation rule reported', () => {
    const out = mkdtempSync(join(tmpdir(), 'auditscope-convert-'));
    const r = run('rules/sigma', '--to', 'kusto', '--out', out);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /not converted: rules\/sigma\/azure\/azure_kubernetes_events_listed_then_deleted\.yml/,
    );
    assert.match(r.stderr, /correlation rules are not converted/);
    assert.match(r.stderr, /converted 38 of 39 rules \(6 kusto:AzureActivity, 32 kusto:CloudAuditEvents\)/);
    const files = readdirSync(out);
    assert.equal(files.length, 38);
    const doc = parseYaml(readFileSync(join(out, 'k8s_cluster_admin_binding.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(doc.kind, 'Scheduled');
    assert.equal(doc.severity, 'High');
    assert.equal(doc.queryFrequency, '1h');
    assert.ok(Array.isArray(doc.tactics) && doc.tactics.includes('PrivilegeEscalation'));
    assert.ok(Array.isArray(doc.relevantTechniques) && doc.relevantTechniques.length > 0);
    assert.match(String(doc.query), /^CloudAuditEvents\n/);
  });

  test('--format query prints bare KQL over AKSAudit', () => {
    const r = run(
      'rules/sigma/kubernetes/k8s_events_deleted.yml',
      '--to',
      'kusto',
      '--table',
      'AKSAudit',
      '--format',
      'query',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^# rules\/sigma\/kubernetes\/k8s_events_deleted\.yml -> kusto:AKSAudit\nAKSAudit\n\| where /,
    );
    assert.match(r.stdout, /Verb in~ \("delete", "deletecollection"\)/);
  });

  test('Sigma -> Elastic TOML', () => {
    const out = mkdtempSync(join(tmpdir(), 'auditscope-convert-'));
    const r = run('rules/sigma/kubernetes/k8s_port_forward.yml', '--to', 'elastic', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const t = parse(readFileSync(join(out, 'k8s_port_forward.toml'), 'utf8')) as {
      rule: Record<string, unknown>;
    };
    assert.deepEqual(t.rule.index, ['logs-kubernetes.audit_logs-*']);
    assert.ok(t.rule.language === 'eql' || t.rule.language === 'kuery');
    assert.equal(typeof t.rule.risk_score, 'number');
    assert.ok(Array.isArray(t.rule.threat));
  });

  test('Elastic pack -> Sigma, which auditscope loads back', () => {
    const out = mkdtempSync(join(tmpdir(), 'auditscope-convert-'));
    const r = run('rules/elastic', '--to', 'sigma', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    for (const f of readdirSync(out)) {
      const p = parseSigmaText(readFileSync(join(out, f), 'utf8'), f);
      assert.deepEqual(
        p.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      assert.equal(p.docs[0]?.type, 'rule');
    }
  });

  test('bad --to is a usage error', () => {
    assert.equal(run('rules/sigma', '--to', 'splunk').status, 2);
  });
});
