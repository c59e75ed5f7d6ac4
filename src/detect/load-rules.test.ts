import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Alert } from '../alerts/alert.js';
import type { AuditEvent } from '../model/event.js';
import type { Detection } from './detection.js';
import { loadRules } from './load-rules.js';

// Synthetic rules and event.

const rule = `title: secret created
id: 5f0c0000-0000-4000-8000-000000000001
name: secret_created
logsource:
    product: kubernetes
    service: audit
detection:
    sel:
        verb: create
        objectRef.resource: secrets
    condition: sel
`;
const filterAll = `title: ignore everything
logsource:
    product: kubernetes
    service: audit
filter:
    rules: any
    sel:
        verb: create
    condition: not sel
`;
const event: AuditEvent = {
  kind: 'audit',
  format: 'k8s-audit',
  provider: 'k8s',
  time: '2024-05-01T00:00:00.000Z',
  ts: Date.parse('2024-05-01T00:00:00.000Z'),
  id: 'a1:ResponseComplete',
  raw: '{}',
  source: { file: 'synthetic', line: 1, index: 0 },
  audit: { verb: 'create', objectRef: { resource: 'secrets' }, auditID: 'a1' },
} as AuditEvent;

function alertsOf(detections: readonly Detection[]): Alert[] {
  const alerts: Alert[] = [];
  for (const d of detections) {
    const r = d.createRunner({ emit: (a) => alerts.push(a), report: () => {} });
    if (d.applies(event)) r.push(event);
    r.flush();
  }
  return alerts;
}

test('two loads in one process do not leak Sigma rules or filters into each other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-load-'));
  try {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a', 'rule.yml'), rule);
    writeFileSync(join(dir, 'a', 'filter.yml'), filterAll);
    writeFileSync(join(dir, 'b', 'rule.yml'), rule);
    const first = await loadRules([join(dir, 'a')]);
    assert.equal(first.detections.length, 1);
    assert.equal(alertsOf(first.detections).length, 0, 'the filter of the same load applies');
    const second = await loadRules([join(dir, 'b')]);
    assert.equal(second.detections.length, 1);
    assert.equal(alertsOf(second.detections).length, 1, "the first load's filter does not leak in");
    // and the same rule id loaded again is not reported as a duplicate of the earlier load
    assert.equal(
      second.diagnostics.some((d) => d.message.includes('is also used by')),
      false,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
