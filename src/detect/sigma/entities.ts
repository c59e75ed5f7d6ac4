import type { Entities } from '../../alerts/alert.js';
import { CLAIM_UPN } from '../../model/azure-claims.js';
import type { AuditEvent } from '../../model/event.js';

/**
 * People and things an event is about (users, source IPs, cluster, namespace, pod), for alert
 * grouping. Reads the audit Event or Activity record directly; absent values are left out.
 * @example entitiesOf([ev]).users // ['alice@contoso.com']
 */
export function entitiesOf(events: readonly AuditEvent[]): Entities {
  const users = new Set<string>();
  const ips = new Set<string>();
  const clusters = new Set<string>();
  const namespaces = new Set<string>();
  const pods = new Set<string>();
  for (const ev of events) {
    const a = ev.audit;
    if (a) {
      if (a.user?.username) users.add(a.user.username);
      if (a.impersonatedUser?.username) users.add(a.impersonatedUser.username);
      for (const ip of a.sourceIPs ?? []) if (typeof ip === 'string') ips.add(ip);
      const ref = a.objectRef;
      if (ref?.namespace) namespaces.add(ref.namespace);
      if (ref?.resource === 'pods' && ref.name)
        pods.add(ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name);
    }
    const act = ev.activity;
    if (act) {
      if (typeof act.callerIpAddress === 'string' && act.callerIpAddress) ips.add(act.callerIpAddress);
      const claims = (act.identity as { claims?: Record<string, unknown> } | undefined)?.claims;
      const upn = claims?.[CLAIM_UPN] ?? claims?.name;
      if (typeof upn === 'string') users.add(upn);
      const caller = (act as Record<string, unknown>).caller;
      if (typeof caller === 'string') users.add(caller);
    }
    const c = ev.cluster?.name ?? ev.cluster?.id;
    if (c) clusters.add(c);
  }
  const out: Record<string, readonly string[]> = {};
  if (users.size) out.users = [...users];
  if (ips.size) out.ips = [...ips];
  if (clusters.size) out.clusters = [...clusters];
  if (namespaces.size) out.namespaces = [...namespaces];
  if (pods.size) out.pods = [...pods];
  return out;
}
