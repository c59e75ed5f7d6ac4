import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { createGunzip, createGzip } from 'node:zlib';
import { readTar, TarWriter } from '../../src/collect/tar.js';

const names = [
  'short.txt',
  `${'d'.repeat(90)}/${'f'.repeat(60)}.json`, // > 100 bytes: ustar prefix + name
  `${'a/'.repeat(80)}${'x'.repeat(120)}.json`, // > 255 bytes: PAX path
  'évidence/ünïcode-名前.log',
  'empty.json',
];

test('tar entries of every name length round-trip through the system tar and our reader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-tar-'));
  const out = join(dir, 't.tar.gz');
  const gz = createGzip();
  const done = pipeline(gz, createWriteStream(out));
  const tw = new TarWriter(gz);
  const data = names.map((n, i) => Buffer.from(n === 'empty.json' ? '' : `${n}\n`.repeat(i * 300 + 1)));
  for (const [i, n] of names.entries()) {
    if (i % 2) await tw.addBuffer(n, data[i]!, Date.parse('2026-11-20T00:00:00Z'));
    else {
      const src = new PassThrough();
      src.end(data[i]);
      await tw.addStream(n, data[i]!.length, Date.parse('2026-11-20T00:00:00Z'), src);
    }
  }
  await tw.finish();
  await done;
  const x = join(dir, 'x');
  mkdirSync(x);
  execFileSync('tar', ['-xzf', out, '-C', x]);
  for (const [i, n] of names.entries()) assert.deepEqual(readFileSync(join(x, n)), data[i], n);
  const listed = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed, names);
  const back: string[] = [];
  for await (const e of readTar(createReadStream(out).pipe(createGunzip()), () => true)) {
    back.push(e.name);
    assert.deepEqual(e.data, data[names.indexOf(e.name)]);
  }
  assert.deepEqual(back, names);
});

test('our reader reads an archive made by the system tar', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-tar-'));
  mkdirSync(join(dir, 'src/sub'), { recursive: true });
  writeFileSync(join(dir, 'src/sub/a.json'), '{"a":1}\n');
  execFileSync('tar', ['-czf', join(dir, 's.tar.gz'), '-C', join(dir, 'src'), 'sub']);
  const got: string[] = [];
  for await (const e of readTar(createReadStream(join(dir, 's.tar.gz')).pipe(createGunzip()), () => false))
    got.push(`${e.name} ${e.size}`);
  assert.deepEqual(got, ['sub/a.json 8']);
});
