/**
 * Round trip through the views: a real event rendered as a Log Analytics row (AKSAudit,
 * AzureDiagnostics, AzureActivity) and exported as JSON is read back by ingest as the same
 * request (same id, same instant, same payload fields). The exports are SYNTHETIC (made by the views).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAll, readText } from '../../src/ingest/index.js';
import { ecsDocument } from '../../src/views/ecs/ecs-document.js';
import { renderView } from '../../src/views/registry.js';
import { corpus } from '../corpus.js';

test('AKS records -> AKSAudit / AzureDiagnostics rows -> ingest: same ids and payloads', async () => {
  const { events } = await readAll([corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json')]);
  for (const [name, format] of [
    ['AKSAudit', 'la-aksaudit'],
    ['AzureDiagnostics', 'la-azurediagnostics'],
  ] as const) {
    const render = renderView(name);
    assert.ok(render, name);
    const rows = events.map((e) => render(e)).filter((r) => r !== undefined);
    assert.equal(rows.length, events.length, name);
    const back = readText(JSON.stringify(rows), `synthetic-${name}.json`);
    assert.equal(back.quarantined.length, 0, JSON.stringify(back.quarantined[0]));
    assert.deepEqual(
      back.events.map((e) => e.format),
      events.map(() => format),
    );
    assert.deepEqual(
      back.events.map((e) => e.id),
      events.map((e) => e.id),
      name,
    );
    assert.deepEqual(
      back.events.map((e) => Math.floor(e.ts)),
      events.map((e) => Math.floor(e.ts)),
      name,
    );
    for (let i = 0; i < events.length; i++) {
      assert.deepEqual(back.events[i]!.audit?.objectRef, events[i]!.audit?.objectRef);
      assert.deepEqual(back.events[i]!.audit?.user, events[i]!.audit?.user);
      assert.equal(back.events[i]!.provider, 'aks');
    }
  }
});

test('Activity records -> AzureActivity rows -> ingest: same ids and operation', async () => {
  const { events } = await readAll([
    corpus('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log'),
  ]);
  const render = renderView('AzureActivity');
  assert.ok(render);
  const rows = events.map((e) => render(e)).filter((r) => r !== undefined);
  assert.equal(rows.length, events.length);
  const back = readText(JSON.stringify(rows), 'synthetic-AzureActivity.json');
  assert.deepEqual(
    back.events.map((e) => [e.format, e.id, e.activity?.operationName, e.activity?.correlationId]),
    events.map((e) => ['la-azureactivity', e.id, e.activity?.operationName, e.activity?.correlationId]),
  );
});

test('ECS documents rendered by the ecs view read back as the same events (raw, AKS, GKE, Activity)', async () => {
  const { events } = await readAll([
    corpus('elastic-integrations/kubernetes-audit_logs/test-audit.log'),
    corpus('elastic-integrations/azure-activitylogs/test-activitylogs-raw.log'),
  ]);
  const render = renderView('ecs');
  assert.ok(render);
  const docs = events.map((e) => render(e));
  assert.ok(docs.every((d) => d !== undefined));
  for (const withOriginal of [true, false]) {
    const text = docs
      .map((d) => {
        const copy = structuredClone(d) as Record<string, unknown> & { event?: Record<string, unknown> };
        if (!withOriginal && copy.event) delete copy.event.original;
        return JSON.stringify(copy);
      })
      .join('\n');
    const back = readText(text, 'synthetic-ecs.ndjson');
    assert.equal(back.quarantined.length, 0, `${withOriginal}: ${JSON.stringify(back.quarantined[0])}`);
    assert.deepEqual(
      back.events.map((e) => [e.format, e.kind, e.id]),
      events.map((e) => ['ecs', e.kind, e.id]),
      `with event.original: ${withOriginal}`,
    );
  }
});

test('azure.platformlogs ECS documents (no event.original) rebuild the AKS record', async () => {
  const { events } = await readAll([corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json')]);
  const docs = events.map((e) => {
    const d = structuredClone(ecsDocument(e, 'azure.platformlogs')) as Record<string, unknown> & {
      event?: Record<string, unknown>;
    };
    if (d.event) delete d.event.original;
    return JSON.stringify(d);
  });
  const back = readText(docs.join('\n'), 'synthetic-platformlogs.ndjson');
  assert.equal(back.quarantined.length, 0, JSON.stringify(back.quarantined[0]));
  assert.deepEqual(
    back.events.map((e) => [e.format, e.provider, e.category, e.id, e.cluster?.name]),
    events.map((e) => ['ecs', 'aks', 'kube-audit', e.id, e.cluster?.name]),
  );
});
