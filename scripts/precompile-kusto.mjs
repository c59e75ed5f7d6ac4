// Build step (after tsc): parse the built-in pack's Kusto rule queries once and store their IR in
// dist/kusto-precompiled.bin, so `scan` with the pack does not start the official parser
// (src/detect/kusto/precompiled.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kustoSchemas } from '../dist/src/detect/kusto/catalog.js';
import { readKustoRuleFile } from '../dist/src/detect/kusto/kusto-rule.js';
import { precompiledKey, serializePrecompiled } from '../dist/src/detect/kusto/precompiled.js';
import { parseKusto } from '../dist/src/lang/kusto/parse-kusto.js';

const dir = new URL('../rules/kusto/', import.meta.url).pathname;
const schemas = kustoSchemas();
const entries = [];
for (const name of readdirSync(dir).sort()) {
  const path = join(dir, name);
  const r = readKustoRuleFile(path, readFileSync(path, 'utf8'));
  if (!r.spec) continue;
  const parsed = parseKusto(r.spec.query, schemas);
  if (!parsed.program) continue;
  entries.push([
    precompiledKey(r.spec.query, schemas),
    { program: parsed.program, diagnostics: parsed.diagnostics },
  ]);
}
writeFileSync(new URL('../dist/kusto-precompiled.bin', import.meta.url), serializePrecompiled(entries));
console.log(`precompiled ${entries.length} Kusto rule queries`);
