import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvOpen, parseCsvRecord, splitJsonValues } from './text-split.js';

test('splitJsonValues finds concatenated and multi-line values with their lines', () => {
  const parts = splitJsonValues('{"a":"}{"}{"b":[1,\n2]}\n\n{\n"c":"\\"x"\n}');
  assert.deepEqual(
    parts.map((p) => [p.text, p.line]),
    [
      ['{"a":"}{"}', 1],
      ['{"b":[1,\n2]}', 1],
      ['{\n"c":"\\"x"\n}', 4],
    ],
  );
  assert.deepEqual(
    splitJsonValues('{"a":1').map((p) => p.text),
    ['{"a":1'],
  );
});

test('CSV records: quotes, doubled quotes, embedded commas and open quoted fields', () => {
  assert.deepEqual(parseCsvRecord('a,"b,c","d""e",'), ['a', 'b,c', 'd"e', '']);
  assert.deepEqual(parseCsvRecord('"{""k"":1}",x'), ['{"k":1}', 'x']);
  assert.equal(csvOpen('a,"multi'), true);
  assert.equal(csvOpen('a,"multi\nline",b'), false);
});
