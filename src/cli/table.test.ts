import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgress } from './progress.js';
import { renderCsv, renderTable, useColor } from './table.js';

test('renderTable pads columns to the widest cell, cuts long cells (start or end kept)', () => {
  const out = renderTable(
    ['A', 'PATH'],
    [
      ['x', '/very/long/path/to/file.log:12'],
      ['longer', 'b'],
    ],
    { maxWidth: 12, keepEnd: [1] },
  );
  assert.equal(out, 'A       PATH\nx       …file.log:12\nlonger  b\n');
  const cut = renderTable(['A'], [['abcdefghijkl']], { maxWidth: 5 });
  assert.equal(cut, 'A\nabcd…\n');
  const painted = renderTable(['A'], [['v']], { paint: (i, t) => `<${i}:${t}>` });
  assert.equal(painted, 'A\n<0:v>\n');
});

test('renderCsv quotes fields with commas, quotes and newlines', () => {
  assert.equal(renderCsv(['a', 'b'], [['x,y', 'say "hi"\nthere']]), 'a,b\n"x,y","say ""hi""\nthere"\n');
});

test('colour and progress only on a terminal', () => {
  assert.equal(useColor({ isTTY: false }), false);
  const written: string[] = [];
  const fake = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  const p = createProgress(fake);
  p.update(1024, 1024 * 1024); // small input: no bar
  assert.equal(written.length, 0);
  p.update(64 << 20, 128 << 20);
  assert.match(written[0] ?? '', /\[#{15} {15}\]\s+50% 64\/128 MiB/);
  p.done();
  assert.equal(written.at(-1), '\r\x1b[K');
  const quiet: string[] = [];
  const pipe = { isTTY: false, write: (s: string) => quiet.push(s) } as unknown as NodeJS.WriteStream;
  const q = createProgress(pipe);
  q.update(64 << 20, 128 << 20);
  q.done();
  assert.equal(quiet.length, 0);
});
