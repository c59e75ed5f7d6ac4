import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import { lowerDetection } from '../../src/lang/sigma/lower.js';
import { Diags, parseSigmaText } from '../../src/lang/sigma/parse-rule.js';
import { repoRoot } from '../corpus.js';
import { printSigmaExpr } from '../ir/print-expr.js';
import { sigmaRule } from './events.js';

/** Case file: `# name`, a detection block, `==> expected IR` (synthetic rules). */
const here = dirname(fileURLToPath(import.meta.url));
const file = [join(here, 'lower-cases.txt'), join(repoRoot, 'test/sigma/lower-cases.txt')].find((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
})!;
const blocks = readFileSync(file, 'utf8')
  .split(/^# /m)
  .filter((b) => b.trim());

for (const b of blocks) {
  const [name = '', ...rest] = b.split('\n');
  const body = rest.join('\n');
  const [det = '', want = ''] = body.split('==>');
  test(`lower: ${name}`, () => {
    const text = sigmaRule(det);
    const p = parseSigmaText(text, 'case.yml');
    assert.deepEqual(p.diagnostics, []);
    const doc = p.docs[0];
    assert.ok(doc?.type === 'rule');
    const diags: Diagnostic[] = [];
    const e = lowerDetection(doc.selections, doc.conditions, new Diags(diags, 'case.yml', text));
    assert.deepEqual(diags, []);
    assert.ok(e);
    assert.equal(printSigmaExpr(e), want.trim());
  });
}
