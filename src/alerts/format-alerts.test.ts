import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { corpus } from '../../test/corpus.js';
import { readText } from '../ingest/index.js';
import type { AuditEvent } from '../model/event.js';
import type { Alert, RuleMeta, SeverityLevel } from './alert.js';
import { eventColumns } from './format-fields.js';
import { alertJson, formatAlertNdjson } from './format-ndjson.js';
import { alertRows, countBySeverity } from './format-table.js';

const events = (rel: string): AuditEvent[] => readText(readFileSync(corpus(rel), 'utf8'), corpus(rel)).events;
const exec = events('falcosecurity-falco-k8s_audit/exec_pod.json')[0]!;
const secret = events('falcosecurity-falco-k8s_audit/create_secret.json')[0]!;
const activity = events('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log')[0]!;

/** A synthetic rule and alert around real events. */
function alert(name: string, severity: SeverityLevel, evs: AuditEvent[]): Alert {
  const rule: RuleMeta = {
    id: `synthetic-${name}`,
    name,
    language: 'sigma',
    severity,
    riskScore: 50,
    threat: [],
    tags: ['attack.t1609'],
    references: [],
    falsePositives: [],
  };
  return {
    time: evs.at(-1)!.time,
    rule,
    events: evs,
    entities: { users: ['minikube-user'] },
    severity,
    riskScore: 50,
  };
}

test('alertJson: ECS-style fields from the last event; multi-event alerts list every event', () => {
  const one = alertJson(alert('exec', 'high', [exec]));
  assert.equal(one['@timestamp'], exec.time);
  assert.deepEqual((one.rule as Record<string, unknown>).severity, 'high');
  assert.equal((one.event as Record<string, unknown>).original, exec.raw);
  assert.deepEqual(one.log, { file: { path: exec.source.file, line: 1, index: 0 } });
  assert.deepEqual(one.entities, { users: ['minikube-user'] });
  assert.equal(one.events, undefined);
  const two = alertJson(alert('pair', 'medium', [secret, exec]));
  assert.deepEqual(
    (two.events as { id: string }[]).map((e) => e.id),
    [secret.id, exec.id],
  );
  const line = formatAlertNdjson(alert('exec', 'high', [exec]));
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
});

test('eventColumns: who / what / to what / where for audit and activity events', () => {
  assert.deepEqual(eventColumns(exec), {
    user: 'minikube-user',
    action: 'create',
    target: 'pods/exec/nginx-deployment-7998647bdf-phvq7',
    namespace: 'default',
    source: `${exec.source.file}:1`,
  });
  const c = eventColumns(activity);
  assert.equal(c.action, 'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION');
  assert.equal(c.target, 'AUTHORIZATIONRULES/ROOTMANAGESHAREDACCESSKEY');
});

test('alertRows sorts by event time; countBySeverity lists the most severe first', () => {
  const alerts = [
    alert('late', 'low', [secret]),
    alert('early', 'critical', [exec]),
    alert('mid', 'low', [exec]),
  ];
  const { rows, severities } = alertRows(alerts);
  assert.deepEqual(
    rows.map((r) => r[2]),
    ['early', 'mid', 'late'],
  );
  assert.deepEqual(severities, ['critical', 'low', 'low']);
  assert.deepEqual(countBySeverity(alerts), [
    ['critical', 1],
    ['low', 2],
  ]);
});
