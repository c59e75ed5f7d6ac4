import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadKustoCases, runKustoCase } from './conformance.js';
import { pushdownBackend } from './pushdown-backend.js';

// Differential: the whole conformance suite through predicate pushdown + column pruning (what the
// streaming hunt does) must give what the plain evaluator gives (conformance.test.ts).
const cases = loadKustoCases();

for (const c of cases) {
  const skip = c.skip.memory;
  test(`pushdown ${c.file}:${c.line} ${c.name}`, skip ? { skip } : {}, async () => {
    const problem = await runKustoCase(c, pushdownBackend);
    assert.equal(problem, undefined, problem);
  });
}
