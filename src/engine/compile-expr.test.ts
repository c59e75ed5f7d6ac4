import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Expr, literal, type Pattern, type PatternPart } from '../ir/expr.js';
import type { AuditEvent } from '../model/event.js';
import { pathGetter } from '../model/path.js';
import { inCidr, parseCidr, parseIp } from './cidr.js';
import { compileExpr } from './compile-expr.js';
import { compileGlob } from './glob.js';
import { timePartOf } from './time-part.js';

// Synthetic event (hand-built for these tests).
const ev: AuditEvent = {
  kind: 'audit',
  format: 'k8s-audit',
  provider: 'k8s',
  time: '2024-05-01T03:04:05.000Z',
  ts: Date.parse('2024-05-01T03:04:05.000Z'),
  id: 'synthetic-1',
  raw: '{}',
  source: { file: 'synthetic', line: 1, index: 0 },
  audit: {
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/pods/p1/exec?command=%2Fbin%2Fsh&container=app',
    user: { username: 'Alice@Contoso.com', groups: ['system:authenticated', 'devs'] },
    sourceIPs: ['10.1.2.3', '2001:db8::7'],
    userAgent: 'kubectl/v1.28.3 (linux/amd64)',
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p1' },
    responseStatus: { code: 201 },
    requestObject: {
      spec: {
        containers: [
          { name: 'a', image: 'nginx:1.25', securityContext: { privileged: false } },
          { name: 'b', image: 'evil.io/miner:latest', securityContext: { privileged: true } },
        ],
      },
    },
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    stageTimestamp: '2024-05-01T03:04:05.000Z',
    emptyField: '',
    nullField: null,
  },
};

const resolve = (f: string) => pathGetter(`audit.${f}`);
const W = (s: string): Pattern => ({
  parts: s
    .split(/([*?])/)
    .flatMap((x): PatternPart[] => (x === '*' || x === '?' ? [{ wildcard: x }] : x ? [x] : [])),
});
const cmp = (
  field: string,
  op: 'eq' | 'contains' | 'startswith' | 'endswith',
  vals: string[],
  more = {},
): Expr => ({
  kind: 'Compare',
  field,
  op,
  values: vals.map(W),
  cased: false,
  all: false,
  ...more,
});

