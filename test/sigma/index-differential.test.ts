import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Alert } from '../../src/alerts/alert.js';
import { createSigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import { createIndexedScan } from '../../src/engine/indexed-scan.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus } from '../corpus.js';
import { falco, panther, run } from './events.js';

/** Every corpus event (Falco captures and Panther payloads) through every SigmaHQ rule: indexed == naive. */
function corpusEvents(): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (const n of readdirSync(corpus('falcosecurity-falco-k8s_audit')))
    if (n.endsWith('.json')) {
      try {
        out.push(falco(n));
      } catch {
        // a sample that is not one JSON object per line is not an audit Event
      }
    }
  for (const f of ['aks-kube-audit', 'eks-audit', 'azure-monitor-activity', 'gke-k8s-io']) {
    const file = `${f}.rule-tests.jsonl`;
    const lines = readFileSync(corpus(`panther-analysis/${file}`), 'utf8')
      .split('\n')
      .filter(Boolean).length;
    for (let i = 1; i <= lines; i++) {
      try {
        out.push(panther(file, i));
      } catch {
        // rows that are not Kubernetes payloads (other Panther log types)
      }
    }
  }
  return out;
}

function loadAll() {
  const loader = createSigmaLoader();
  const dirs = ['application/kubernetes/audit', 'cloud/azure/activity_logs', 'cloud/gcp/audit'];
  return dirs.flatMap((d) => {
    const dir = corpus(join('sigmahq-rules/rules', d));
    return readdirSync(dir).flatMap(
      (n) => loader.load(join(dir, n), readFileSync(join(dir, n), 'utf8')).detections,
    );
  });
}

const key = (a: Alert) => `${a.rule.id} ${a.events.map((e) => e.id).join(',')}`;

test('indexed scan raises exactly the alerts of the naive scan over the whole corpus', () => {
  const events = corpusEvents();
  assert.ok(events.length > 300, `events: ${events.length}`);
  const naive = run(loadAll(), events).alerts.map(key).sort();
  const got: Alert[] = [];
  const scan = createIndexedScan(loadAll(), { emit: (a: Alert) => got.push(a), report: () => {} });
  for (const ev of events) scan.push(ev);
  scan.flush();
  assert.ok(naive.length > 20, `alerts: ${naive.length}`);
  assert.deepEqual(got.map(key).sort(), naive);
});
