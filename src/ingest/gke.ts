import type { ClusterRef, K8sAudit, K8sObjectRef, SourceFormat } from '../model/event.js';
import { emitAudit } from './audit-event.js';
import { type Emitter, isObject } from './emitter.js';

/**
 * GKE Cloud Audit Logs LogEntries with `protoPayload.serviceName == "k8s.io"` (formats.md §4b),
 * converted to an audit Event as the Falco k8saudit-gke plugin and the Elastic pipeline do:
 * verb = last dotted segment of `methodName`; objectRef from `resourceName`; level/stage
 * synthesized (exec/attach/portforward: Request/ResponseStarted/101, else
 * RequestResponse/ResponseComplete); the gRPC `status.code` mapped to HTTP (0 -> 201 for create,
 * else 200); insertId -> auditID; timestamp -> stageTimestamp; receiveTimestamp ->
 * requestReceivedTimestamp; labels -> annotations. The whole LogEntry is kept as the envelope so
 * rules on `protoPayload.*` still read it.
 */

/** True when `o` is a Cloud Audit LogEntry (any service). */
export const isGcpLogEntry = (o: Record<string, unknown>): boolean => isObject(o.protoPayload);

/** gRPC status code -> the HTTP code the API server would have returned. */
const grpcToHttp: Readonly<Record<number, number>> = {
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

const streamingSubresources = new Set(['exec', 'attach', 'portforward', 'proxy']);

export function emitGke(
  em: Emitter,
  o: Record<string, unknown>,
  format: SourceFormat,
  raw: string,
  line: number,
  index: number,
): void {
  const pp = o.protoPayload as Record<string, unknown>;
  const method = typeof pp.methodName === 'string' ? pp.methodName : '';
  // Trimmed samples may omit serviceName; an `io.k8s.` method is still a Kubernetes call.
  if (pp.serviceName !== 'k8s.io' && !(pp.serviceName === undefined && method.startsWith('io.k8s.'))) {
    em.reject(line, 'not-audit', `GCP audit entry of service '${String(pp.serviceName)}', not k8s.io`, raw);
    return;
  }
  const verb = method.slice(method.lastIndexOf('.') + 1);
  const resourceName = typeof pp.resourceName === 'string' ? pp.resourceName : '';
  const objectRef = parseResourceName(resourceName);
  const streaming = objectRef?.subresource !== undefined && streamingSubresources.has(objectRef.subresource);
  const status = isObject(pp.status) ? pp.status : {};
  const grpc = typeof status.code === 'number' ? status.code : 0;
  const code = grpc !== 0 ? (grpcToHttp[grpc] ?? 500) : streaming ? 101 : verb === 'create' ? 201 : 200;
  const authn = isObject(pp.authenticationInfo) ? pp.authenticationInfo : {};
  const meta = isObject(pp.requestMetadata) ? pp.requestMetadata : {};
  const responseStatus: K8sAudit['responseStatus'] = { metadata: {}, code };
  if (typeof status.message === 'string' && status.message !== '') responseStatus.message = status.message;
  const a: K8sAudit = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: streaming ? 'Request' : 'RequestResponse',
    auditID: typeof o.insertId === 'string' ? o.insertId : undefined,
    stage: streaming && grpc === 0 ? 'ResponseStarted' : 'ResponseComplete',
    requestURI: requestUri(resourceName),
    verb,
    user: { username: typeof authn.principalEmail === 'string' ? authn.principalEmail : undefined },
    sourceIPs: typeof meta.callerIp === 'string' ? [meta.callerIp] : [],
    userAgent: typeof meta.callerSuppliedUserAgent === 'string' ? meta.callerSuppliedUserAgent : undefined,
    objectRef,
    responseStatus,
    requestObject: pp.request,
    responseObject: pp.response,
    requestReceivedTimestamp: typeof o.receiveTimestamp === 'string' ? o.receiveTimestamp : undefined,
    stageTimestamp: typeof o.timestamp === 'string' ? o.timestamp : undefined,
    annotations: isObject(o.labels) ? (o.labels as Record<string, string>) : undefined,
  };
  for (const k in a) if (a[k] === undefined) delete a[k];
  const logName = typeof o.logName === 'string' ? o.logName : '';
  const logAt = logName.indexOf('/logs/');
  emitAudit(
    em,
    a,
    format,
    'gke',
    o,
    gkeCluster(o),
    logAt >= 0 ? decodeURIComponent(logName.slice(logAt + 6)) : undefined,
    o.timestamp,
    raw,
    line,
    index,
  );
}

/**
 * `<group|core>/<version>/namespaces/<ns>/<resource>/<name>[/<sub>]`, the cluster-scoped
 * `<group>/<version>/<resource>/<name>[/<sub>]`, or a non-resource path (`readyz`) -> undefined.
 * @example parseResourceName('core/v1/namespaces/default/pods/web/exec') // { apiGroup: '', apiVersion: 'v1', namespace: 'default', resource: 'pods', name: 'web', subresource: 'exec' }
 */
export function parseResourceName(resourceName: string): K8sObjectRef | undefined {
  const parts = resourceName.split('/');
  if (parts.length < 3 || !/^v\d/.test(parts[1]!)) return undefined;
  const ref: K8sObjectRef = { apiGroup: parts[0] === 'core' ? '' : parts[0]!, apiVersion: parts[1]! };
  let rest = parts.slice(2);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ref.namespace = rest[1]!;
    rest = rest.slice(2);
  }
  ref.resource = rest[0]!;
  if (rest[1] !== undefined) ref.name = rest[1];
  if (rest[2] !== undefined) ref.subresource = rest[2];
  if (ref.resource === 'namespaces' && ref.name !== undefined && ref.namespace === undefined)
    ref.namespace = ref.name;
  return ref;
}

function requestUri(resourceName: string): string {
  if (resourceName.startsWith('core/')) return `/api/${resourceName.slice(5)}`;
  const slash = resourceName.indexOf('/');
  if (slash > 0 && /^v\d/.test(resourceName.slice(slash + 1))) return `/apis/${resourceName}`;
  return `/${resourceName}`;
}

function gkeCluster(o: Record<string, unknown>): ClusterRef | undefined {
  const res = isObject(o.resource) ? o.resource : undefined;
  const labels = res && isObject(res.labels) ? (res.labels as Record<string, string>) : undefined;
  if (!labels) return undefined;
  const { project_id: project, location, cluster_name: name } = labels;
  const out: { id?: string; name?: string; project?: string; location?: string } = {};
  if (project && location && name) out.id = `projects/${project}/locations/${location}/clusters/${name}`;
  if (name) out.name = name;
  if (project) out.project = project;
  if (location) out.location = location;
  return out;
}
