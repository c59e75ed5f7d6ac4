import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { lineCol } from '../../src/diag/span.js';
import { lowerKuery } from '../../src/lang/kibana/lower-kuery.js';
import { parseKuery } from '../../src/lang/kibana/parse-kuery.js';
import { repoRoot } from '../corpus.js';
import { readCases } from './case-file.js';
import { printExpr } from './print-expr.js';

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
    const diags = [...parsed.diagnostics, ...(lowered?.diagnostics ?? [])].filter(
      (d) => d.severity === 'error',
    );
    const got = diags.map((d) => {
      const { line, col } = lineCol(c.input, d.span?.start ?? 0);
      return `${d.code} ${line}:${col} ${d.message}`;
    });
    if (c.errors.length) {
      assert.equal(got.length, c.errors.length, `diagnostics: ${got.join(' | ')}`);
      c.errors.forEach((e, i) => {
        assert.ok(
          got[i]!.startsWith(`${e.code} ${e.line}:${e.col} `),
          `expected ${e.code} ${e.line}:${e.col}, got ${got[i]}`,
        );
        assert.ok(got[i]!.includes(e.fragment), `expected '${e.fragment}' in ${got[i]}`);
      });
    } else {
      assert.deepEqual(got, []);
      assert.equal(printExpr(lowered!.expr), c.expected);
    }
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
