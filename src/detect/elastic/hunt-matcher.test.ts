import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestText } from '../../ingest/index.js';
import type { AuditEvent } from '../../model/event.js';
import { completeActivityRecord, completeAuditEvent } from '../testing/synthetic-event.js';
import { compileHuntQuery } from './hunt-matcher.js';

// Synthetic events: partial audit Events / Activity records completed with defaults.
function read(records: Record<string, unknown>[]): AuditEvent[] {
  const out: AuditEvent[] = [];
  ingestText(records.map((r) => JSON.stringify(r)).join('\n'), 'synthetic.jsonl', {
    event: (e) => out.push(e),
    quarantine: () => {},
  });
  return out;
}
const events = read([
  completeAuditEvent({ verb: 'delete', objectRef: { resource: 'pods', namespace: 'prod', name: 'web' } }),
  completeAuditEvent({ verb: 'get', objectRef: { resource: 'secrets', namespace: 'prod', name: 'db' } }),
  completeActivityRecord({ operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE' }),
]);

test('Kibana query hunt over every ECS dataset of the default indices', () => {
  const { matcher, diagnostics } = compileHuntQuery(
    'event.action:(delete or "MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE")',
    'kuery',
  );
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    events.map((e) => matcher!.match(e)),
    [true, false, true],
  );
});

test('index patterns restrict the datasets a hunt reads', () => {
  const { matcher } = compileHuntQuery('event.action:*', 'kuery', ['logs-azure*']);
  assert.deepEqual(
    events.map((e) => matcher!.match(e)),
    [false, false, true],
  );
});

test('EQL event query hunt; sequences and bad queries give positioned errors, no matcher', () => {
  const { matcher } = compileHuntQuery('any where kubernetes.audit.objectRef.resource : "SECRETS"', 'eql');
  assert.deepEqual(
    events.map((e) => matcher!.match(e)),
    [false, true, false],
  );
  const seq = compileHuntQuery('sequence [any where true] [any where true]', 'eql');
  assert.equal(seq.matcher, undefined);
  assert.equal(seq.diagnostics[0]?.code, 'EQL012');
  const bad = compileHuntQuery('verb:(get or', 'kuery');
  assert.equal(bad.matcher, undefined);
  assert.equal(bad.diagnostics[0]?.code, 'KQL001');
});
