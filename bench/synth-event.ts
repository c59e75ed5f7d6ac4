/**
 * SYNTHETIC DATA. Turns a generated request into an `audit.k8s.io/v1` Event (keys in the API
 * server's order) and wraps it in a delivery format: raw audit JSON Lines, or the AKS storage-blob
 * diagnostic record whose `properties.log` holds the Event as an escaped string (with `\/` and a
 * trailing `\n`, top-level `{ "k": v, ... }` spacing as real blobs have).
 */
import type { Prng } from './prng.js';
import { ipOf } from './synth-actors.js';
import type { Request } from './synth-audit.js';

/** ISO-8601 UTC time from epoch microseconds, with `digits` fractional digits (6 or 9). */
export function isoMicros(us: number, digits: 6 | 9, extraNanos = 0): string {
  const ms = Math.floor(us / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = String(Math.floor(us % 1_000_000)).padStart(6, '0');
  return `${base}.${digits === 6 ? frac : frac + String(extraNanos % 1000).padStart(3, '0')}Z`;
}

/**
 * The audit Event for a request received at `receivedUs` (epoch microseconds).
 * @example auditEvent(req, prng, Date.UTC(2026, 10, 20) * 1000)
 */
export function auditEvent(req: Request, r: Prng, receivedUs: number): Record<string, unknown> {
  const latency =
    req.verb === 'watch'
      ? 300_000_000 + r.int(300_000_000)
      : 800 + r.int(req.code === 101 ? 5_000_000 : 25_000);
  const a = req.actor;
  const user: Record<string, unknown> =
    req.code === 401
      ? {}
      : {
          username: a.username,
          ...(a.uid ? { uid: a.uid } : {}),
          groups: a.groups,
          ...(a.extra ? { extra: a.extra } : {}),
        };
  const responseStatus: Record<string, unknown> =
    req.code === 401
      ? { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }
      : req.code === 403
        ? {
            metadata: {},
            status: 'Failure',
            message: req.reason ?? 'forbidden',
            reason: 'Forbidden',
            details: { kind: req.objectRef?.resource },
            code: 403,
          }
        : { metadata: {}, code: req.code };
  const ev: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: req.level,
    auditID: r.uuid(),
    stage: 'ResponseComplete',
    requestURI: req.uri,
    verb: req.verb,
    user,
  };
  if (req.impersonate) ev.impersonatedUser = req.impersonate;
  ev.sourceIPs = [ipOf(a, r)];
  ev.userAgent = r.pick(a.userAgents);
  if (req.objectRef) ev.objectRef = req.objectRef;
  ev.responseStatus = responseStatus;
  if (req.requestObject !== undefined && req.level !== 'Metadata') ev.requestObject = req.requestObject;
  if (req.responseObject !== undefined && req.level === 'RequestResponse')
    ev.responseObject = req.responseObject;
  ev.requestReceivedTimestamp = isoMicros(receivedUs, 6);
  ev.stageTimestamp = isoMicros(receivedUs + latency, 6);
  if (req.code !== 401) {
    const reason =
      req.code === 403
        ? ''
        : (req.reason ??
          (a.groups.includes('system:masters')
            ? ''
            : `RBAC: allowed by ClusterRoleBinding "${bindingFor(a.username)}" of ClusterRole "${bindingFor(a.username)}" to ${a.username.startsWith('system:serviceaccount:') ? 'ServiceAccount' : 'User'} "${a.username}"`));
    ev.annotations = {
      'authorization.k8s.io/decision': req.code === 403 ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': reason,
      ...(req.objectRef?.resource === 'pods' && req.verb === 'create' && !req.objectRef.subresource
        ? { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' }
        : {}),
    };
  }
  return ev;
}

function bindingFor(username: string): string {
  if (username.startsWith('system:node:')) return 'system:node';
  if (username.startsWith('system:serviceaccount:kube-system:'))
    return `system:controller:${username.slice(34)}`;
  if (username.startsWith('system:')) return username;
  return 'contoso-developers';
}

/** A synthetic AKS cluster the records belong to. */
export interface AksCluster {
  readonly resourceId: string;
  readonly pod: string;
  readonly containerID: string;
}

export function aksClusters(r: Prng): AksCluster[] {
  const sub = r.uuid().toUpperCase();
  return ['AKS-PROD-WEU', 'AKS-PROD-NEU'].map((name) => ({
    resourceId: `/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/RG-${name}/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/${name}`,
    pod: `kube-apiserver-${r.hex(10)}-${r.suffix(5)}`,
    containerID: r.hex(64),
  }));
}

/**
 * One AKS storage-blob line (`insights-logs-kube-audit`, JSON Lines) holding `ev`.
 * @example aksLine(ev, cluster, '2026-11-20T10:00:00.123456789Z')
 */
export function aksLine(ev: Record<string, unknown>, cluster: AksCluster, time: string): string {
  // Real blobs escape '/' as '\/' in the serialized log string, and the log ends with '\n'.
  const log = JSON.stringify(`${JSON.stringify(ev)}\n`).replaceAll('/', '\\/');
  const properties = `{"pod":${JSON.stringify(cluster.pod)},"containerID":"${cluster.containerID}","log":${log},"stream":"stdout"}`;
  return `{ "category": "kube-audit", "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read", "properties": ${properties}, "resourceId": "${cluster.resourceId}", "serviceBuild": "na", "time": "${time}"}`;
}
