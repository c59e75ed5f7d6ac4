import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTime } from './time.js';

test('ISO Z times keep their precision and get sub-millisecond epoch fractions', () => {
  const t = parseTime('2024-11-15T21:00:00.154534959Z');
  assert.equal(t?.time, '2024-11-15T21:00:00.154534959Z');
  assert.equal(Math.floor(t!.ts), Date.UTC(2024, 10, 15, 21, 0, 0, 154));
  assert.ok(Math.abs(t!.ts - Math.floor(t!.ts) - 0.534959) < 1e-3); // doubles near 1.7e12 resolve ~0.25 µs
  assert.equal(parseTime('2018-10-26T13:38:34Z')?.ts, Date.UTC(2018, 9, 26, 13, 38, 34));
});

test('Azure corner-case formats (Elastic test-time-formats-corner-cases expected values)', () => {
  // Expected instants from the corpus SOURCES.md: 09:41:00.000Z for the US forms, offsets and no-zone.
  const base = Date.UTC(2007, 0, 9, 9, 41, 0);
  for (const s of [
    '01/09/2007 09:41:00',
    '1/9/2007 09:41:00',
    '01/09/2007 09:41:00 AM',
    '1/9/2007 9:41:00 AM',
    '1/9/2007 10:41:00 AM +01:00',
    '2007-01-09T09:41:00',
    '2007-01-09T11:41:00+02:00',
  ])
    assert.equal(parseTime(s)?.ts, base, s);
  assert.equal(parseTime('2007-01-09T09:41:00.22Z')?.ts, base + 220);
  assert.equal(Math.floor(parseTime('2007-01-09T09:41:00.6816663Z')!.ts), base + 681);
  assert.equal(parseTime('2007-01-09T09:41:00.992099+00:00')?.time, '2007-01-09T09:41:00.992099Z');
  assert.equal(parseTime('1/9/2007 10:41:00 AM +01:00')?.time, '2007-01-09T09:41:00Z');
});

test('PM hours, the Log Analytics portal form, Panther form, epoch numbers; junk is undefined', () => {
  assert.equal(parseTime('11/15/2024, 9:00:04.536 PM')?.time, '2024-11-15T21:00:04.536Z');
  assert.equal(parseTime('1/9/2007 12:05:00 AM')?.time, '2007-01-09T00:05:00Z');
  assert.equal(parseTime('2022-11-29 00:09:04.38')?.time, '2022-11-29T00:09:04.38Z');
  assert.equal(parseTime(1_700_000_000_000)?.time, '2023-11-14T22:13:20.000Z');
  assert.equal(parseTime('not a time'), undefined);
  assert.equal(parseTime('2024-11-15T21:00:00.Z'), undefined);
  assert.equal(parseTime('2024-11-15T21:00:00,5Z')?.ts, Date.UTC(2024, 10, 15, 21, 0, 0, 500));
  assert.equal(parseTime('13/45/2007 09:41:00'), undefined);
  assert.equal(parseTime(undefined), undefined);
});
