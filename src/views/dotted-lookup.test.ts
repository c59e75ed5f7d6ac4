import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent } from '../model/event.js';
import { compileDotted, dottedGetter, firstOf, flattenDotted, lookupDotted } from './dotted-lookup.js';

// synthetic values
test('lookupDotted: nested keys, array fan-out, keys containing dots', () => {
  const v = {
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    spec: { containers: [{ image: 'a', ports: [{ p: 1 }, { p: 2 }] }, { image: 'b' }, { name: 'x' }] },
    'a.b': { c: 1 },
    a: { b: { d: 2 } },
  };
  assert.equal(lookupDotted(v, ['annotations', 'authorization', 'k8s', 'io/decision']), 'allow');
  assert.deepEqual(lookupDotted(v, ['spec', 'containers', 'image']), ['a', 'b']);
  assert.deepEqual(lookupDotted(v, ['spec', 'containers', 'ports', 'p']), [1, 2]);
  // the exact key wins; the dotted key is tried when the exact path misses
  assert.equal(lookupDotted(v, ['a', 'b', 'd']), 2);
  assert.equal(lookupDotted(v, ['a', 'b', 'c']), 1);
  assert.equal(lookupDotted(v, ['spec', 'missing']), undefined);
  assert.equal(lookupDotted('text', ['x']), undefined);
});

test('dottedGetter, firstOf, flattenDotted', () => {
  const ev = { audit: { verb: 'get', objectRef: { resource: 'pods' } } } as unknown as AuditEvent;
  assert.equal(dottedGetter((e) => e.audit, 'objectRef.resource')(ev), 'pods');
  assert.equal(dottedGetter((e) => e.audit, 'verb')(ev), 'get');
  assert.equal(firstOf([() => undefined, () => null, () => 3])(ev), 3);
  assert.deepEqual(flattenDotted({ a: { b: 1, c: [1, 2] }, d: {} }), { 'a.b': 1, 'a.c': [1, 2] });
});

test('compileDotted walks as lookupDotted does (exact keys, dotted keys, arrays, misses)', () => {
  const values: unknown[] = [
    { a: { 'b.c': 1 } },
    { a: { b: { c: 2 }, 'b.c': 3 } },
    { a: { b: {}, 'b.c': 4 } },
    { 'a.b': { c: 5 }, a: null },
    { a: [{ b: { c: 6 } }, { 'b.c': [7, 8] }, 9] },
    { annotations: { 'authorization.k8s.io/decision': 'allow' } },
    [{ a: { b: { c: 10 } } }],
    null,
    'text',
    {},
  ];
  const paths = [
    ['a', 'b', 'c'],
    ['a', 'b'],
    ['a'],
    ['annotations', 'authorization', 'k8s', 'io/decision'],
    ['x', 'y'],
  ];
  for (const steps of paths) {
    const walk = compileDotted(steps);
    for (const v of values)
      assert.deepEqual(walk(v), lookupDotted(v, steps), `${steps.join('.')} ${JSON.stringify(v)}`);
  }
});
