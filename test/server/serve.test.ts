import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { aksRecord } from '../../src/detect/testing/envelopes.js';
import type { K8sAudit } from '../../src/model/event.js';
import { Wal } from '../../src/server/wal.js';
import { eventList, execEvent, fakeElastic, getEvent, post, start, tempDir, token } from './fixtures.js';

const readNdjson = (path: string): { id: string; rule: { name: string } }[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; rule: { name: string } });

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

test('a webhook EventList batch raises an alert that reaches the NDJSON sink', async () => {
  const tmp = tempDir();
  const out = join(tmp.dir, 'alerts-out.ndjson');
  const s = await start(tmp.dir, { sinks: [{ type: 'ndjson', name: 'file', path: out }] });
  try {
    const r = await post(
      `${s.url}/audit/webhook`,
      eventList([execEvent(1, 'eve@contoso.com'), getEvent(2, 'bob')]),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { records: 2, events: 2, duplicates: 0, quarantined: 0, alerts: 1 });
    await s.service.delivered();
    const lines = readNdjson(out);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.rule.name, 'Kubernetes Exec or Attach Into a Container');
    assert.match(lines[0]?.id ?? '', /^[0-9a-f]{32}$/);
  } finally {
    await s.close();
    tmp.cleanup();
  }
});

test('ingest endpoints reject a missing or wrong token (401) and an oversize body (413)', async () => {
  const tmp = tempDir();
  const s = await start(tmp.dir, { maxBodyBytes: 2048 });
  try {
    const body = eventList([getEvent(1, 'bob')]);
    assert.equal((await post(`${s.url}/audit/webhook`, body, 'wrong-token-0123456789abcdef')).status, 401);
    assert.equal((await post(`${s.url}/ingest`, body, `${token}x`)).status, 401);
    const anon = await fetch(`${s.url}/ingest`, { method: 'POST', body });
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
    const big = eventList(Array.from({ length: 20 }, (_, i) => getEvent(i, 'bob')));
    assert.ok(big.length > 2048);
    assert.equal((await post(`${s.url}/audit/webhook`, big)).status, 413);
    assert.equal((await fetch(`${s.url}/audit/webhook`)).status, 405);
    assert.equal(s.service.detector.window.length, 0, 'nothing from rejected requests was ingested');
  } finally {
    await s.close();
    tmp.cleanup();
  }
});

