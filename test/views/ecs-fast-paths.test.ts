import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AuditEvent, K8sAudit } from '../../src/model/event.js';
import { ecsDocument, ecsFieldResolver, ecsGet } from '../../src/views/ecs/ecs-document.js';
import { fastEcsGetter, NEEDS_DOCUMENT } from '../../src/views/ecs/ecs-fast-paths.js';
import { corpus } from '../corpus.js';
import { corpusRecords, fromAksRecord, fromK8sEvent } from './make-events.js';

/**
 * Differential test: the fast ECS getters (reading the audit Event in place) agree with reading the
 * built `kubernetes.audit_logs` document, for every field the Elastic Kubernetes rules use and every
 * audit event of the corpus.
 */

type Obj = Record<string, unknown>;

function ruleFields(): string[] {
  const dir = corpus('elastic-detection-rules/rules/integrations/kubernetes');
  const out = new Set<string>();
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/kubernetes\.audit\.[A-Za-z0-9_./-]+/g))
      out.add(m[0].replace(/[./-]+$/, ''));
  }
  return [...out];
}

const EXTRA_FIELDS = [
  'event.action',
  'event.outcome',
  'event.dataset',
  'data_stream.dataset',
  'user.name',
  'user.id',
  'user_agent.original',
  'source.ip',
  'client.ip',
  'related.ip',
  'orchestrator.namespace',
  'orchestrator.resource.type',
  'orchestrator.resource.name',
  'orchestrator.api_version',
  'kubernetes.audit.requestObject',
  'kubernetes.audit.responseObject',
  'kubernetes.audit.requestObject.metadata.name',
  'kubernetes.audit.objectRef.apiGroup',
  'kubernetes.audit.responseStatus',
  'kubernetes.audit.annotations',
  'kubernetes.audit.annotations.authorization_k8s_io/reason',
  'kubernetes.audit.user.extra',
  'kubernetes.audit.requestObject.spec.template.metadata.labels',
];

function corpusAuditEvents(): AuditEvent[] {
  const evs: AuditEvent[] = [];
  const falcoDir = corpus('falcosecurity-falco-k8s_audit');
  for (const f of readdirSync(falcoDir)) {
    if (!f.endsWith('.json')) continue;
    for (const line of readFileSync(join(falcoDir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as Obj;
      if (typeof o.verb === 'string') evs.push(fromK8sEvent(o as K8sAudit, line));
    }
  }
  for (const r of corpusRecords('datadog-azure-log-forwarding-orchestration/aks_logs.json'))
    evs.push(fromAksRecord(r));
  for (const r of corpusRecords('panther-analysis/aks-kube-audit.rule-tests.jsonl')) {
    const log = r.log as Obj;
    const props = log.properties as Obj | undefined;
    if (typeof props?.log !== 'string' || !props.log.startsWith('{')) continue;
    try {
      JSON.parse(props.log);
    } catch {
      continue;
    }
    evs.push(fromAksRecord(log));
  }
  for (const r of corpusRecords('panther-analysis/eks-audit.rule-tests.jsonl')) {
    const log = r.log as Obj;
    if (typeof log.verb === 'string') evs.push(fromK8sEvent(log as K8sAudit, JSON.stringify(log), 'eks'));
  }
  return evs;
}

test('fast ECS getters == the built document, for every rule field and corpus audit event', () => {
  const fields = [...ruleFields(), ...EXTRA_FIELDS];
  assert.ok(fields.length > 30, `fields: ${fields.length}`);
  const evs = corpusAuditEvents();
  assert.ok(evs.length > 200, `events: ${evs.length}`);
  let compared = 0;
  let defined = 0;
  for (const field of fields) {
    const fast = fastEcsGetter(field);
    if (!fast) continue;
    for (const ev of evs) {
      const v = fast(ev);
      assert.notEqual(v, NEEDS_DOCUMENT);
      const expected = ecsGet(ecsDocument(ev, 'kubernetes.audit_logs'), field);
      assert.deepEqual(v, expected, `${field} on ${ev.id}`);
      compared++;
      if (v !== undefined) defined++;
    }
  }
  assert.ok(compared > 5000 && defined > 1000, `compared ${compared}, defined ${defined}`);
});

test('fields without a fast path still resolve through the document; GKE goes through the document', () => {
  assert.equal(fastEcsGetter('@timestamp'), undefined);
  assert.equal(fastEcsGetter('kubernetes.audit.aks_metadata.category'), undefined);
  const ev = fromAksRecord(corpusRecords('datadog-azure-log-forwarding-orchestration/aks_logs.json')[0]!);
  assert.equal(ecsFieldResolver('kubernetes.audit.aks_metadata.category')(ev), 'kube-audit');
  const gke = { ...fromK8sEvent({ verb: 'get' }), provider: 'gke' as const };
  assert.equal(fastEcsGetter('kubernetes.audit.verb')!(gke), NEEDS_DOCUMENT);
  assert.equal(ecsFieldResolver('kubernetes.audit.verb')(gke), 'get');
});
