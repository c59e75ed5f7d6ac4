import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEsql } from '../../lang/elastic/esql-parse.js';
import { EsqlRunner, type Row } from './esql-run.js';
import { EsDate, type Value } from './esql-values.js';

// Synthetic rows: computed columns only (no source event).
const row = (cols: Record<string, Value>): Row => ({ cols: new Map(Object.entries(cols)), events: [] });

function where(cond: string, rows: Row[]): number[] {
  const { ast, diagnostics } = parseEsql(`FROM x | WHERE ${cond}`);
  assert.deepEqual(diagnostics, []);
  return new EsqlRunner().run(ast!.commands, rows).map((r) => r.cols.get('i') as number);
}

const rows = [
  row({ i: 0, ip: '10.0.0.1', n: 5 }),
  row({ i: 1, ip: ['10.0.0.1', '127.0.0.1'], n: 20 }),
  row({ i: 2, ip: null, n: null }),
  row({ i: 3, ip: '127.0.0.1', n: 7 }),
];

test('three-valued logic: null and multi-values make comparisons null, and WHERE keeps only true', () => {
  assert.deepEqual(where('not ip in ("127.0.0.1", "::1")', rows), [0]);
  assert.deepEqual(where('ip is null', rows), [2]);
  assert.deepEqual(where('ip is not null', rows), [0, 1, 3]);
  assert.deepEqual(where('n > 6 or ip == "10.0.0.1"', rows), [0, 1, 3]);
  assert.deepEqual(where('not (n > 6)', rows), [0]);
});

test('LIKE is a case-sensitive wildcard match of the whole value; RLIKE a whole-value regex', () => {
  const names = [row({ i: 0, s: 'eks:node-1' }), row({ i: 1, s: 'EKS:node' }), row({ i: 2, s: 'x-eks:1' })];
  assert.deepEqual(where('s like "eks:*"', names), [0]);
  assert.deepEqual(where('s rlike """(eks|EKS):.*"""', names), [0, 1]);
  assert.deepEqual(where('s not like "*eks*"', names), [1]);
});

test('STATS groups, multi-valued BY keys fan out, aggregations count and collect', () => {
  const { ast } = parseEsql(
    'FROM x | STATS c = count(*), d = count_distinct(v), vals = values(v), lo = min(n), s = sum(n) BY k | SORT k',
  );
  const out = new EsqlRunner().run(ast!.commands, [
    row({ k: 'a', v: 'x', n: 1 }),
    row({ k: ['a', 'b'], v: ['x', 'y'], n: 2 }),
    row({ k: 'b', v: null, n: 3 }),
  ]);
  const plain = out.map((r) => Object.fromEntries(r.cols));
  assert.deepEqual(plain, [
    { c: 2, d: 2, vals: ['x', 'y'], lo: 1, s: 3, k: 'a' },
    { c: 2, d: 2, vals: ['x', 'y'], lo: 2, s: 5, k: 'b' },
  ]);
});

test('dates: NOW() is the runner time; date - span, date_trunc and comparisons', () => {
  const { ast } = parseEsql('FROM x | EVAL m = date_trunc(1 minute, t) | WHERE t >= NOW() - 9 minutes');
  const r = new EsqlRunner();
  r.now = Date.parse('2026-11-20T09:10:00Z');
  const out = r.run(ast!.commands, [
    row({ i: 0, t: new EsDate(Date.parse('2026-11-20T09:00:30Z')) }),
    row({ i: 1, t: new EsDate(Date.parse('2026-11-20T09:02:30Z')) }),
  ]);
  assert.equal(out.length, 1);
  assert.equal((out[0]!.cols.get('m') as EsDate).ms, Date.parse('2026-11-20T09:02:00Z'));
});

test('CASE, REPLACE (regex), URL_DECODE, GROK and KEEP', () => {
  const { ast } = parseEsql(
    'FROM x | EVAL d = url_decode(u) | GROK d "%{DATA}/exec\\\\?%{DATA:cmd}&(?:container|stdin)=%{GREEDYDATA}" | EVAL c = replace(replace(cmd, "command=", ""), "&", " "), kind = case(c rlike ".*token.*", "token", "other") | KEEP c, kind',
  );
  const out = new EsqlRunner().run(ast!.commands, [
    row({
      u: '/api/v1/namespaces/p/pods/w/exec?command=cat&command=%2Fvar%2Frun%2Fsecrets%2Ftoken&container=w&stdin=true',
    }),
  ]);
  assert.deepEqual(Object.fromEntries(out[0]!.cols), { c: 'cat /var/run/secrets/token', kind: 'token' });
});
