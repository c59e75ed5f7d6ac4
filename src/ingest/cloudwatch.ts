import type { ClusterRef, K8sAudit } from '../model/event.js';
import { emitAudit, isAuditEvent } from './audit-event.js';
import { type Emitter, isObject } from './emitter.js';
import { fromEpochMs } from './time.js';

/**
 * EKS control-plane audit through CloudWatch Logs (formats.md §4a):
 * - `aws logs filter-log-events` / `get-log-events` output `{"events":[{logStreamName, timestamp,
 *   message, ingestionTime, eventId}], …}`;
 * - subscription-filter payloads `{"messageType","owner","logGroup","logStream","logEvents":[…]}`
 *   (gzip+base64 lines are decoded by the reader before they get here);
 * - S3 export lines `<ISO ts> <message>` (see `emitEksMessage`).
 * Messages cut by CloudWatch end with `[Truncated...]`: quarantined as `truncated`, with the
 * auditID read from the text so the loss can be traced.
 */

/** True for a CloudWatch batch: a subscription payload or filter/get-log-events output. */
export function isCloudWatchBatch(o: Record<string, unknown>): boolean {
  if (Array.isArray(o.logEvents)) return true;
  const ev = o.events;
  if (!Array.isArray(ev)) return false;
  const first: unknown = ev[0];
  return (
    o.searchedLogStreams !== undefined ||
    o.nextForwardToken !== undefined ||
    (isObject(first) && typeof first.message === 'string' && first.timestamp !== undefined)
  );
}

/** Log group `/aws/eks/<cluster>/cluster` -> the cluster. */
export function eksCluster(logGroup: unknown): ClusterRef | undefined {
  if (typeof logGroup !== 'string') return undefined;
  const m = /^\/aws\/eks\/([^/]+)\/cluster$/.exec(logGroup);
  return m ? { id: logGroup, name: m[1]! } : { id: logGroup };
}

export function emitCloudWatch(em: Emitter, o: Record<string, unknown>, raw: string, line: number): void {
  if (o.messageType === 'CONTROL_MESSAGE') {
    em.record();
    em.reject(line, 'not-audit', 'CloudWatch Logs control message', raw);
    return;
  }
  const items = (Array.isArray(o.logEvents) ? o.logEvents : o.events) as unknown[];
  const cluster = eksCluster(o.logGroup);
  for (let i = 0; i < items.length; i++) {
    em.record();
    const it = items[i];
    if (!isObject(it) || typeof it.message !== 'string') {
      em.reject(line, 'unknown-format', `CloudWatch log event ${i} has no message`, JSON.stringify(it) ?? '');
      continue;
    }
    const env: Record<string, unknown> = {};
    if (o.logGroup !== undefined) env.logGroup = o.logGroup;
    const stream = it.logStreamName ?? o.logStream;
    if (stream !== undefined) env.logStream = stream;
    if (o.owner !== undefined) env.owner = o.owner;
    if (o.messageType !== undefined) env.messageType = o.messageType;
    if (o.subscriptionFilters !== undefined) env.subscriptionFilters = o.subscriptionFilters;
    const eventId = it.eventId ?? it.id;
    if (eventId !== undefined) env.eventId = eventId;
    if (it.timestamp !== undefined) env.timestamp = it.timestamp;
    if (it.ingestionTime !== undefined) env.ingestionTime = it.ingestionTime;
    const fallback = typeof it.timestamp === 'number' ? fromEpochMs(it.timestamp)?.time : undefined;
    emitEksMessage(em, it.message, env, cluster, fallback, line, i);
  }
}

const truncatedMark = '[Truncated...]';

/** One CloudWatch message: the audit Event JSON text (raw = the message). */
export function emitEksMessage(
  em: Emitter,
  msg: string,
  env: Record<string, unknown>,
  cluster: ClusterRef | undefined,
  fallbackTime: string | undefined,
  line: number,
  index: number,
): void {
  const end = msg.trimEnd();
  if (end.endsWith(truncatedMark)) {
    const id = /"auditID"\s*:\s*"([^"]*)"/.exec(msg)?.[1];
    em.reject(line, 'truncated', `EKS audit event truncated by CloudWatch (auditID ${id ?? 'unknown'})`, msg);
    return;
  }
  if (end.charCodeAt(0) !== 123) {
    em.reject(line, 'not-audit', 'CloudWatch message is not JSON (not an audit log stream?)', msg);
    return;
  }
  let a: unknown;
  try {
    a = JSON.parse(msg);
  } catch (e) {
    em.reject(line, 'malformed-json', `CloudWatch message: ${(e as Error).message}`, msg);
    return;
  }
  if (!isObject(a) || !isAuditEvent(a)) {
    em.reject(line, 'unknown-format', 'CloudWatch message is not an audit Event', msg);
    return;
  }
  emitAudit(
    em,
    a as K8sAudit,
    'eks-cloudwatch',
    'eks',
    env,
    cluster,
    undefined,
    fallbackTime,
    msg,
    line,
    index,
  );
}

/**
 * An S3 export line `<ISO-8601 ingestion time> <message>`; false when the line is not one.
 * @example emitS3ExportLine(em, '2024-05-01T10:00:00.000Z {"kind":"Event",…}', 3)
 */
export function emitS3ExportLine(em: Emitter, text: string, line: number): boolean {
  const sp = text.indexOf(' ');
  if (sp < 19 || sp > 40 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 84) return false;
  const msg = text.slice(sp + 1);
  const ts = text.slice(0, sp);
  em.record();
  const env: Record<string, unknown> = { exportTimestamp: ts };
  // CreateExportTask layout: <prefix>/<task id>/<log stream>/000000.gz
  const stream = em.file.split('/').find((seg) => seg.startsWith('kube-apiserver-audit'));
  if (stream) env.logStream = stream;
  emitEksMessage(em, msg, env, undefined, ts, line, 0);
  return true;
}
