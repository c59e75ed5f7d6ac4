import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadElasticRule } from '../../src/detect/elastic/elastic-loader.js';
import { location } from '../../src/diag/diagnostic.js';
import { parseEsql } from '../../src/lang/elastic/esql-parse.js';

test('ES|QL: FROM with metadata, commands, names of unnamed STATS columns', () => {
  const { ast, diagnostics } = parseEsql(
    'FROM logs-kubernetes.audit_logs-*, filebeat-* metadata _id, _index\n| STATS count(*), n = count_distinct(`a.b/c`) BY user.name\n| KEEP Esql.*, user.name',
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(ast?.from.indices, ['logs-kubernetes.audit_logs-*', 'filebeat-*']);
  assert.deepEqual(ast?.from.metadata, ['_id', '_index']);
  const stats = ast?.commands[0];
  assert.equal(stats?.kind, 'Stats');
  if (stats?.kind === 'Stats') {
    assert.deepEqual(
      stats.aggs.map((a) => a.name),
      ['count(*)', 'n'],
    );
    assert.deepEqual(
      stats.by.map((a) => a.name),
      ['user.name'],
    );
  }
  const keep = ast?.commands[1];
  assert.deepEqual(keep?.kind === 'Keep' ? keep.patterns : [], ['Esql.*', 'user.name']);
});

test('ES|QL: errors are positioned; unsupported commands and functions are named', () => {
  const cases: [string, string][] = [
    ['FROM logs-* | DISSECT message "%{a}"', 'ESQ010 <input>:1:15'],
    ['FROM logs-* | WHERE x == "abc', 'ESQ002 <input>:1:26'],
    ['FROM logs-* | WHERE x == ', 'ESQ001 <input>:1:26'],
    ['logs-* | WHERE x == 1', 'ESQ001 <input>:1:1'],
  ];
  for (const [q, want] of cases) {
    const { diagnostics } = parseEsql(q);
    assert.equal(`${diagnostics[0]?.code} ${location(diagnostics[0]!)}`, want, q);
  }
});

test('ES|QL rule files: unknown functions and bad grok patterns are load errors in the file', () => {
  const rule = (query: string) =>
    loadElasticRule(
      'synthetic-esql.toml',
      `[rule]\nname = "Synthetic"\nrule_id = "s"\ndescription = "Synthetic."\nrisk_score = 21\nseverity = "low"\ntype = "esql"\nlanguage = "esql"\nquery = '''\n${query}\n'''\n`,
    );
  const a = rule('from logs-*\n| where md5(user.name) == "x"');
  assert.deepEqual(
    a.diagnostics.map((d) => `${d.code} ${location(d)}`),
    ['ESQ011 synthetic-esql.toml:11:9'],
  );
  const b = rule('from logs-*\n| grok message "%{NOPE:x}"');
  assert.equal(b.diagnostics[0]?.code, 'ESQ011');
  assert.match(b.diagnostics[0]!.message, /NOPE/);
  assert.equal(rule('from logs-*\n| where user.name == "x"').detections.length, 1);
});
