import assert from 'node:assert/strict';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Wal } from '../../src/server/wal.js';
import { tempDir } from './fixtures.js';

test('the spool replays in order, ignores a torn last write, and continues numbering', () => {
  const tmp = tempDir();
  try {
    const dir = join(tmp.dir, 'wal');
    let wal = new Wal(dir, 100, 3);
    for (let i = 0; i < 5; i++) wal.append('webhook', `body-${i}-${'x'.repeat(60)}`);
    wal.close();
    // 5 entries of ~120 bytes in 100-byte segments: one per segment, the oldest two removed
    assert.equal(readdirSync(dir).length, 3);
    const last = readdirSync(dir).sort().at(-1)!;
    appendFileSync(join(dir, last), '{"seq":6,"at":1,"source":"webhook","bo'); // crash mid-write
    wal = new Wal(dir, 100, 3);
    assert.deepEqual(
      [...wal.replay()].map((e) => e.seq),
      [3, 4, 5],
    );
    assert.equal(wal.append('ingest', 'next').seq, 6);
    wal.close();
  } finally {
    tmp.cleanup();
  }
});

test('an entry appended after a torn write is not lost', () => {
  const tmp = tempDir();
  try {
    const dir = join(tmp.dir, 'wal');
    let wal = new Wal(dir);
    wal.append('webhook', 'first');
    wal.close();
    appendFileSync(join(dir, readdirSync(dir)[0]!), '{"seq":2,"at":1,"sou'); // crash mid-write
    wal = new Wal(dir);
    assert.deepEqual(
      [...wal.replay()].map((e) => e.body),
      ['first'],
    );
    wal.append('webhook', 'second');
    wal.close();
    assert.deepEqual(
      [...new Wal(dir).replay()].map((e) => e.body),
      ['first', 'second'],
    );
  } finally {
    tmp.cleanup();
  }
});
