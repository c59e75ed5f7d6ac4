import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent } from '../../model/event.js';
import { defineTable } from './table-view.js';

// synthetic table and event
test('defineTable coerces every value to its column type, missing -> null', () => {
  const t = defineTable('T', () => true, [
    { name: 'S', type: 'string', get: (ev) => ev.audit?.verb },
    { name: 'SObj', type: 'string', get: () => ({ a: 1 }) },
    { name: 'N', type: 'long', get: () => '42' },
    { name: 'R', type: 'real', get: () => 'x' },
    { name: 'B', type: 'bool', get: () => 'True' },
    { name: 'D', type: 'datetime', get: () => '2024-01-01T00:00:00.5Z' },
    { name: 'Bad', type: 'datetime', get: () => 'not a date' },
    { name: 'Dyn', type: 'dynamic', get: () => [1, { a: 2 }] },
    { name: 'Missing', type: 'dynamic', get: () => undefined },
  ]);
  const ev = { audit: { verb: 'get' } } as unknown as AuditEvent;
  assert.deepEqual(t.row(ev), {
    S: 'get',
    SObj: '{"a":1}',
    N: 42,
    R: null,
    B: true,
    D: new Date('2024-01-01T00:00:00.500Z'),
    Bad: null,
    Dyn: [1, { a: 2 }],
    Missing: null,
  });
  assert.equal(t.column('N')!(ev), 42);
  assert.equal(t.column('Nope'), undefined);
  assert.deepEqual(
    t.columns.map((c) => c.name),
    ['S', 'SObj', 'N', 'R', 'B', 'D', 'Bad', 'Dyn', 'Missing'],
  );
});
