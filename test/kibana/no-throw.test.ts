// Front ends never throw on user input: random (seeded, synthetic) strings over each language's
// special characters and keywords either parse or give diagnostics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEsql } from '../../src/lang/elastic/esql-parse.js';
import { parseRuleToml } from '../../src/lang/elastic/parse-rule-toml.js';
import { lowerEqlEvent } from '../../src/lang/eql/lower-eql.js';
import { parseEql } from '../../src/lang/eql/parse-eql.js';
import { lowerKuery } from '../../src/lang/kibana/lower-kuery.js';
import { parseKuery } from '../../src/lang/kibana/parse-kuery.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomText(r: () => number, atoms: readonly string[], n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += atoms[Math.floor(r() * atoms.length)]!;
  return out;
}

const kqlAtoms = [
  'a',
  'b.c',
  ':',
  ' ',
  '(',
  ')',
  '{',
  '}',
  '"',
  '\\',
  '*',
  'and',
  'or',
  'not',
  '<',
  '>=',
  '~',
  '^2',
  '[',
  ']',
  ' TO ',
  '/',
  '\n',
  'é',
];
const eqlAtoms = [
  'any',
  ' where ',
  'sequence',
  ' by ',
  'with',
  'maxspan=5m',
  '[',
  ']',
  '(',
  ')',
  '"x"',
  '`a/b`',
  '==',
  ':',
  ' in ',
  '~',
  'like',
  'regex',
  'null',
  'f',
  ',',
  '/*',
  '*/',
  '|',
  'until',
  ' and ',
  ' not ',
  '5',
];
const esqlAtoms = [
  'FROM logs-*',
  ' | ',
  'WHERE ',
  'STATS ',
  'EVAL ',
  ' BY ',
  'x',
  ' == ',
  '"s"',
  '"""',
  '(',
  ')',
  ',',
  'count(*)',
  ' = ',
  'KEEP ',
  'Esql.*',
  '`a`',
  ' in ',
  ' rlike ',
  'now()',
  '9 minutes',
  ' - ',
  ' is not null',
];
const tomlAtoms = [
  '[rule]\n',
  '[metadata]\n',
  'name = "x"\n',
  'type = "query"\n',
  "query = '''\n",
  "'''\n",
  'severity = ',
  '"low"\n',
  'risk_score = 47\n',
  '[[rule.threat]]\n',
  '= ',
  '"',
  '\n',
  'from = "now-1x"\n',
  'interval = 5\n',
];

test('parseKuery + lowerKuery never throw', () => {
  const r = rng(1);
  for (let i = 0; i < 3000; i++) {
    const q = randomText(r, kqlAtoms, 1 + Math.floor(r() * 12));
    const p = parseKuery(q);
    assert.ok(p.ast !== undefined || p.diagnostics.length > 0 || q.trim() === '', q);
    if (p.ast) {
      lowerKuery(p.ast, { source: q });
      lowerKuery(p.ast, { source: q, nested: 'element' });
    }
  }
});

test('parseEql + lowerEqlEvent never throw', () => {
  const r = rng(2);
  for (let i = 0; i < 3000; i++) {
    const q = randomText(r, eqlAtoms, 1 + Math.floor(r() * 12));
    const p = parseEql(q);
    assert.ok(p.ast !== undefined || p.diagnostics.length > 0, q);
    if (p.ast?.kind === 'Event') lowerEqlEvent(p.ast.event, q);
  }
});

test('parseEsql never throws', () => {
  const r = rng(3);
  for (let i = 0; i < 3000; i++) {
    const q = randomText(r, esqlAtoms, 1 + Math.floor(r() * 12));
    const p = parseEsql(q);
    assert.ok(p.ast !== undefined || p.diagnostics.length > 0, q);
  }
});

test('parseRuleToml never throws', () => {
  const r = rng(4);
  for (let i = 0; i < 2000; i++) {
    const text = randomText(r, tomlAtoms, 1 + Math.floor(r() * 10));
    const p = parseRuleToml('fuzz.toml', text);
    assert.ok(p.rule !== undefined || p.diagnostics.length > 0, text);
  }
});
