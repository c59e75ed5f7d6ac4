import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareValues, hasTerm, normalize, timespanText, toText, valuesEqual } from './values.js';

test('hasTerm: whole terms, underscore and punctuation delimit', () => {
  assert.equal(hasTerm('a_b', 'a', 'both'), true);
  assert.equal(hasTerm('ab', 'a', 'both'), false);
  assert.equal(hasTerm('cluster-admin', 'admin', 'both'), true);
  assert.equal(hasTerm('clusteradmin', 'admin', 'both'), false);
  assert.equal(hasTerm('system:serviceaccount:kube-system', 'system:serviceaccount', 'both'), true);
  assert.equal(hasTerm('system:serviceaccounts', 'system:serviceaccount', 'both'), false);
  assert.equal(hasTerm('kubectl', 'kube', 'prefix'), true);
  assert.equal(hasTerm('mykube', 'kube', 'prefix'), false);
  assert.equal(hasTerm('mykube', 'kube', 'suffix'), true);
});

test('valuesEqual: dynamic scalars compare by text against strings, numerically against numbers', () => {
  assert.equal(valuesEqual(true, 'true'), true);
  assert.equal(valuesEqual(201, '201'), true);
  assert.equal(valuesEqual(101, 101), true);
  assert.equal(valuesEqual('101', 101), true);
  assert.equal(valuesEqual('a', 'A'), false);
  assert.equal(valuesEqual({ a: 1 }, { a: 1 }), true);
  assert.equal(valuesEqual({ a: 1 }, '{"a":1}'), false);
});

test('compareValues: nulls are incomparable; datetimes by time', () => {
  assert.equal(compareValues(null, 1), null);
  assert.equal(compareValues(new Date(1000), new Date(2000)), -1);
  assert.equal(compareValues('b', 'a'), 1);
  assert.equal(compareValues(2, '10'), -1);
});

test('toText and timespanText follow KQL formatting', () => {
  assert.equal(toText(null), '');
  assert.equal(toText({ k: [1, 'x'] }), '{"k":[1,"x"]}');
  assert.equal(toText(new Date('2024-01-01T10:00:00Z')), '2024-01-01T10:00:00Z');
  assert.equal(timespanText(86_400_000 + 3_600_000), '1.01:00:00');
  assert.equal(timespanText(-1500), '-00:00:01.5000000');
  assert.equal(toText(3_600_000, 'timespan'), '01:00:00');
});

test('normalize: string columns never hold null', () => {
  assert.equal(normalize(undefined, 'string'), '');
  assert.equal(normalize(null, 'string'), '');
  assert.equal(normalize(null, 'long'), null);
  assert.ok(normalize('2024-01-01T00:00:00Z', 'datetime') instanceof Date);
});
