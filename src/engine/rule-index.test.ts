import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Expr, literal } from '../ir/expr.js';
import type { AuditEvent } from '../model/event.js';
import { necessaryValues, RuleIndex, summarizeHints } from './rule-index.js';

const eq = (field: string, ...vals: string[]): Expr => ({
  kind: 'Compare',
  field,
  op: 'eq',
  values: vals.map(literal),
  cased: false,
  all: false,
});
const isVerb = (f: string) => f === 'verb';

const cases: [string, Expr, string[] | undefined][] = [
  ['eq', eq('verb', 'Create', 'update'), ['create', 'update']],
  ['other field', eq('user', 'x'), undefined],
  [
    'and intersects',
    { kind: 'And', args: [eq('verb', 'create', 'get'), eq('verb', 'get', 'list')] },
    ['get'],
  ],
  ['and with unconstrained', { kind: 'And', args: [eq('user', 'x'), eq('verb', 'get')] }, ['get']],
  ['or unions', { kind: 'Or', args: [eq('verb', 'get'), eq('verb', 'list')] }, ['get', 'list']],
  ['or with unconstrained', { kind: 'Or', args: [eq('verb', 'get'), eq('user', 'x')] }, undefined],
  ['not', { kind: 'Not', arg: eq('verb', 'get') }, undefined],
  [
    'wildcard',
    {
      kind: 'Compare',
      field: 'verb',
      op: 'eq',
      values: [{ parts: ['g', { wildcard: '*' }] }],
      cased: false,
      all: false,
    },
    undefined,
  ],
  ['contains', { ...(eq('verb', 'get') as Extract<Expr, { kind: 'Compare' }>), op: 'contains' }, undefined],
  ['false', { kind: 'Const', value: false }, []],
];
for (const [name, e, want] of cases) {
  test(`necessaryValues: ${name}`, () => {
    const got = necessaryValues(e, isVerb);
    assert.deepEqual(got ? [...got].sort() : undefined, want);
  });
}

// Synthetic events.
const mk = (kind: AuditEvent['kind'], verb?: string, resource?: string): AuditEvent =>
  ({
    kind,
    format: kind === 'activity' ? 'azure-activity' : 'k8s-audit',
    provider: kind === 'activity' ? 'azure' : 'k8s',
    time: '2024-01-01T00:00:00Z',
    ts: 0,
    id: 'x',
    raw: '',
    source: { file: 'synthetic', line: 1, index: 0 },
    ...(kind === 'audit' ? { audit: { verb, objectRef: { resource } } } : { activity: {} }),
  }) as AuditEvent;

test('RuleIndex returns rules whose hints admit the event, in order', () => {
  const idx = new RuleIndex([
    { item: 'any' },
    { item: 'create-pods', hint: { kinds: ['audit'], verbs: ['create'], resources: ['pods'] } },
    { item: 'delete', hint: { kinds: ['audit'], verbs: ['DELETE'] } },
    { item: 'activity', hint: { kinds: ['activity'] } },
  ]);
  assert.deepEqual(idx.candidates(mk('audit', 'Create', 'pods')), ['any', 'create-pods']);
  assert.deepEqual(idx.candidates(mk('audit', 'delete', 'secrets')), ['any', 'delete']);
  assert.deepEqual(idx.candidates(mk('audit', 'get', 'pods')), ['any']);
  assert.deepEqual(idx.candidates(mk('activity')), ['any', 'activity']);
});

test('an audit-only hint constrains audit events and lets every other kind through', () => {
  const idx = new RuleIndex([{ item: 'kusto', hint: { auditOnly: true, verbs: ['create'] } }]);
  assert.deepEqual(idx.candidates(mk('audit', 'create', 'pods')), ['kusto']);
  assert.deepEqual(idx.candidates(mk('audit', 'get', 'pods')), []);
  assert.deepEqual(idx.candidates(mk('activity')), ['kusto']);
});

test('summarizeHints is the union, or undefined when any rule is unconstrained', () => {
  const s = summarizeHints([
    { kinds: ['audit'], verbs: ['Create'], resources: ['pods'] },
    { kinds: ['audit'], verbs: ['delete'] },
  ]);
  assert.deepEqual([...(s.verbs ?? [])].sort(), ['create', 'delete']);
  assert.equal(s.resources, undefined);
  assert.deepEqual([...(s.kinds ?? [])], ['audit']);
  assert.deepEqual(summarizeHints([{ verbs: ['get'] }, undefined]), {});
});
