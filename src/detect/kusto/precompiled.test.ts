import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseKusto } from '../../lang/kusto/parse-kusto.js';
import { kustoSchemas } from './catalog.js';
import { readKustoRuleFile } from './kusto-rule.js';
import { precompiledQuery } from './precompiled.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const rulesDir = join(root, 'rules', 'kusto');
const builtFromDist = import.meta.url.includes('/dist/');

test('each built-in Kusto rule has a build-time parse equal to parsing it now', {
  skip: !builtFromDist && 'runs on the build output',
}, () => {
  const files = readdirSync(rulesDir).sort();
  assert.ok(files.length > 0);
  for (const name of files) {
    const r = readKustoRuleFile(name, readFileSync(join(rulesDir, name), 'utf8'));
    if (!r.spec) continue;
    const pre = precompiledQuery(r.spec.query, kustoSchemas());
    assert.ok(pre, `${name} is precompiled`);
    const fresh = parseKusto(r.spec.query, kustoSchemas());
    assert.deepStrictEqual(pre.program, fresh.program, name);
    assert.deepStrictEqual(pre.diagnostics, fresh.diagnostics, name);
  }
  // Another text (or the same over other schemas) is not found: it is parsed as before.
  assert.equal(precompiledQuery('AKSAudit | take 1', kustoSchemas()), undefined);
  const r = readKustoRuleFile('x', readFileSync(join(rulesDir, readdirSync(rulesDir)[0]!), 'utf8'));
  assert.equal(precompiledQuery(r.spec?.query ?? '', kustoSchemas().slice(1)), undefined);
});

test('loading the built-in pack does not start the official Kusto parser', {
  skip: !builtFromDist && 'runs on the build output',
}, () => {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  const loader = new URL('../load-rules.js', import.meta.url).href;
  const out = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { loadRules } = await import(${JSON.stringify(loader)});
       const r = await loadRules([${JSON.stringify(rulesDir)}]);
       console.log(JSON.stringify({ rules: r.detections.length, parser: typeof globalThis.Kusto !== 'undefined' }));`,
    ],
    { encoding: 'utf8', env },
  );
  assert.equal(out.status, 0, out.stderr);
  const got = JSON.parse(out.stdout.trim()) as { rules: number; parser: boolean };
  assert.ok(got.rules >= 3);
  assert.equal(got.parser, false);
});
