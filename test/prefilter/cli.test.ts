/**
 * The real binary: `scan` with the byte prefilter (on by default, `--no-prefilter`), and the Sigma
 * options `--sigma-mapping` / `--sigma-placeholders`. Inputs and rules are SYNTHETIC.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../run-cli.js';
import { aksLine, goOrderJson } from './go-order.js';

const tmp = mkdtempSync(join(tmpdir(), 'auditscope-scan-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const ev = (i: number, verb: string, resource: string, subresource?: string) =>
  goOrderJson({
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/${resource}/x${i}`,
    verb,
    user: { username: 'alice@contoso.com', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.1'],
    userAgent: 'kubectl/v1.29.0',
    objectRef: {
      resource,
      namespace: 'default',
      name: `x${i}`,
      apiVersion: 'v1',
      ...(subresource ? { subresource } : {}),
    },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: `2024-05-01T00:00:${String(i).padStart(2, '0')}.000000Z`,
    stageTimestamp: `2024-05-01T00:00:${String(i).padStart(2, '0')}.100000Z`,
  });
const lines = [
  ev(1, 'get', 'pods'),
  ...Array.from({ length: 20 }, (_, i) => ev(i + 2, 'list', 'configmaps')),
  ev(30, 'create', 'pods', 'exec'),
];
const input = join(tmp, 'audit.jsonl');
writeFileSync(input, `${lines.map((l, i) => (i % 2 ? aksLine(l) : l)).join('\n')}\n`);

const rule = (field: string, value: string) => `title: exec into a pod
id: 7d1c0000-0000-4000-8000-000000000001
logsource:
    product: kubernetes
    service: audit
detection:
    sel:
        ${field}: ${value}
        objectRef.subresource: exec
    condition: sel
level: high
`;

test('scan skips lines no rule could match, says so, and raises the same alerts as --no-prefilter', () => {
  const rules = join(tmp, 'exec.yml');
  writeFileSync(rules, rule('verb', 'create'));
  const on = runCli([
    'scan',
    input,
    '--no-builtin',
    '--rules',
    rules,
    '-o',
    'ndjson',
    '--now',
    '2024-05-02T00:00:00Z',
  ]);
  const off = runCli([
    'scan',
    input,
    '--no-builtin',
    '--rules',
    rules,
    '-o',
    'ndjson',
    '--now',
    '2024-05-02T00:00:00Z',
    '--no-prefilter',
  ]);
  assert.equal(on.code, 1, on.stderr);
  assert.equal(off.code, 1, off.stderr);
  assert.equal(on.stdout.trim().split('\n').length, 1);
  assert.equal(on.stdout, off.stdout);
  assert.match(on.stderr, /records: 22 read, 2 events, 0 quarantined, 20 skipped by the prefilter/);
  assert.match(off.stderr, /records: 22 read, 22 events, 0 quarantined\n/);
});

test('--sigma-mapping maps a rule field and --sigma-placeholders fills |expand', () => {
  const mapped = join(tmp, 'mapped.yml');
  writeFileSync(mapped, rule('Operation', 'create'));
  const mapping = join(tmp, 'mapping.yml');
  writeFileSync(mapping, 'fieldmappings:\n  Operation: verb\n');
  const base = [
    'scan',
    input,
    '--no-builtin',
    '--rules',
    mapped,
    '-o',
    'ndjson',
    '--now',
    '2024-05-02T00:00:00Z',
  ];
  assert.equal(runCli(base).stdout, '', 'without the mapping the field is unknown');
  const r = runCli([...base, '--sigma-mapping', mapping]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()).rule.name, 'exec into a pod');

  const expand = join(tmp, 'expand.yml');
  writeFileSync(expand, rule('verb|expand', "'%writes%'"));
  const placeholders = join(tmp, 'placeholders.yml');
  writeFileSync(placeholders, 'writes: [create, update]\n');
  const p = runCli([
    'scan',
    input,
    '--no-builtin',
    '--rules',
    expand,
    '-o',
    'ndjson',
    '--sigma-placeholders',
    placeholders,
  ]);
  assert.equal(p.code, 1, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 1);
  const bad = runCli([
    'scan',
    input,
    '--no-builtin',
    '--rules',
    expand,
    '--sigma-mapping',
    join(tmp, 'missing.yml'),
  ]);
  assert.match(bad.stderr, /SIG028/);
});
