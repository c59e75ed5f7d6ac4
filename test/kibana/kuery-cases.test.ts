import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { lowerKuery } from '../../src/lang/kibana/lower-kuery.js';
import { parseKuery } from '../../src/lang/kibana/parse-kuery.js';
import { repoRoot } from '../corpus.js';
import { printExpr } from '../ir/print-expr.js';
import { assertCase, readCases } from './case-file.js';

const cases = readCases(join(repoRoot, 'test', 'kibana', 'cases'));

test('the Kibana query case corpus is not empty', () => {
  assert.ok(cases.filter((c) => c.expected).length >= 40);
  assert.ok(cases.filter((c) => c.errors.length).length >= 15);
});

for (const c of cases) {
  test(`${c.file}:${c.line} ${c.name}`, () => {
    const parsed = parseKuery(c.input);
    const lowered =
      parsed.ast || parsed.diagnostics.length === 0
        ? lowerKuery(parsed.ast, { source: c.input, nested: 'element' })
        : undefined;
    assertCase(c, [...parsed.diagnostics, ...(lowered?.diagnostics ?? [])], () => printExpr(lowered!.expr));
  });
}

test('nested queries: element semantics for detection, prefixed fields by default (rule converters)', () => {
  const ast = parseKuery('a:{ b:1 and c:2 }').ast;
  assert.equal(
    printExpr(lowerKuery(ast, { nested: 'element' }).expr),
    '(Nested a (And (Eq b "1" cased) (Eq c "2" cased)))',
  );
  assert.equal(printExpr(lowerKuery(ast).expr), '(And (Eq a.b "1" cased) (Eq a.c "2" cased))');
});
