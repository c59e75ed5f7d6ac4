import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDatetimeText, parseTimespanText } from './literals.js';

test('timespan literals', () => {
  assert.equal(parseTimespanText('1d'), 86_400_000);
  assert.equal(parseTimespanText('1.5h'), 5_400_000);
  assert.equal(parseTimespanText('10ms'), 10);
  assert.equal(parseTimespanText('1tick'), 0.0001);
  assert.equal(parseTimespanText('time(1.02:00:00)'), 93_600_000);
  assert.equal(parseTimespanText('timespan(null)'), null);
  assert.equal(parseTimespanText('2fortnights'), undefined);
});

test('datetime literals are UTC', () => {
  assert.equal(parseDatetimeText('datetime(2024-01-01)'), Date.UTC(2024, 0, 1));
  assert.equal(parseDatetimeText('datetime(2024-01-01 10:30:00.5)'), Date.UTC(2024, 0, 1, 10, 30, 0, 500));
  assert.equal(parseDatetimeText('datetime(2024-01-01T10:30:00+02:00)'), Date.UTC(2024, 0, 1, 8, 30));
  assert.equal(parseDatetimeText('datetime(null)'), null);
});
