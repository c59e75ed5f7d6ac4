import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr } from '../ir/expr.js';
import { listTables } from '../views/tables/index.js';
import { kustoIndexHint } from './kusto/kusto-detection.js';
import { parseKusto } from '../lang/kusto/parse-kusto.js';
import { necessaryPrefixes, requiresField } from './scan-prefilter.js';

const cmp = (field: string, op: 'eq' | 'startswith' | 'contains', ...values: string[]): Expr => ({
  kind: 'Compare',
  field,
  op,
  values: values.map((v) => ({ parts: v === '*' ? [{ wildcard: '*' }] : [v] })),
  cased: false,
  all: false,
});
const isUser = (f: string) => f === 'user.username';

test('necessaryPrefixes: the literal starts a matching value must have, through and/or', () => {
  assert.deepEqual(necessaryPrefixes(cmp('user.username', 'startswith', 'System:SA:'), isUser), [
    'system:sa:',
  ]);
  assert.deepEqual(necessaryPrefixes(cmp('user.username', 'eq', 'admin'), isUser), ['admin']);
  assert.equal(necessaryPrefixes(cmp('user.username', 'contains', 'admin'), isUser), undefined);
  assert.equal(necessaryPrefixes(cmp('user.username', 'eq', '*'), isUser), undefined);
  assert.equal(necessaryPrefixes(cmp('verb', 'eq', 'get'), isUser), undefined);
  const and: Expr = { kind: 'And', args: [cmp('verb', 'eq', 'get'), cmp('user.username', 'eq', 'a')] };
  assert.deepEqual(necessaryPrefixes(and, isUser), ['a']);
  const or: Expr = { kind: 'Or', args: [cmp('user.username', 'eq', 'a'), cmp('verb', 'eq', 'get')] };
  assert.equal(necessaryPrefixes(or, isUser), undefined);
  const both: Expr = {
    kind: 'Or',
    args: [cmp('user.username', 'eq', 'a'), cmp('user.username', 'startswith', 'b')],
  };
  assert.deepEqual(necessaryPrefixes(both, isUser), ['a', 'b']);
  // a negated condition says nothing about what a match holds
  assert.equal(necessaryPrefixes({ kind: 'Not', arg: cmp('user.username', 'eq', 'a') }, isUser), undefined);
});

test('requiresField: a field every match has', () => {
  const imp = (f: string) => f.startsWith('impersonatedUser');
  assert.equal(requiresField(cmp('impersonatedUser.username', 'eq', '*'), imp), true);
  assert.equal(requiresField({ kind: 'Exists', field: 'impersonatedUser' }, imp), true);
  assert.equal(requiresField({ kind: 'IsNull', field: 'impersonatedUser' }, imp), false);
  assert.equal(requiresField({ kind: 'Not', arg: cmp('impersonatedUser.username', 'eq', '*') }, imp), false);
  const or: Expr = {
    kind: 'Or',
    args: [cmp('impersonatedUser.username', 'eq', 'x'), cmp('verb', 'eq', 'get')],
  };
  assert.equal(requiresField(or, imp), false);
});

const hint = (q: string) => {
  const p = parseKusto(q, listTables());
  assert.ok(p.program, p.diagnostics.map((d) => d.message).join('; '));
  return kustoIndexHint(p.program);
};

test('a Kusto rule hints the verbs and resources its leading filters require on every table it reads', () => {
  assert.deepEqual(
    hint(
      'CloudAuditEvents | where Timestamp > ago(1d) | where OperationName == "create" | where RawEventData.ObjectRef.resource == "pods" and isnull(RawEventData.ObjectRef.subresource)',
    ),
    { auditOnly: true, verbs: ['create'], resources: ['pods'] },
  );
  assert.deepEqual(hint('AKSAudit | where Verb in ("create", "PATCH") | project AuditId'), {
    auditOnly: true,
    verbs: ['create', 'patch'],
  });
  assert.deepEqual(hint('AKSAuditAdmin | where ObjectRef.resource =~ "Secrets"'), {
    auditOnly: true,
    resources: ['secrets'],
  });
  // not a filter every row must pass, a negation, a table that is not audit, or one table unconstrained
  assert.equal(hint('AKSAudit | where Verb == "create" or Verb == "delete"'), undefined);
  assert.equal(hint('AKSAudit | where Verb != "get"'), undefined);
  assert.equal(hint('AzureActivity | where OperationNameValue == "x"'), undefined);
  assert.equal(hint('union (AKSAudit | where Verb == "create"), (AKSAuditAdmin)'), undefined);
  assert.equal(hint('AKSAudit | extend Verb = "create" | where Verb == "create"'), undefined);
});