const cases: [string, Expr, boolean][] = [
  ['eq case-insensitive', cmp('verb', 'eq', ['CREATE']), true],
  ['eq cased mismatch', cmp('verb', 'eq', ['CREATE'], { cased: true }), false],
  ['eq cased match', cmp('verb', 'eq', ['create'], { cased: true }), true],
  ['eq list any', cmp('verb', 'eq', ['delete', 'create']), true],
  ['eq list none', cmp('verb', 'eq', ['delete', 'patch']), false],
  ['number field vs string needle', cmp('responseStatus.code', 'eq', ['201']), true],
  [
    'number field vs number needle',
    { kind: 'Compare', field: 'responseStatus.code', op: 'eq', values: [201], cased: false, all: false },
    true,
  ],
  ['number field vs 201.0', cmp('responseStatus.code', 'eq', ['201.0']), true],
  ['number field mismatch', cmp('responseStatus.code', 'eq', ['200']), false],
  [
    'boolean element vs "true"',
    cmp('requestObject.spec.containers.securityContext.privileged', 'eq', ['true']),
    true,
  ],
  ['array any element', cmp('user.groups', 'eq', ['devs']), true],
  ['contains', cmp('requestURI', 'contains', ['%2fbin%2fsh']), true],
  ['startswith', cmp('userAgent', 'startswith', ['KUBECTL/']), true],
  ['endswith', cmp('user.username', 'endswith', ['@contoso.com']), true],
  ['endswith miss', cmp('user.username', 'endswith', ['@fabrikam.com']), false],
  ['wildcard middle', cmp('userAgent', 'eq', ['kubectl/*(linux/*)']), true],
  ['wildcard question', cmp('objectRef.name', 'eq', ['p?']), true],
  ['wildcard question too short', cmp('objectRef.name', 'eq', ['p??']), false],
  ['wildcard star only matches any value', cmp('objectRef.namespace', 'eq', ['*']), true],
  ['wildcard star on missing field', cmp('objectRef.apiGroup', 'eq', ['*']), false],
  ['image fan-out wildcard', cmp('requestObject.spec.containers.image', 'eq', ['*/miner:*']), true],
  ['empty string matches empty', cmp('emptyField', 'eq', ['']), true],
  ['empty string does not match missing', cmp('nope', 'eq', ['']), false],
  [
    'all: every value somewhere',
    cmp('requestURI', 'contains', ['exec', 'container=app'], { all: true }),
    true,
  ],
  ['all: one value missing', cmp('requestURI', 'contains', ['exec', 'tty=true'], { all: true }), false],
  [
    'gt',
    { kind: 'Compare', field: 'responseStatus.code', op: 'gt', values: [200], cased: false, all: false },
    true,
  ],
  [
    'lte',
    { kind: 'Compare', field: 'responseStatus.code', op: 'lte', values: [200], cased: false, all: false },
    false,
  ],
  [
    'gte on string number',
    { kind: 'Compare', field: 'responseStatus.code', op: 'gte', values: [201], cased: false, all: false },
    true,
  ],
  ['exists', { kind: 'Exists', field: 'objectRef.subresource' }, true],
  ['exists null is absent', { kind: 'Exists', field: 'nullField' }, false],
  ['isnull on missing', { kind: 'IsNull', field: 'objectRef.apiGroup' }, true],
  ['isnull on null', { kind: 'IsNull', field: 'nullField' }, true],
  ['isnull on present', { kind: 'IsNull', field: 'verb' }, false],
  ['regex default cased', { kind: 'Regex', field: 'verb', pattern: '^CRE', flags: {} }, false],
  ['regex i', { kind: 'Regex', field: 'verb', pattern: '^CRE', flags: { i: true } }, true],
  ['regex unanchored', { kind: 'Regex', field: 'requestURI', pattern: 'command=[^&]*sh', flags: {} }, true],
  ['regex over array', { kind: 'Regex', field: 'user.groups', pattern: '^dev', flags: {} }, true],
  ['cidr v4', { kind: 'Cidr', field: 'sourceIPs', cidrs: ['10.0.0.0/8'] }, true],
  ['cidr v4 miss', { kind: 'Cidr', field: 'sourceIPs', cidrs: ['192.168.0.0/16'] }, false],
  ['cidr v6', { kind: 'Cidr', field: 'sourceIPs', cidrs: ['2001:db8::/32'] }, true],
  [
    'fieldref eq',
    { kind: 'FieldRef', field: 'stageTimestamp', other: 'stageTimestamp', op: 'eq', cased: false },
    true,
  ],
  [
    'fieldref contains',
    { kind: 'FieldRef', field: 'requestURI', other: 'objectRef.name', op: 'contains', cased: false },
    true,
  ],
  [
    'fieldref differ',
    { kind: 'FieldRef', field: 'verb', other: 'objectRef.resource', op: 'eq', cased: false },
    false,
  ],
  ['keyword anywhere', { kind: 'Keyword', values: [literal('MINER')], all: false }, true],
  ['keyword miss', { kind: 'Keyword', values: [literal('xmrig')], all: false }, false],
  ['keyword all', { kind: 'Keyword', values: [literal('miner'), literal('nginx')], all: true }, true],
  ['not', { kind: 'Not', arg: cmp('verb', 'eq', ['create']) }, false],
  [
    'and',
    { kind: 'And', args: [cmp('verb', 'eq', ['create']), cmp('objectRef.subresource', 'eq', ['exec'])] },
    true,
  ],
  [
    'or',
    {
      kind: 'Or',
      args: [cmp('verb', 'eq', ['get']), cmp('verb', 'eq', ['list']), cmp('verb', 'eq', ['create'])],
    },
    true,
  ],
  [
    'hour',
    {
      kind: 'Compare',
      field: 'stageTimestamp',
      op: 'eq',
      values: [3],
      cased: false,
      all: false,
      timePart: 'hour',
    },
    true,
  ],
  [
    'month gte',
    {
      kind: 'Compare',
      field: 'stageTimestamp',
      op: 'gte',
      values: [6],
      cased: false,
      all: false,
      timePart: 'month',
    },
    false,
  ],
  ['const', { kind: 'Const', value: true }, true],
];

