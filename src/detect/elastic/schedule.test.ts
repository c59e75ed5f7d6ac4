import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Schedule } from './schedule.js';

const m = 60_000;

test('executions step back from the pinned now by the interval, down to the oldest event', () => {
  const s = new Schedule(5 * m, 25 * m, 100 * m, 130 * m, 131 * m);
  const times = [...s.times()];
  assert.equal(times[times.length - 1], 131 * m);
  assert.equal(times[0], 101 * m);
  assert.ok(times.every((t, i) => i === 0 || t - times[i - 1]! === 5 * m));
});

test('without now the last execution is at the newest event', () => {
  const s = new Schedule(5 * m, 6 * m, 0, 12 * m);
  assert.deepEqual([...s.times()], [2 * m, 7 * m, 12 * m]);
});

test('firstIn finds the first execution inside a range, or none', () => {
  const s = new Schedule(5 * m, 6 * m, 0, 12 * m);
  assert.equal(s.firstIn(3 * m, 9 * m), 7 * m);
  assert.equal(s.firstIn(8 * m, 11 * m), undefined);
  assert.equal(s.firstIn(13 * m, 20 * m), undefined);
});

test('relevantTimes skips quiet spans but yields every execution that can see an event', () => {
  const year = 365 * 24 * 60 * m;
  const ts = [0, 3 * m, 6 * year];
  const s = new Schedule(5 * m, 10 * m, 0, ts[2]!, ts[2]! + m);
  let lo = 0;
  const seen: number[] = [];
  for (const t of s.relevantTimes(() => ts[lo])) {
    while (lo < ts.length && ts[lo]! < t - 10 * m) lo++;
    seen.push(t);
  }
  assert.ok(seen.length < 10, `${seen.length} executions`);
  // The executions seeing the first two events, then the one seeing the last.
  assert.ok(seen.some((t) => t >= 3 * m && t - 10 * m <= 0));
  assert.equal(seen[seen.length - 1], ts[2]! + m);
});
