import { CLAIM_OID, CLAIM_UPN } from '../model/azure-claims.js';
import type { AuditEvent, K8sAudit } from '../model/event.js';
import { walk } from '../model/path.js';
import type { Entities } from './alert.js';

/** Workload kinds whose objects are reported as `workloads` (`kind/namespace/name`). */
const workloadResources: Readonly<Record<string, string>> = {
  deployments: 'Deployment',
  daemonsets: 'DaemonSet',
  statefulsets: 'StatefulSet',
  replicasets: 'ReplicaSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
};

/** Where container lists live in the request bodies of pods and workload templates. */
const containerPaths: readonly (readonly string[])[] = [
  ['spec', 'containers'],
  ['spec', 'initContainers'],
  ['spec', 'ephemeralContainers'],
  ['spec', 'template', 'spec', 'containers'],
  ['spec', 'template', 'spec', 'initContainers'],
  ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'],
];

class Bag {
  readonly sets = new Map<string, Set<string>>();
  add(key: string, v: unknown): void {
    if (typeof v !== 'string' || v === '') return;
    let s = this.sets.get(key);
    if (!s) this.sets.set(key, (s = new Set()));
    s.add(v);
  }
  toEntities(): Entities {
    const out: Record<string, string[]> = {};
    for (const [k, s] of this.sets) out[k] = [...s];
    return out;
  }
}

/**
 * The people and things a set of events is about, for an alert: users (and the identities they
 * impersonated), source IPs, clusters (ARM ids lower-cased so AKS and Activity Log records agree),
 * namespaces, workloads (`Kind/namespace/name`), pods (`namespace/name`), container images, and
 * RBAC subjects granted by a binding (`subjects`). Values keep first-seen order, without repeats.
 * @example extractEntities([ev]).users // ['eve@contoso.example']
 */
export function extractEntities(events: readonly AuditEvent[]): Entities {
  const bag = new Bag();
  for (const ev of events) {
    if (ev.audit) fromAudit(bag, ev.audit);
    if (ev.activity) fromActivity(bag, ev.activity);
    if (ev.kubeEvent) fromKubeEvent(bag, ev.kubeEvent);
    const cluster = ev.cluster?.id ?? ev.cluster?.name;
    if (cluster) bag.add('clusters', clusterKey(cluster));
  }
  return bag.toEntities();
}

function fromAudit(bag: Bag, a: K8sAudit): void {
  bag.add('users', a.user?.username);
  bag.add('impersonated', a.impersonatedUser?.username);
  for (const ip of a.sourceIPs ?? []) bag.add('ips', ip);
  const ref = a.objectRef;
  const ns = ref?.namespace;
  bag.add('namespaces', ns);
  const body = isRecord(a.requestObject) ? a.requestObject : undefined;
  const bodyName = body ? walk(body, ['metadata', 'name']) : undefined;
  const responseName = isRecord(a.responseObject) ? walk(a.responseObject, ['metadata', 'name']) : undefined;
  const name = ref?.name ?? (typeof bodyName === 'string' ? bodyName : undefined) ?? responseName;
  if (ref?.resource === 'pods' && typeof name === 'string') bag.add('pods', ns ? `${ns}/${name}` : name);
  const kind = ref?.resource ? workloadResources[ref.resource] : undefined;
  if (kind && typeof name === 'string') bag.add('workloads', `${kind}/${ns ?? ''}/${name}`);
  // The pod a service-account token is bound to: the workload the request really came from.
  const podOfToken = a.user?.extra?.['authentication.kubernetes.io/pod-name']?.[0];
  const saNs = /^system:serviceaccount:([^:]+):/.exec(a.user?.username ?? '')?.[1];
  if (podOfToken && saNs) bag.add('pods', `${saNs}/${podOfToken}`);
  if (body) {
    for (const p of containerPaths) {
      const images = walk(body, [...p, 'image']);
      for (const img of Array.isArray(images) ? images : [images]) bag.add('images', img);
    }
    if (ref?.resource === 'clusterrolebindings' || ref?.resource === 'rolebindings') {
      const subjects = walk(body, ['subjects']);
      for (const s of Array.isArray(subjects) ? subjects : []) {
        if (!isRecord(s) || typeof s.name !== 'string') continue;
        const subject =
          s.kind === 'ServiceAccount'
            ? `system:serviceaccount:${String(s.namespace ?? ns ?? 'default')}:${s.name}`
            : s.name;
        bag.add('subjects', subject);
      }
    }
  }
}

function fromActivity(bag: Bag, r: NonNullable<AuditEvent['activity']>): void {
  const claims = isRecord(r.identity) ? r.identity.claims : undefined;
  if (isRecord(claims)) {
    const user = claims[CLAIM_UPN] ?? claims.upn ?? claims.unique_name ?? claims.appid ?? claims[CLAIM_OID];
    bag.add('users', user);
  }
  const caller = isRecord(r.properties) ? r.properties.caller : undefined;
  if (!bag.sets.get('users')?.size) bag.add('users', caller);
  bag.add('ips', r.callerIpAddress);
  const id = r.resourceId;
  if (typeof id !== 'string') return;
  const m =
    /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/[^/]+\/(?:managedclusters|connectedclusters)\/[^/]+)(\/.*)?$/i.exec(
      id,
    );
  if (!m) return;
  bag.add('clusters', clusterKey(m[1]!));
  // Arc data-plane operations name the object: .../<group>/<resource>/<namespace>/<name> (case as logged).
  const rest = (m[2] ?? '').split('/').filter(Boolean);
  const op = typeof r.operationName === 'string' ? r.operationName.toUpperCase() : '';
  if (op.includes('/PODS/') && rest.length >= 3 && rest[0]?.toUpperCase() === 'PODS') {
    bag.add('namespaces', rest[1]!.toLowerCase());
    bag.add('pods', `${rest[1]!.toLowerCase()}/${rest[2]!.toLowerCase()}`);
  } else if (rest.length >= 4 && /EVENTS/.test(op)) {
    bag.add('namespaces', rest[rest.length - 2]!.toLowerCase());
  }
}

function fromKubeEvent(bag: Bag, e: Record<string, unknown>): void {
  const obj = e.involvedObject ?? e.regarding;
  if (!isRecord(obj)) return;
  const ns = typeof obj.namespace === 'string' ? obj.namespace : undefined;
  bag.add('namespaces', ns);
  if (obj.kind === 'Pod' && typeof obj.name === 'string')
    bag.add('pods', ns ? `${ns}/${obj.name}` : obj.name);
}

/** ARM ids are case-insensitive: compare clusters in lower case. */
export const clusterKey = (id: string): string => (id.startsWith('/') ? id.toLowerCase() : id);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
