import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent } from '../model/event.js';
import { dottedGetter, firstOf, flattenDotted, lookupDotted } from './dotted-lookup.js';

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
