import { readFileSync } from 'node:fs';
import type { ActivityRecord, AuditEvent, K8sAudit, Provider } from '../../src/model/event.js';
import { corpus } from '../corpus.js';

/**
 * A small local stand-in for src/ingest (written in parallel): builds AuditEvents from corpus
 * records the way the ingest contract describes (raw Event; AKS record with `properties.log`
 * parsed and the rest kept as envelope; Activity record; GKE LogEntry converted Falco/Elastic
 * style). Only the views' tests use it.
 */

type Obj = Record<string, unknown>;
const source = { file: 'test', line: 1, index: 0 };

/** Reads a corpus file as a list of JSON records (one per non-empty line). */
export function corpusRecords(rel: string): Obj[] {
  return readFileSync(corpus(rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Obj);
}

/** The raw text of a corpus file's line `n` (1-based, counting non-empty lines). */
export function corpusLine(rel: string, n: number): string {
  return readFileSync(corpus(rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim())[n - 1]!;
}

export function fromK8sEvent(
  audit: K8sAudit,
  raw = JSON.stringify(audit),
  provider: Provider = 'k8s',
): AuditEvent {
  const time = String(audit.stageTimestamp ?? audit.timestamp ?? '1970-01-01T00:00:00Z');
  return {
    kind: 'audit',
    format: 'k8s-audit',
    provider,
    time,
    ts: Date.parse(time),
    id: `${audit.auditID}/${audit.stage}`,
    audit,
    raw,
    source,
  };
}

function armCluster(resourceId: string | undefined) {
  const p = (resourceId ?? '').split('/');
  const at = (k: string) => {
    const i = p.findIndex((x) => x.toLowerCase() === k);
    return i >= 0 ? p[i + 1] : undefined;
  };
  return {
    id: resourceId,
    name: p[p.length - 1],
    resourceGroup: at('resourcegroups'),
    subscriptionId: at('subscriptions'),
  };
}

export function fromAksRecord(rec: Obj, raw = JSON.stringify(rec)): AuditEvent {
  const props = (rec.properties ?? {}) as Obj;
  const log = props.log;
  const audit = (typeof log === 'string' ? JSON.parse(log) : log) as K8sAudit;
  const { log: _drop, ...restProps } = props;
  const envelope = { ...rec, properties: restProps };
  const resourceId = rec.resourceId as string | undefined;
  const arc = /connectedclusters/i.test(resourceId ?? '');
  const time = String(rec.time ?? audit.stageTimestamp);
  return {
    kind: 'audit',
    format: 'aks-diagnostic',
    provider: arc ? 'arc' : 'aks',
    time,
    ts: Date.parse(time),
    id: `${audit.auditID}/${audit.stage}`,
    audit,
    envelope,
    cluster: armCluster(resourceId),
    category: rec.category as string,
    raw,
    source,
  };
}

export function fromActivity(rec: ActivityRecord, raw = JSON.stringify(rec)): AuditEvent {
  const arc = /MICROSOFT\.KUBERNETES\//i.test(String(rec.operationName ?? ''));
  const time = String(rec.time ?? '1970-01-01T00:00:00Z');
  return {
    kind: 'activity',
    format: 'azure-activity',
    provider: arc ? 'arc' : 'azure',
    time,
    ts: Date.parse(time),
    id: String(rec.correlationId ?? time),
    activity: rec,
    cluster: armCluster(rec.resourceId),
    category: rec.category,
    raw,
    source,
  };
}

/** GKE LogEntry -> audit Event, following the Elastic kubernetes.audit_logs pipeline and Falco's converter. */
export function fromGkeEntry(entry: Obj, raw = JSON.stringify(entry)): AuditEvent {
  const pp = (entry.protoPayload ?? {}) as Obj;
  const method = String(pp.methodName ?? '');
  const verb = method.split('.').pop();
  const rn = String(pp.resourceName ?? '').split('/');
  const objectRef: Obj = {};
  if (rn.length >= 3) {
    objectRef.apiGroup = rn[0] === 'core' ? '' : rn[0];
    objectRef.apiVersion = rn[1];
    let i = 2;
    if (rn[i] === 'namespaces' && rn.length > i + 2) {
      objectRef.namespace = rn[i + 1];
      i += 2;
    }
    objectRef.resource = rn[i];
    if (rn[i + 1]) objectRef.name = rn[i + 1];
    if (rn[i + 2]) objectRef.subresource = rn[i + 2];
  }
  const auth = (pp.authenticationInfo ?? {}) as Obj;
  const meta = (pp.requestMetadata ?? {}) as Obj;
  const audit: K8sAudit = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: entry.insertId as string,
    stage: 'ResponseComplete',
    verb,
    user: { username: auth.principalEmail as string },
    sourceIPs: meta.callerIp ? [meta.callerIp as string] : undefined,
    userAgent: meta.callerSuppliedUserAgent as string | undefined,
    objectRef: rn.length >= 3 ? objectRef : undefined,
    requestURI: '/' + String(pp.resourceName ?? ''),
    requestObject: pp.request,
    responseObject: pp.response,
    requestReceivedTimestamp: entry.receiveTimestamp as string,
    stageTimestamp: entry.timestamp as string,
    annotations: entry.labels as Record<string, string>,
  };
  const { request: _q, response: _r, ...ppRest } = pp;
  const labels = ((entry.resource as Obj | undefined)?.labels ?? {}) as Obj;
  const time = String(entry.timestamp);
  return {
    kind: 'audit',
    format: 'gke-audit',
    provider: 'gke',
    time,
    ts: Date.parse(time),
    id: `${audit.auditID}`,
    audit,
    envelope: { ...entry, protoPayload: ppRest },
    cluster: {
      name: labels.cluster_name as string,
      project: labels.project_id as string,
      location: labels.location as string,
    },
    raw,
    source,
  };
}
