import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent } from './event.js';
import { pathGetter, splitPath } from './path.js';

const ev = {
  audit: {
    verb: 'create',
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    requestObject: { spec: { containers: [{ image: 'a' }, { image: 'b' }, { name: 'x' }] } },
  },
} as unknown as AuditEvent;

test('pathGetter reads nested keys, bracketed dotted keys, and fans out over arrays', () => {
  assert.equal(pathGetter('audit.verb')(ev), 'create');
  assert.equal(pathGetter('audit.annotations[authorization.k8s.io/decision]')(ev), 'allow');
  assert.deepEqual(pathGetter('audit.requestObject.spec.containers.image')(ev), ['a', 'b']);
  assert.equal(pathGetter('audit.missing.deep.key')(ev), undefined);
});

test('splitPath handles brackets and quotes', () => {
  assert.deepEqual(splitPath('a.b["c.d"].e'), ['a', 'b', 'c.d', 'e']);
});
