import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readerObjectSize } from '../../src/store/load-batch.js';

test('readerObjectSize fits the longest staged line, between 1 MiB and 256 MiB', () => {
  assert.equal(readerObjectSize(2000), 1 << 20);
  assert.equal(readerObjectSize(undefined), 256 << 20);
  // 1M UTF-16 units may take 3 MB of UTF-8: the next power of two above that.
  assert.equal(readerObjectSize(1_000_000), 4 << 20);
  assert.ok(readerObjectSize(1_000_000) >= 1_000_000 * 3);
  assert.equal(readerObjectSize(500_000_000), 256 << 20);
});
