import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Query } from '../../ir/query.js';
import { parseKusto } from './parse-kusto.js';
import type { TableSchema } from './schema.js';

// Synthetic schemas shaped like the AKSAudit / CloudAuditEvents views.
const tables: TableSchema[] = [
  {
    name: 'AKSAudit',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'Verb', type: 'string' },
      { name: 'User', type: 'dynamic' },
      { name: 'RequestUri', type: 'string' },
      { name: 'ObjectRef', type: 'dynamic' },
      { name: 'ResponseStatus', type: 'dynamic' },
    ],
  },
];

const chain = (q: Query): string[] => {
  const out: string[] = [];
  let cur: Query | undefined = q;
  while (cur) {
    out.unshift(cur.kind);
    cur = 'input' in cur ? cur.input : undefined;
  }
  return out;
};

test('a pipeline lowers to nested operators with typed scalars and output schemas', () => {
  const r = parseKusto(
    'AKSAudit | where Verb =~ "CREATE" | extend u = tostring(User.username) | project u, Verb',
    tables,
  );
  assert.deepEqual(r.diagnostics, []);
  const body = r.program?.body;
  assert.ok(body);
  assert.deepEqual(chain(body), ['Table', 'Where', 'Extend', 'Project']);
  assert.deepEqual(body.schema, [
    { name: 'u', type: 'string' },
    { name: 'Verb', type: 'string' },
  ]);
  const where = body.kind === 'Project' && body.input.kind === 'Extend' ? body.input.input : undefined;
  assert.equal(where?.kind, 'Where');
  if (where?.kind === 'Where') {
    assert.equal(where.predicate.kind, 'Binary');
    if (where.predicate.kind === 'Binary') assert.equal(where.predicate.op, 'eq_ci');
  }
});

test('string operators keep their case and negation flags', () => {
  const r = parseKusto('AKSAudit | where Verb !has_cs "x" and RequestUri !startswith "/api"', tables);
  const w = r.program?.body;
  assert.ok(w?.kind === 'Where' && w.predicate.kind === 'Binary');
  const { left, right } = w.predicate;
  assert.deepEqual(left.kind === 'StrOp' && [left.op, left.cs, left.negated], ['has', true, true]);
  assert.deepEqual(right.kind === 'StrOp' && [right.op, right.cs, right.negated], [
    'startswith',
    false,
    true,
  ]);
});

test('unknown columns get KUS002 with the parser message, a position and a suggestion', () => {
  const q = 'AKSAudit | where Verbb == "get"';
  const r = parseKusto(q, tables);
  assert.equal(r.program, undefined);
  const d = r.diagnostics[0];
  assert.equal(d?.code, 'KUS002');
  assert.match(d?.message ?? '', /\[KS142\]$/);
  assert.equal(q.slice(d?.span?.start, d?.span?.end), 'Verbb');
  assert.equal(d?.hint, "did you mean 'Verb'?");
});

test('syntax errors are KUS001', () => {
  const r = parseKusto('AKSAudit | summarize count( by Verb', tables);
  assert.ok(r.diagnostics.some((d) => d.code === 'KUS001' && d.severity === 'error'));
});

test('compatibility aliases are rewritten and warned about at their position', () => {
  const q = 'AKSAudit | project UserUsername, ResponseStatusCode';
  const r = parseKusto(q, tables);
  assert.ok(r.program);
  const warnings = r.diagnostics.filter((d) => d.code === 'KUS020');
  assert.deepEqual(
    warnings.map((d) => q.slice(d.span?.start, d.span?.end)),
    ['UserUsername', 'ResponseStatusCode'],
  );
  const p = r.program.body;
  assert.ok(p.kind === 'Project');
  const first = p.columns[0];
  assert.equal(first?.name, 'UserUsername');
  assert.deepEqual(first?.expr.kind === 'Call' && [first.expr.fn, first.expr.args[0]?.kind], [
    'tostring',
    'Member',
  ]);
  // alias columns never leak into results that did not ask for them
  const all = parseKusto('AKSAudit | take 1', tables);
  assert.ok(all.program?.body.schema.every((c) => c.name !== 'UserUsername'));
});

test('unsupported operators and functions are named', () => {
  const a = parseKusto('AKSAudit | evaluate bag_unpack(User)', tables);
  assert.ok(a.diagnostics.some((d) => d.code === 'KUS010' && /'evaluate'/.test(d.message)));
  const b = parseKusto('AKSAudit | extend h = hash_sha256(Verb)', tables);
  assert.ok(b.diagnostics.some((d) => d.code === 'KUS011' && /'hash_sha256'/.test(d.message)));
  assert.equal(b.program, undefined);
});

test('let functions and scalars are inlined; tabular lets become bindings', () => {
  const r = parseKusto(
    'let n = 5; let f = (x:long) { x * 2 }; let T = AKSAudit | take n; T | extend y = f(n)',
    tables,
  );
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.program?.bindings[0]?.name, 'T');
  const body = r.program?.body;
  assert.ok(body?.kind === 'Extend' && body.input.kind === 'Ref');
  const y = body.columns[0]?.expr;
  assert.deepEqual(y?.kind === 'Binary' && [y.op, y.left.kind, y.right.kind], ['mul', 'Literal', 'Literal']);
});
