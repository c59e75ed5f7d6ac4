import type { AuditEvent } from '../model/event.js';

/**
 * GKE Cloud Audit Logs values. The ingest keeps the LogEntry in `envelope` (its protoPayload may
 * have `request`/`response` removed, since they live in `audit.requestObject`/`responseObject`);
 * when the LogEntry is missing, the values are rebuilt from the converted audit Event.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The LogEntry `protoPayload` kept in the envelope, if any.
 * @example gkeProtoPayload(gkeEvent)?.methodName === 'io.k8s.get'
 */
export function gkeProtoPayload(ev: AuditEvent): Obj | undefined {
  const p = ev.envelope?.protoPayload;
  return isObj(p) ? p : undefined;
}

/**
 * `protoPayload.methodName` (`io.k8s.core.v1.pods.exec.create`), or the same grammar rebuilt from
 * the audit Event: `io.k8s.<group|core>.<version>.<resource>[.<subresource>].<verb>`; GKE writes
 * RBAC groups without the `.k8s.io` suffix in reverse (`io.k8s.authorization.rbac.v1...`).
 * @example gkeMethodName(ev) === 'io.k8s.core.v1.secrets.create'
 */
export function gkeMethodName(ev: AuditEvent): string | undefined {
  const m = gkeProtoPayload(ev)?.methodName;
  if (typeof m === 'string') return m;
  const a = ev.audit;
  if (!a?.verb) return undefined;
  const ref = a.objectRef;
  if (!ref?.resource) return 'io.k8s.' + a.verb;
  const group = ref.apiGroup ? gkeGroup(ref.apiGroup) : 'core';
  const parts = ['io', 'k8s', group, ref.apiVersion ?? 'v1', ref.resource];
  if (ref.subresource) parts.push(ref.subresource);
  parts.push(a.verb);
  return parts.join('.');
}

/** `rbac.authorization.k8s.io` -> `authorization.rbac`, `apps` -> `apps` (GKE's method name group form). */
function gkeGroup(apiGroup: string): string {
  const g = apiGroup.endsWith('.k8s.io') ? apiGroup.slice(0, -'.k8s.io'.length) : apiGroup;
  return g.split('.').reverse().join('.');
}

/**
 * `protoPayload.resourceName`, or the same rebuilt: `<group|core>/<version>/namespaces/<ns>/<resource>/<name>[/<sub>]`.
 * @example gkeResourceName(ev) === 'core/v1/namespaces/default/pods/nginx'
 */
export function gkeResourceName(ev: AuditEvent): string | undefined {
  const r = gkeProtoPayload(ev)?.resourceName;
  if (typeof r === 'string') return r;
  const a = ev.audit;
  const ref = a?.objectRef;
  if (!ref?.resource) {
    const uri = a?.requestURI;
    return uri ? uri.replace(/^\//, '').split('?')[0] : undefined;
  }
  const parts = [ref.apiGroup || 'core', ref.apiVersion ?? 'v1'];
  if (ref.namespace) parts.push('namespaces', ref.namespace);
  parts.push(ref.resource);
  if (ref.name) parts.push(ref.name);
  if (ref.subresource) parts.push(ref.subresource);
  return parts.join('/');
}
