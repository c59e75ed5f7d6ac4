import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pascalKeys, pascalTopLevel } from './cloud-audit-events.js';

// Synthetic records with the key spellings that are easy to get wrong.
const records: Record<string, unknown>[] = [
  { kind: 'Event', objectRef: { resource: 'pods' }, requestURI: '/api', user: { username: 'u' } },
  { objectRef: 1, ObjectRef: 2 },
  { ObjectRef: 2, objectRef: 1 },
  { ıd: 'dotless', id: 'plain' },
  { ﬀoo: 'ligature', FFoo: 'upper' },
  { _x: 1, Ärger: 2, ärger: 3, ß: 4 },
  { verb: 'get' },
  {},
];
const keys = [
  'ObjectRef',
  'RequestURI',
  'Id',
  'FFoo',
  '_x',
  'Ärger',
  'SS',
  'Verb',
  'Missing',
  'objectRef',
  'Kind',
];

test('pascalKeys gives the keys of pascalTopLevel, whichever source key wins', () => {
  for (const r of records) {
    const whole = pascalTopLevel(r) ?? {};
    for (let n = 1; n <= keys.length; n++) {
      const ask = keys.slice(0, n);
      const want: Record<string, unknown> = {};
      for (const k of ask) if (Object.hasOwn(whole, k)) want[k] = whole[k];
      assert.deepEqual(pascalKeys(r, ask), want, `${JSON.stringify(r)} ${ask.join(',')}`);
    }
  }
  assert.equal(pascalKeys(null, ['Verb']), null);
  assert.equal(pascalKeys([1], ['Verb']), null);
});
