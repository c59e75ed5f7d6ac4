import type { ClusterRef, Envelope, K8sAudit, Provider, SourceFormat } from '../model/event.js';
import { type Emitter, makeEvent, tooDeep } from './emitter.js';
import { parseTime } from './time.js';

/**
 * True when `o` is an `audit.k8s.io` Event: `kind: Event` with an audit apiVersion or none (old
 * captures), or no kind at all but an `auditID` and a `verb` or `stage`. A core/v1 Event
 * (`kubectl get events`) has `apiVersion: v1` and is not one.
 * @example isAuditEvent({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', verb: 'get' }) // true
 */
export function isAuditEvent(o: Record<string, unknown>): boolean {
  const kind = o.kind;
  if (kind === 'Event') {
    const v = o.apiVersion;
    if (v === undefined) return o.involvedObject === undefined && o.regarding === undefined;
    return typeof v === 'string' && v.startsWith('audit.k8s.io');
  }
  return (
    kind === undefined && typeof o.auditID === 'string' && (o.verb !== undefined || o.stage !== undefined)
  );
}

/**
 * Turns one audit Event (already parsed) into an AuditEvent and emits it, or quarantines it.
 * Time is `stageTimestamp` (v1beta1: `timestamp`), else `requestReceivedTimestamp`, else the
 * envelope's time (`fallbackTime`); the id is `auditID:stage`, the same whichever feed carried it.
 */
export function emitAudit(
  em: Emitter,
  a: K8sAudit,
  format: SourceFormat,
  provider: Provider,
  envelope: Envelope | undefined,
  cluster: ClusterRef | undefined,
  category: string | undefined,
  fallbackTime: unknown,
  raw: string,
  line: number,
  index: number,
): void {
  const req = a.requestObject;
  const res = a.responseObject;
  if (
    (req !== null && typeof req === 'object' && tooDeep(req, em.maxDepth)) ||
    (res !== null && typeof res === 'object' && tooDeep(res, em.maxDepth))
  ) {
    em.reject(line, 'too-deep', `audit event nests deeper than ${em.maxDepth} levels`, raw);
    return;
  }
  const t =
    parseTime(a.stageTimestamp) ??
    parseTime(a.timestamp) ??
    parseTime(a.requestReceivedTimestamp) ??
    parseTime(fallbackTime) ??
    parseTime((a.metadata as { creationTimestamp?: unknown } | undefined)?.creationTimestamp) ??
    em.fallbackTime;
  if (!t) {
    em.reject(
      line,
      'invalid',
      'audit event has no timestamp (stageTimestamp, requestReceivedTimestamp)',
      raw,
    );
    return;
  }
  const auditID = a.auditID;
  const id =
    typeof auditID === 'string' && auditID !== ''
      ? `${auditID}:${a.stage ?? ''}`
      : `${format}:${em.file}:${line}:${index}`;
  em.emit(
    makeEvent(
      'audit',
      format,
      provider,
      t.time,
      t.ts,
      id,
      a,
      undefined,
      undefined,
      envelope,
      cluster,
      category,
      raw,
      em.source(line, index),
    ),
  );
}
