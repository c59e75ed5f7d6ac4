import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import type { EqlQuery } from '../../src/lang/eql/ast.js';
import { lowerEqlEvent } from '../../src/lang/eql/lower-eql.js';
import { parseEql } from '../../src/lang/eql/parse-eql.js';
import { repoRoot } from '../corpus.js';
import { printExpr } from '../ir/print-expr.js';
import { assertCase, readCases } from '../kibana/case-file.js';

const cases = readCases(join(repoRoot, 'test', 'elastic', 'eql-cases'));

/** Lowers a parsed query and prints it: an event query as its IR, a sequence as `(Sequence ...)`. */
function lowerAndPrint(q: EqlQuery, src: string, diags: Diagnostic[]): string {
  const low = (e: Parameters<typeof lowerEqlEvent>[0]): string => {
    const l = lowerEqlEvent(e, src);
    diags.push(...l.diagnostics);
    return printExpr(l.expr);
  };
  if (q.kind === 'Event') return low(q.event);
  const by = (fs: readonly string[]): string => (fs.length ? ` (by ${fs.join(' ')})` : '');
  const steps = q.steps.map((s) => ` (Step ${low(s.event)}${by(s.by)})`).join('');
  const until = q.until ? ` (Until ${low(q.until.event)}${by(q.until.by)})` : '';
  const span = q.maxspanMs !== undefined ? ` (maxspan ${q.maxspanMs})` : '';
  return `(Sequence${by(q.by)}${span}${steps}${until})`;
}

test('the EQL case corpus has accepted and rejected queries', () => {
  assert.ok(cases.filter((c) => c.expected).length >= 20);
  assert.ok(cases.filter((c) => c.errors.length).length >= 8);
});

for (const c of cases) {
  test(`${c.file}:${c.line} ${c.name}`, () => {
    const parsed = parseEql(c.input);
    const diags: Diagnostic[] = [...parsed.diagnostics];
    const printed = parsed.ast ? lowerAndPrint(parsed.ast, c.input, diags) : undefined;
    assertCase(c, diags, () => printed);
  });
}
