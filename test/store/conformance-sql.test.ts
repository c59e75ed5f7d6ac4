import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseKusto } from '../../src/lang/kusto/parse-kusto.js';
import { planTable } from '../../src/store/schema.js';
import { compileProgram } from '../../src/store/sql/compile-query.js';
import { loadKustoCases, runKustoCase } from '../kusto/conformance.js';
import { runOnStore } from './sql-backend.js';

/**
 * Differential conformance: every case of the Kusto suite (test/kusto/cases) runs on the DuckDB SQL
 * backend and must give the expected rows, the same rows the in-memory evaluator must give
 * (test/kusto/conformance.test.ts). A case the SQL compiler cannot express is skipped with the
 * compiler's reason. Each case that compiles also pins its SQL text in a golden file per case file
 * (test/store/golden/<file>.json), compiled with a fixed now; refresh with UPDATE_GOLDEN=1.
 */
const here = dirname(fileURLToPath(import.meta.url));
// Compiled tests run from dist/test/store: read cases and goldens from the source tree.
const sourceDir = here.replace(/\/dist\/test\/store$/, '/test/store');
const cases = loadKustoCases(join(sourceDir, '..', 'kusto', 'cases'));
const goldenDir = join(sourceDir, 'golden');
const update = process.env['UPDATE_GOLDEN'] === '1';
const goldenNow = Date.parse('2030-01-01T00:00:00Z');

const goldens = new Map<string, Record<string, string>>();
const golden = (file: string): Record<string, string> => {
  let g = goldens.get(file);
  if (!g) {
    const p = join(goldenDir, `${file}.json`);
    g = existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, string>) : {};
    goldens.set(file, g);
  }
  return g;
};
const fresh = new Map<string, Record<string, string>>();

for (const c of cases) {
  const skip = c.skip['sql'];
  test(`sql ${c.file}:${c.line} ${c.name}`, skip ? { skip } : {}, async (t) => {
    let unsupported: string | undefined;
    const problem = await runKustoCase(c, async (tables, query, opts) => {
      const { result, hunt } = await runOnStore(tables, query, opts);
      if (hunt.unsupported) unsupported = `${hunt.unsupported.feature}: ${hunt.unsupported.reason}`;
      return result;
    });
    if (unsupported && !c.expectedDiagnostics) {
      t.skip(`SQL cannot express ${unsupported}`);
      return;
    }
    assert.equal(problem, undefined, problem);
    if (c.expectedDiagnostics) return;
    // Golden SQL text.
    const schemas = c.tables.map((x) => ({ name: x.name, columns: x.columns }));
    const parsed = parseKusto(c.query, schemas);
    assert.ok(parsed.program);
    const catalog = new Map(c.tables.map((x) => [x.name, planTable(x.name, x.columns)]));
    const compiled = compileProgram(parsed.program, catalog, { nowMs: goldenNow });
    assert.equal(compiled.kind, 'Sql');
    if (compiled.kind !== 'Sql') return;
    const key = `${c.name} @${c.line}`.replace(/ @\d+$/, '');
    const f = fresh.get(c.file) ?? {};
    f[key] = compiled.sql;
    fresh.set(c.file, f);
    if (update) {
      mkdirSync(goldenDir, { recursive: true });
      const g = { ...golden(c.file), [key]: compiled.sql };
      goldens.set(c.file, g);
      writeFileSync(join(goldenDir, `${c.file}.json`), `${JSON.stringify(g, null, 2)}\n`);
    } else {
      const want = golden(c.file)[key];
      if (want === undefined) t.diagnostic(`no golden SQL for '${key}' (run with UPDATE_GOLDEN=1)`);
      else assert.equal(compiled.sql, want, 'SQL text changed (refresh with UPDATE_GOLDEN=1 if intended)');
    }
  });
}
