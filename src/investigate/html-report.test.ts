import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readText } from '../ingest/ingest.js';
import { coverageOf } from './coverage.js';
import { escapeHtml, renderHtmlReport } from './html-report.js';
import { rbacOf } from './rbac.js';
import { TimelineBuilder } from './timeline.js';

test('escapeHtml escapes the five special characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('hostile values from the logs are escaped everywhere in the report (synthetic event)', () => {
  const evil = '<script>alert(1)</script>';
  const line = JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'x1',
    stage: 'ResponseComplete',
    verb: 'get',
    user: { username: evil },
    userAgent: '"><img src=x onerror=alert(1)>',
    objectRef: { resource: 'secrets', namespace: evil, name: evil },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-01-01T00:00:00Z',
    stageTimestamp: '2026-01-01T00:00:00Z',
  });
  const events = readText(line, 'synthetic.log').events;
  const tl = new TimelineBuilder({ user: [evil] });
  for (const ev of events) tl.add(ev);
  const html = renderHtmlReport({
    title: `report ${evil}`,
    generatedAt: '2026-01-01T00:00:00Z',
    inputs: [evil],
    ingestSummary: evil,
    rulesLoaded: 0,
    alerts: [],
    incidents: [],
    timelineUsers: [evil],
    timeline: tl.rows(),
    coverage: coverageOf(events, Date.parse('2026-01-02T00:00:00Z')),
    rbac: rbacOf(events),
  });
  assert.ok(!html.includes('<script'), 'no script element');
  assert.ok(!html.includes('<img'), 'no injected element');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external assets');
  assert.match(html, /who read secrets/);
});