for (const [name, expr, want] of cases) {
  test(`compileExpr: ${name}`, () => {
    const { match, diagnostics } = compileExpr(expr, resolve);
    assert.deepEqual(diagnostics, []);
    assert.equal(match(ev), want);
  });
}

test('compileExpr: unknown field, bad regex and bad cidr are diagnostics, not throws', () => {
  const r = compileExpr(
    {
      kind: 'Or',
      args: [
        { kind: 'Regex', field: 'verb', pattern: '(unclosed', flags: {} },
        { kind: 'Cidr', field: 'sourceIPs', cidrs: ['10.0.0.0/99'] },
        cmp('x', 'eq', ['y']),
      ],
    },
    (f) => (f === 'x' ? undefined : resolve(f)),
    { codes: { badRegex: 'SIG050' } },
  );
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['SIG050', 'ENG003', 'ENG001'],
  );
  assert.equal(r.match(ev), false);
});

test('compileExpr: regex length limit', () => {
  const r = compileExpr({ kind: 'Regex', field: 'verb', pattern: 'a'.repeat(50), flags: {} }, resolve, {
    maxRegexLength: 10,
  });
  assert.equal(r.diagnostics.length, 1);
});

const globCases: [string, string, string, boolean][] = [
  ['eq', 'a*b*c', 'axxbyyc', true],
  ['eq', 'a*b*c', 'axxbyy', false],
  ['eq', '*a*a*a*a*b', 'a'.repeat(5000), false], // would blow up a backtracking matcher
  ['eq', 'ab*ba', 'aba', false], // overlapping head and tail
  ['eq', 'ab*ba', 'abba', true],
  ['contains', 'x?z', 'aaxyzbb', true],
  ['startswith', '?b', 'abc', true],
  ['endswith', 'b?', 'abc', true],
  ['eq', '', '', true],
  ['eq', '', 'a', false],
];
for (const [op, pat, text, want] of globCases) {
  test(`glob ${op} '${pat}' on '${text.slice(0, 12)}'`, () => {
    assert.equal(compileGlob(op as 'eq', W(pat), false)(text), want);
  });
}

test('glob: a literal star chunk is not a wildcard', () => {
  assert.equal(compileGlob('eq', { parts: ['a*b'] }, false)('a*b'), true);
  assert.equal(compileGlob('eq', { parts: ['a*b'] }, false)('axxb'), false);
});

test('cidr parsing and membership', () => {
  const table: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.255.1.1', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.0/25', '192.168.1.127', true],
    ['192.168.1.0/25', '192.168.1.128', false],
    ['fe80::/10', 'fe80::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['10.0.0.0/8', '::ffff:10.1.1.1', true],
    ['1.2.3.4', '1.2.3.4', true],
  ];
  for (const [c, ip, want] of table) {
    const r = parseCidr(c);
    const a = parseIp(ip);
    assert.ok(r && a, `${c} ${ip}`);
    assert.equal(inCidr(a, r), want, `${ip} in ${c}`);
  }
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseIp('1.2.3'), undefined);
  assert.equal(parseIp('1::2::3'), undefined);
});

test('time parts (UTC)', () => {
  const t = '2024-12-30T23:59:00Z'; // ISO week 1 of 2025
  assert.equal(timePartOf(t, 'minute'), 59);
  assert.equal(timePartOf(t, 'hour'), 23);
  assert.equal(timePartOf(t, 'day'), 30);
  assert.equal(timePartOf(t, 'month'), 12);
  assert.equal(timePartOf(t, 'year'), 2024);
  assert.equal(timePartOf(t, 'week'), 1);
  assert.equal(timePartOf('2024-05-01T00:00:00Z', 'week'), 18);
  assert.equal(timePartOf('not a date', 'hour'), undefined);
});
