import type { K8sAudit, Provider } from '../model/event.js';
import { emitAks, isAksRecord } from './aks-diagnostic.js';
import { emitAudit, isAuditEvent } from './audit-event.js';
import { emitActivity, isActivityRecord } from './azure-activity.js';
import { type Emitter, isObject, parseJsonText } from './emitter.js';
import { emitGke, isGcpLogEntry } from './gke.js';
import { armCluster } from './resource-id.js';

/**
 * ECS documents as Filebeat / Elastic Agent write them (formats.md §7): `kubernetes.audit_logs`,
 * `azure.activitylogs`, `azure.platformlogs`. When `event.original` holds the source record it is
 * read as such; otherwise the canonical payload is rebuilt from `kubernetes.audit.*` (annotation
 * keys `authorization_k8s_io/decision` back to `authorization.k8s.io/decision`, the AKS envelope
 * from `aks_metadata`), `azure.activitylogs.*` or `azure.platformlogs.*`. Format is `ecs`.
 */

/** True for an ECS document of one of the three datasets. */
export function isEcsDoc(o: Record<string, unknown>): boolean {
  if (o['@timestamp'] === undefined) return false;
  const k = o.kubernetes;
  if (isObject(k) && isObject(k.audit)) return true;
  const az = o.azure;
  return isObject(az) && (isObject(az.activitylogs) || isObject(az.platformlogs));
}

const cloudProvider: Readonly<Record<string, Provider>> = { aws: 'eks', gcp: 'gke', azure: 'aks' };

export function emitEcs(
  em: Emitter,
  o: Record<string, unknown>,
  raw: string,
  line: number,
  index: number,
): void {
  const ev = isObject(o.event) ? o.event : {};
  const cloud = isObject(o.cloud) ? o.cloud : {};
  const provider = cloudProvider[String(cloud.provider)] ?? 'k8s';
  const original = typeof ev.original === 'string' ? parseJsonText(ev.original) : undefined;
  if (isObject(original)) {
    if (isAksRecord(original)) {
      emitAks(em, original, 'ecs', raw, line, index);
      return;
    }
    if (isGcpLogEntry(original)) {
      emitGke(em, original, 'ecs', raw, line, index);
      return;
    }
    if (isAuditEvent(original)) {
      emitAudit(
        em,
        original as K8sAudit,
        'ecs',
        provider,
        undefined,
        undefined,
        undefined,
        o['@timestamp'],
        raw,
        line,
        index,
      );
      return;
    }
    if (isActivityRecord(original)) {
      emitActivity(em, original, 'ecs', raw, line, index);
      return;
    }
  }
  const k = o.kubernetes;
  if (isObject(k) && isObject(k.audit)) {
    rebuildAudit(em, o, k.audit, provider, raw, line, index);
    return;
  }
  const az = o.azure as Record<string, unknown>;
  const resource = isObject(az.resource) ? az.resource : {};
  if (isObject(az.platformlogs)) {
    const p = az.platformlogs;
    const rec: Record<string, unknown> = {
      category: p.category,
      operationName: p.operation_name ?? ev.action,
      resourceId: resource.id,
      time: o['@timestamp'],
      properties: isObject(p.properties) ? p.properties : {},
    };
    emitAks(em, rec, 'ecs', raw, line, index);
    return;
  }
  const a = az.activitylogs as Record<string, unknown>;
  const source = isObject(o.source) ? o.source : {};
  const rec: Record<string, unknown> = {
    time: o['@timestamp'],
    resourceId: resource.id,
    operationName: a.operation_name ?? ev.action,
    category: a.category,
    resultType: a.result_type,
    resultSignature: a.result_signature,
    callerIpAddress: source.ip,
    correlationId: az.correlation_id,
    identity: a.identity,
    level: isObject(o.log) ? o.log.level : undefined,
    properties: a.properties,
    tenantId: az.tenant_id ?? a.tenant_id,
  };
  for (const key in rec) if (rec[key] === undefined) delete rec[key];
  emitActivity(em, rec, 'ecs', raw, line, index);
}

function rebuildAudit(
  em: Emitter,
  o: Record<string, unknown>,
  audit: Record<string, unknown>,
  provider: Provider,
  raw: string,
  line: number,
  index: number,
): void {
  const a: Record<string, unknown> = {};
  for (const key in audit) if (key !== 'aks_metadata') a[key] = audit[key];
  if (isObject(audit.annotations)) {
    const ann: Record<string, unknown> = {};
    for (const key in audit.annotations) ann[ecsAnnotationKey(key)] = audit.annotations[key];
    a.annotations = ann;
  }
  if (a.kind === undefined) a.kind = 'Event';
  const md = isObject(audit.aks_metadata) ? audit.aks_metadata : undefined;
  let envelope: Record<string, unknown> | undefined;
  let cluster: ReturnType<typeof armCluster> | undefined;
  let category: string | undefined;
  if (md) {
    provider = 'aks';
    category = typeof md.category === 'string' ? md.category : undefined;
    const props: Record<string, unknown> = {};
    if (md.container_id !== undefined) props.containerID = md.container_id;
    if (md.pod !== undefined) props.pod = md.pod;
    if (md.stream !== undefined) props.stream = md.stream;
    envelope = {
      category: md.category,
      operationName: md.operation_name,
      resourceId: md.resource_id,
      serviceBuild: md.service_build,
      time: md.time,
      properties: props,
    };
    for (const key in envelope) if (envelope[key] === undefined) delete envelope[key];
    if (typeof md.resource_id === 'string') cluster = armCluster(md.resource_id);
  }
  emitAudit(
    em,
    a as K8sAudit,
    'ecs',
    provider,
    envelope,
    cluster,
    category,
    o['@timestamp'],
    raw,
    line,
    index,
  );
}

/**
 * Elastic writes annotation keys with `.` replaced by `_`; the domain part (before the first
 * `/`) is turned back (`authorization_k8s_io/decision` -> `authorization.k8s.io/decision`).
 */
export function ecsAnnotationKey(key: string): string {
  const slash = key.indexOf('/');
  if (slash < 0) return key;
  return key.slice(0, slash).replaceAll('_', '.') + key.slice(slash);
}
