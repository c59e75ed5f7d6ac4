// The seed rules through the real CLI (`auditscope scan --rules test/elastic/fixtures`), on a
// synthetic Activity Log file: two successful pod deletions and one failed one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { completeActivityRecord } from '../../src/detect/testing/synthetic-event.js';
import { cliPath, repoRoot } from '../corpus.js';

test('auditscope scan runs the seed Elastic rules and prints their alerts (ndjson)', {
  skip: !existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js')) && 'build first (dist/)',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-elastic-'));
  try {
    const file = join(dir, 'synthetic-activity.jsonl');
    const op = 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE';
    const recs = [
      completeActivityRecord({ operationName: op, correlationId: 'synthetic-1' }, '2026-11-20T09:00:00.000Z'),
      completeActivityRecord({ operationName: op, correlationId: 'synthetic-2' }, '2026-11-20T09:01:00.000Z'),
      completeActivityRecord(
        { operationName: op, correlationId: 'synthetic-3', resultType: 'Failure' },
        '2026-11-20T09:02:00.000Z',
      ),
    ];
    writeFileSync(file, `${recs.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const r = spawnSync(
      process.execPath,
      [
        cliPath,
        'scan',
        file,
        '--no-builtin',
        '--rules',
        join(repoRoot, 'test', 'elastic', 'fixtures'),
        '--now',
        '2026-11-20T09:05:00Z',
        '--output',
        'ndjson',
      ],
      { encoding: 'utf8' },
    );
    const alerts = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { rule: { name: string } });
    assert.deepEqual(
      alerts.map((a) => a.rule.name),
      ['Azure Kubernetes Pods Deleted', 'Azure Kubernetes Pods Deleted'],
      r.stderr,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
