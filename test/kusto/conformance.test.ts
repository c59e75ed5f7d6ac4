import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadKustoCases, runKustoCase } from './conformance.js';
import { memoryBackend } from './memory-backend.js';

const cases = loadKustoCases();

test('the conformance suite has cases', () => {
  assert.ok(cases.length >= 100, `only ${cases.length} cases`);
});

for (const c of cases) {
  const skip = c.skip.memory;
  test(`${c.file}:${c.line} ${c.name}`, skip ? { skip } : {}, async () => {
    const problem = await runKustoCase(c, memoryBackend);
    assert.equal(problem, undefined, problem);
  });
}
