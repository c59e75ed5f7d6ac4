import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server/index.js';
import { eventList, execEvent, getEvent, post, start, tempDir } from './fixtures.js';

interface HuntJson {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  diagnostics: { code: string; severity: string; line?: number; col?: number; start?: number }[];
  render?: { chart: string };
  source: string;
}

describe('the JSON API', () => {
  let s: RunningServer;
  const tmp = tempDir();
  const api = async <T>(path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const res = await fetch(
      `${s.url}${path}`,
      body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
    );
    return { status: res.status, json: (await res.json()) as T };
  };

  before(async () => {
    s = await start(tmp.dir);
    const items = [
      execEvent(1, 'eve@contoso.com'),
      { ...execEvent(2, 'mallory@contoso.com', 5), sourceIPs: ['192.0.2.77'] },
      getEvent(3, 'eve@contoso.com'),
    ];
    assert.equal((await post(`${s.url}/audit/webhook`, eventList(items))).status, 200);
  });
  after(async () => {
    await s.close();
    tmp.cleanup();
  });

  it('GET /api/alerts filters by severity, rule, user and since', async () => {
    type R = { alerts: { rule: { name: string; severity: string; note?: string } }[]; total: number };
    assert.equal((await api<R>('/api/alerts')).json.alerts.length, 2);
    assert.equal((await api<R>('/api/alerts?severity=medium')).json.alerts.length, 2);
    assert.equal((await api<R>('/api/alerts?severity=high,critical')).json.alerts.length, 0);
    assert.equal((await api<R>('/api/alerts?rule=exec')).json.alerts.length, 2);
    assert.equal((await api<R>('/api/alerts?user=Eve@contoso.com')).json.alerts.length, 1);
    assert.equal((await api<R>('/api/alerts?since=2026-11-20T10:03:00Z')).json.alerts.length, 1);
    assert.equal((await api<R>('/api/alerts?since=yesterday')).status, 400);
    assert.ok(
      (await api<R>('/api/alerts')).json.alerts[0]?.rule.note,
      'alerts carry the investigation guide',
    );
  });

  it('GET /api/incidents groups alerts by shared entities', async () => {
    const r = await api<{ incidents: { alerts: string[]; entities: { users?: string[] } }[] }>(
      '/api/incidents',
    );
    assert.equal(r.json.incidents.length, 2);
    assert.deepEqual(r.json.incidents.map((i) => i.entities.users?.[0]).sort(), [
      'eve@contoso.com',
      'mallory@contoso.com',
    ]);
  });

  it('POST /api/hunt runs KQL over the events received, with column types and render', async () => {
    const q =
      'CloudAuditEvents | summarize n = count() by OperationName | order by n desc | render columnchart';
    const r = await api<HuntJson>('/api/hunt', { query: q });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.columns, [
      { name: 'OperationName', type: 'string' },
      { name: 'n', type: 'long' },
    ]);
    assert.deepEqual(r.json.rows, [
      { OperationName: 'create', n: 2 },
      { OperationName: 'get', n: 1 },
    ]);
    assert.equal(r.json.render?.chart, 'columnchart');
    assert.equal(r.json.source, 'window');
    const pinned = await api<HuntJson>('/api/hunt', {
      query: 'CloudAuditEvents | where Timestamp > ago(1m) | count',
      now: '2026-11-20T10:05:30Z',
    });
    assert.deepEqual(pinned.json.rows, [{ Count: 1 }]);
  });

  it('POST /api/hunt reports diagnostics with line and column', async () => {
    const r = await api<HuntJson>('/api/hunt', { query: 'CloudAuditEvents\n| where Nope == 1' });
    assert.equal(r.status, 200);
    const d = r.json.diagnostics.find((x) => x.severity === 'error');
    assert.ok(d);
    assert.equal(d.line, 2);
    assert.equal(d.col, 9);
    assert.equal(r.json.rows.length, 0);
    assert.equal((await api<{ error: string }>('/api/hunt', { nope: 1 })).status, 400);
  });

  it('GET /api/schema lists tables, typed columns and RawEventData paths', async () => {
    const r = await api<{
      tables: { name: string; columns: { name: string; type: string }[] }[];
      rawEventDataPaths: string[];
    }>('/api/schema');
    const cae = r.json.tables.find((t) => t.name === 'CloudAuditEvents');
    assert.ok(cae?.columns.some((c) => c.name === 'RawEventData' && c.type === 'dynamic'));
    assert.ok(r.json.rawEventDataPaths.includes('ObjectRef.subresource'));
    assert.ok(r.json.rawEventDataPaths.includes('User.groups'));
  });

  it('GET /api/timeline returns one actor’s events oldest first', async () => {
    const r = await api<{ rows: { actor: string; action: string; time: string }[] }>(
      '/api/timeline?user=eve@contoso.com',
    );
    assert.deepEqual(
      r.json.rows.map((x) => x.action),
      ['get', 'create'],
    );
    assert.equal((await api<unknown>('/api/timeline')).status, 400);
  });

  it('saves a hunt, lists it, and schedules it as a detection that raises alerts', async () => {
    const query = 'CloudAuditEvents | where OperationName == "create" | project Timestamp, OperationName';
    assert.equal((await api<unknown>('/api/saved-hunts', { name: 'creates', query })).status, 201);
    assert.equal((await api<unknown>('/api/saved-hunts', { name: '../evil', query })).status, 400);
    const list = await api<{ hunts: { name: string; query: string; builtin: boolean }[] }>(
      '/api/saved-hunts',
    );
    assert.deepEqual(
      list.json.hunts.filter((h) => !h.builtin),
      [{ name: 'creates', description: '', query, builtin: false }],
    );
    assert.ok(list.json.hunts.some((h) => h.builtin && h.name === 'aks-audit-30d'));
    const r = await api<{ id: string; alerts: number; file: string }>('/api/detections', {
      hunt: 'creates',
      severity: 'high',
      frequency: '5m',
      period: '1h',
    });
    assert.equal(r.status, 201);
    assert.equal(r.json.id, 'hunt-creates');
    assert.ok(r.json.alerts >= 1);
    assert.ok(existsSync(r.json.file));
    assert.match(
      readFileSync(r.json.file, 'utf8'),
      /^\/\/ name: creates\n\/\/ id: hunt-creates\n\/\/ severity: high/,
    );
    const alerts = await api<{ alerts: { rule: { id: string } }[] }>('/api/alerts?rule=hunt-creates');
    assert.equal(alerts.json.alerts.length, r.json.alerts);
    assert.equal((await api<unknown>('/api/detections', { hunt: 'missing' })).status, 404);
  });

  it('rejects a hunt that cannot become a detection, with diagnostics', async () => {
    await api<unknown>('/api/saved-hunts', { name: 'broken', query: 'CloudAuditEvents | where Nope == 1' });
    const r = await api<{ error: string; diagnostics: { code: string }[] }>('/api/detections', {
      hunt: 'broken',
    });
    assert.equal(r.status, 400);
    assert.ok(r.json.diagnostics.length > 0);
  });

  it('serves the web UI with a strict content security policy, and nothing outside web/', async () => {
    const res = await fetch(`${s.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await res.text(), /<script type="module" src="app.js">/);
    assert.equal(
      (await fetch(`${s.url}/app.js`)).headers.get('content-type'),
      'text/javascript; charset=utf-8',
    );
    assert.equal((await fetch(`${s.url}/..%2fpackage.json`)).status, 404);
    assert.equal((await fetch(`${s.url}/%2e%2e/src/server/server.ts`)).status, 404);
  });
});