test('bad records are quarantined on disk and counted by reason; /metrics reports the counts', async () => {
  const tmp = tempDir();
  const s = await start(tmp.dir);
  try {
    const aks = aksRecord(execEvent(7, 'eve@contoso.com') as K8sAudit, 'kube-audit');
    const hub = JSON.stringify({ records: [aks] });
    const r = await post(`${s.url}/ingest`, `${hub}\n{"not": "audit"}\n{broken json\n`);
    assert.deepEqual(await r.json(), { records: 3, events: 1, duplicates: 0, quarantined: 2, alerts: 1 });
    const q = readFileSync(join(tmp.dir, 'quarantine.ndjson'), 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(q.map((l) => (JSON.parse(l) as { reason: string; file: string }).reason).sort(), [
      'malformed-json',
      'unknown-format',
    ]);
    assert.match(q[0] ?? '', /"file":"ingest#1"/);
    const m = await (await fetch(`${s.url}/metrics`)).text();
    assert.equal(metric(m, 'auditscope_records_received_total{endpoint="ingest"}'), 3);
    assert.equal(metric(m, 'auditscope_events_parsed_total{format="aks-diagnostic"}'), 1);
    assert.equal(metric(m, 'auditscope_records_quarantined_total{reason="malformed-json"}'), 1);
    assert.equal(metric(m, 'auditscope_records_quarantined_total{reason="unknown-format"}'), 1);
    assert.equal(
      metric(
        m,
        'auditscope_alerts_total{rule="Kubernetes Exec or Attach Into a Container",severity="medium"}',
      ),
      1,
    );
    assert.equal(metric(m, 'auditscope_request_duration_seconds_count{route="/ingest"}'), 1);
    assert.equal(await (await fetch(`${s.url}/healthz`)).text(), 'ok\n');
  } finally {
    await s.close();
    tmp.cleanup();
  }
});

test('a failing Elasticsearch sink: alerts are spooled, retried, and indexed once', async () => {
  const tmp = tempDir();
  const es = await fakeElastic(2);
  const s = await start(tmp.dir, {
    sinks: [{ type: 'elasticsearch', name: 'es', url: es.url, index: 'auditscope-alerts' }],
  });
  try {
    const r = await post(`${s.url}/audit/webhook`, eventList([execEvent(1, 'eve'), execEvent(2, 'mallory')]));
    assert.equal(r.status, 200, 'ingestion does not wait for the sink');
    await s.service.delivered();
    assert.equal(es.requests, 3);
    assert.equal(es.docs.size, 2);
    assert.equal(es.duplicates, 0);
    for (const [id, doc] of es.docs) assert.deepEqual(doc.alert, { id });
    const m = await (await fetch(`${s.url}/metrics`)).text();
    assert.equal(metric(m, 'auditscope_sink_failures_total{sink="es"}'), 2);
    assert.equal(metric(m, 'auditscope_sink_deliveries_total{sink="es"}'), 2);
    assert.equal(metric(m, 'auditscope_sink_spool_depth{sink="es"}'), 0);
  } finally {
    await s.close();
    await es.close();
    tmp.cleanup();
  }
});

test('a sink down across a restart: the spool survives and delivery resumes once', async () => {
  const tmp = tempDir();
  const es = await fakeElastic(1_000_000);
  const sinks = [{ type: 'elasticsearch', name: 'es', url: es.url }];
  let s = await start(tmp.dir, { sinks });
  await post(`${s.url}/audit/webhook`, eventList([execEvent(1, 'eve')]));
  assert.equal(s.service.sinks[0]?.depth, 1);
  await s.close();
  const healthy = await fakeElastic(0);
  s = await start(tmp.dir, { sinks: [{ type: 'elasticsearch', name: 'es', url: healthy.url }] });
  try {
    await s.service.delivered();
    assert.equal(healthy.docs.size, 1);
    assert.equal(es.docs.size, 0);
  } finally {
    await s.close();
    await es.close();
    await healthy.close();
    tmp.cleanup();
  }
});

test('restarting on the same data directory mid-stream loses and duplicates nothing', async () => {
  const tmp = tempDir();
  const out = join(tmp.dir, 'sink.ndjson');
  const es = await fakeElastic(0);
  const sinks = [
    { type: 'ndjson', name: 'file', path: out },
    { type: 'elasticsearch', name: 'es', url: es.url },
  ];
  const batch1 = eventList([execEvent(1, 'eve'), getEvent(1, 'bob'), execEvent(2, 'eve')]);
  const batch2 = eventList([execEvent(3, 'mallory'), getEvent(2, 'bob')]);
  let s = await start(tmp.dir, { sinks });
  try {
    assert.equal(
      ((await (await post(`${s.url}/audit/webhook`, batch1)).json()) as { alerts: number }).alerts,
      2,
    );
    await s.close();
    s = await start(tmp.dir, { sinks });
    // the API server retries batch1 (it never saw our answer), then sends batch2
    const again = (await (await post(`${s.url}/audit/webhook`, batch1)).json()) as Record<string, number>;
    assert.deepEqual(again, { records: 3, events: 0, duplicates: 3, quarantined: 0, alerts: 0 });
    assert.equal(
      ((await (await post(`${s.url}/audit/webhook`, batch2)).json()) as { alerts: number }).alerts,
      1,
    );
    await s.service.delivered();
    await s.close();
    s = await start(tmp.dir, { sinks });
    await s.service.delivered();
    const ids = readNdjson(out).map((a) => a.id);
    assert.equal(ids.length, 3);
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual([...es.docs.keys()].sort(), [...ids].sort());
    assert.equal(es.duplicates, 0);
    const api = (await (await fetch(`${s.url}/api/alerts`)).json()) as { alerts: unknown[] };
    assert.equal(api.alerts.length, 3);
    assert.equal(s.service.detector.window.length, 5, 'the spool replay rebuilt the in-memory window');
  } finally {
    await s.close();
    await es.close();
    tmp.cleanup();
  }
});

test('a batch spooled but not processed before a crash is processed on restart', async () => {
  const tmp = tempDir();
  const out = join(tmp.dir, 'sink.ndjson');
  // what a crash right after the fsync of the spool (before detection) leaves behind
  const wal = new Wal(join(tmp.dir, 'wal'));
  wal.append('webhook', eventList([execEvent(9, 'eve')]));
  wal.close();
  const s = await start(tmp.dir, { sinks: [{ type: 'ndjson', name: 'file', path: out }] });
  try {
    await s.service.delivered();
    assert.equal(readNdjson(out).length, 1);
  } finally {
    await s.close();
    tmp.cleanup();
  }
});

test('scheduled KQL rules run on the tick, and a second tick does not repeat their alerts', async () => {
  const tmp = tempDir();
  const s = await start(tmp.dir);
  try {
    const ev = execEvent(4, 'eve') as Record<string, unknown> & { objectRef: Record<string, unknown> };
    ev.objectRef = { ...ev.objectRef, namespace: 'kube-system', name: 'coredns-abc' };
    await post(`${s.url}/ingest`, JSON.stringify(aksRecord(ev as K8sAudit, 'kube-audit')));
    const names = async () =>
      ((await (await fetch(`${s.url}/api/alerts`)).json()) as { alerts: { rule: { name: string } }[] }).alerts
        .map((a) => a.rule.name)
        .sort();
    const kusto = 'AKS Exec Into a kube-system Pod (CloudAuditEvents)';
    assert.ok(!(await names()).includes(kusto), 'scheduled rules wait for the tick');
    assert.equal(await s.service.tick(), 1);
    assert.ok((await names()).includes(kusto));
    await post(`${s.url}/ingest`, JSON.stringify(aksRecord(getEvent(5, 'bob') as K8sAudit, 'kube-audit')));
    assert.equal(await s.service.tick(), 0);
    assert.equal((await names()).filter((n) => n === kusto).length, 1);
  } finally {
    await s.close();
    tmp.cleanup();
  }
});

test('the chat webhook sink posts the alerts as JSON with a text summary', async () => {
  const { createServer } = await import('node:http');
  const got: { text: string; alerts: { id: string }[] }[] = [];
  const chat = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push(JSON.parse(body) as (typeof got)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => chat.listen(0, '127.0.0.1', () => r()));
  const port = (chat.address() as import('node:net').AddressInfo).port;
  const tmp = tempDir();
  const s = await start(tmp.dir, {
    sinks: [{ type: 'webhook', name: 'chat', url: `http://127.0.0.1:${port}/hook` }],
  });
  try {
    await post(`${s.url}/audit/webhook`, eventList([execEvent(1, 'eve@contoso.com')]));
    await s.service.delivered();
    assert.equal(got.length, 1);
    assert.equal(got[0]?.alerts.length, 1);
    assert.equal(got[0]?.text, '[medium] Kubernetes Exec or Attach Into a Container (eve@contoso.com)');
  } finally {
    await s.close();
    await new Promise<void>((r) => chat.close(() => r()));
    tmp.cleanup();
  }
});
