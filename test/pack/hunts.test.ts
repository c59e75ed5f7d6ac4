import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { huntEvents } from '../../src/detect/kusto/hunt.js';
import { readAll } from '../../src/ingest/index.js';
import { repoRoot } from '../corpus.js';

// The saved hunts (rules/hunts/*.kql) over the bundled synthetic attack.

const huntsDir = join(repoRoot, 'rules', 'hunts');
const now = Date.parse('2026-11-20T12:00:00Z');

test('every saved hunt names itself, runs without warnings and returns rows', async () => {
  const { events } = await readAll([join(repoRoot, 'samples', 'aks-attack')]);
  const files = readdirSync(huntsDir).filter((f) => f.endsWith('.kql'));
  assert.ok(files.length >= 2);
  for (const f of files) {
    const text = readFileSync(join(huntsDir, f), 'utf8');
    assert.match(text, new RegExp(`^// name: ${f.replace(/\.kql$/, '')}$`, 'm'), f);
    const r = huntEvents(text, events, { now, file: f });
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`),
      [],
      f,
    );
    assert.ok((r.result?.rows.length ?? 0) > 0, f);
  }
});

test('the kube-audit-admin hunt lists only writes, the attacker binding among them', async () => {
  const { events } = await readAll([join(repoRoot, 'samples', 'aks-attack')]);
  const text = readFileSync(join(huntsDir, 'aks-audit-admin-writes-30d.kql'), 'utf8');
  const rows = huntEvents(text, events, { now }).result?.rows ?? [];
  assert.ok(rows.length > 0);
  for (const row of rows)
    assert.ok(['create', 'patch', 'delete', 'update'].includes(String(row.Verb)), String(row.Verb));
  assert.ok(
    rows.some(
      (r) =>
        r.UserUsername === 'eve@contoso.onmicrosoft.com' &&
        String(r.RequestUri).includes('/clusterrolebindings') &&
        r.ResponseStatusCode === 201,
    ),
  );
});
