import { readFileSync } from 'node:fs';
import type { Alert } from '../../src/alerts/alert.js';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import type { Detection } from '../../src/detect/detection.js';
import type { ActivityRecord, AuditEvent, K8sAudit } from '../../src/model/event.js';
import { corpus } from '../corpus.js';

/**
 * Test events for the Sigma tests, built as AuditEvent objects the way the ingest would (kind,
 * format, provider, audit / activity payload). Corpus readers take real public samples; the
 * `synthetic*` builders make hand-written events and say so in their provenance file name.
 */

let seq = 0;

function base(time: string | undefined, file: string, line: number, raw: string) {
  const t = time ?? '2024-05-01T00:00:00.000Z';
  return {
    time: t,
    ts: Date.parse(t),
    id: `${file}#${line}#${seq++}`,
    raw,
    source: { file, line, index: 0 },
  };
}

/** An audit Event object as a raw `k8s-audit` AuditEvent. */
export function auditEvent(
  a: K8sAudit,
  file = 'synthetic',
  line = 1,
  provider: AuditEvent['provider'] = 'k8s',
): AuditEvent {
  const t = (a.stageTimestamp ?? a.requestReceivedTimestamp) as string | undefined;
  return {
    kind: 'audit',
    format: 'k8s-audit',
    provider,
    audit: a,
    ...base(t, file, line, JSON.stringify(a)),
  };
}

/** The first JSON record of a Falco k8s_audit sample (real minikube capture). */
export function falco(name: string): AuditEvent {
  const path = corpus(`falcosecurity-falco-k8s_audit/${name}`);
  const first = readFileSync(path, 'utf8').split('\n')[0]!;
  return auditEvent(JSON.parse(first) as K8sAudit, path, 1);
}

interface PantherRow {
  test: string;
  expected: boolean;
  log: Record<string, unknown>;
}

/** Line `n` (1-based) of a Panther rule-test file, as the AuditEvent its log payload stands for. */
export function panther(file: string, n: number): AuditEvent {
  const path = corpus(`panther-analysis/${file}`);
  const line = readFileSync(path, 'utf8').split('\n')[n - 1];
  if (!line) throw new Error(`${file}:${n}: no such line`);
  const row = JSON.parse(line) as PantherRow;
  const log = row.log;
  if (file.startsWith('aks-')) {
    const props = log.properties as { log: string };
    const a = JSON.parse(props.log) as K8sAudit;
    return {
      ...auditEvent(a, path, n, 'aks'),
      format: 'aks-diagnostic',
      category: String(log.category ?? 'kube-audit'),
    };
  }
  if (file.startsWith('eks-'))
    return { ...auditEvent(log as K8sAudit, path, n, 'eks'), format: 'eks-cloudwatch' };
  if (file.startsWith('azure-')) return activityEvent(log as ActivityRecord, path, n);
  // GKE LogEntry: the envelope keeps the LogEntry; the audit Event is rebuilt from the method name.
  const proto = log.protoPayload as Record<string, unknown>;
  const method = String(proto.methodName ?? '');
  const verb = method.split('.').pop();
  const a: K8sAudit = {
    kind: 'Event',
    ...(verb ? { verb } : {}),
    requestURI: String(proto.requestURI ?? ''),
  };
  return {
    kind: 'audit',
    format: 'gke-audit',
    provider: 'gke',
    audit: a,
    envelope: log,
    ...base(undefined, path, n, line),
  };
}

export function activityEvent(a: ActivityRecord, file = 'synthetic', line = 1): AuditEvent {
  return {
    kind: 'activity',
    format: 'azure-activity',
    provider: 'azure',
    activity: a,
    ...base(a.time, file, line, JSON.stringify(a)),
  };
}

/** A hand-built GKE event (synthetic): a LogEntry envelope with the given method name. */
export function syntheticGke(methodName: string): AuditEvent {
  const verb = methodName.split('.').pop();
  return {
    kind: 'audit',
    format: 'gke-audit',
    provider: 'gke',
    audit: { kind: 'Event', ...(verb ? { verb } : {}) },
    envelope: {
      protoPayload: { methodName, serviceName: 'k8s.io' },
      logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
    },
    ...base(undefined, 'synthetic-gke', 1, methodName),
  };
}

/** Runs detections over events (in order) and returns the alerts and runtime reports. */
export function run(
  detections: readonly Detection[],
  events: readonly AuditEvent[],
): { alerts: Alert[]; reports: Diagnostic[] } {
  const alerts: Alert[] = [];
  const reports: Diagnostic[] = [];
  const runners = detections.map((d) => ({
    d,
    r: d.createRunner({ emit: (a) => alerts.push(a), report: (x) => reports.push(x) }),
  }));
  for (const ev of events) for (const { d, r } of runners) if (d.applies(ev)) r.push(ev);
  for (const { r } of runners) r.flush();
  return { alerts, reports };
}

/** A synthetic Sigma rule around a detection block (YAML text, indented by 4 under `detection:`). */
export function sigmaRule(
  detection: string,
  extra = '',
  logsource = 'product: kubernetes\n    service: audit',
): string {
  const det = detection
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `title: synthetic test rule\nid: 00000000-0000-4000-8000-000000000001\nstatus: test\nlevel: high\n${extra}logsource:\n    ${logsource}\ndetection:\n${det}\n`;
}
