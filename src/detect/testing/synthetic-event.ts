import { createHash } from 'node:crypto';
import type { K8sAudit } from '../../model/event.js';

/** The instant synthetic test events happen at unless they say otherwise. */
export const syntheticTime = '2026-11-20T09:00:00.000000Z';

/**
 * Completes a partial audit Event written in a rule test (synthetic) with the fields every real
 * Event has, so tests only spell out what the rule looks at. Explicit keys always win; a key set to
 * `null` in the test is removed (to test a rule against a missing field).
 *
 * Defaults: kind/apiVersion, level RequestResponse, stage ResponseComplete, a stable auditID derived
 * from the content, `requestURI` built from `objectRef`, user `synthetic-user`, source IP
 * 203.0.113.10 (TEST-NET-3), a kubectl user agent, code 201 for create else 200, an `allow` decision.
 * @example completeAuditEvent({ verb: 'delete', objectRef: { resource: 'events', namespace: 'default' } })
 */
export function completeAuditEvent(partial: Record<string, unknown>, time = syntheticTime): K8sAudit {
  const p = partial as K8sAudit;
  const verb = p.verb ?? 'get';
  const ref = p.objectRef;
  const code = verb === 'create' ? 201 : 200;
  const base: K8sAudit = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: stableId(partial),
    stage: 'ResponseComplete',
    requestURI: ref ? requestUri(verb, ref) : '/',
    verb,
    user: { username: 'synthetic-user', groups: ['system:authenticated'] },
    sourceIPs: ['203.0.113.10'],
    userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  };
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(partial)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  // A test that sets a time sets both timestamps unless it gives both.
  if (partial.stageTimestamp && !partial.requestReceivedTimestamp)
    out.requestReceivedTimestamp = partial.stageTimestamp;
  if (partial.requestReceivedTimestamp && !partial.stageTimestamp)
    out.stageTimestamp = partial.requestReceivedTimestamp;
  return out as K8sAudit;
}

/** `/api/v1/namespaces/ns/pods/name/exec` style URI for an objectRef. */
export function requestUri(verb: string, ref: NonNullable<K8sAudit['objectRef']>): string {
  const version = ref.apiVersion ?? 'v1';
  const parts = [ref.apiGroup ? `/apis/${ref.apiGroup}/${version}` : `/api/${version}`];
  if (ref.namespace) parts.push(`namespaces/${ref.namespace}`);
  if (ref.resource) parts.push(ref.resource);
  if (ref.name && verb !== 'create') parts.push(ref.name);
  else if (ref.name && ref.subresource) parts.push(ref.name);
  if (ref.subresource) parts.push(ref.subresource);
  return parts.join('/');
}

/** A UUID-shaped id derived from the content, so re-running a test gives the same id. */
export function stableId(value: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(value)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Completes a partial Azure Activity Log record (storage / Event Hub shape) written in a rule test.
 * Defaults: time, category Administrative, level Informational, resultType Success, a caller IP,
 * correlation id and a user identity claim (`synthetic-user@contoso.example`).
 * @example completeActivityRecord({ operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE' })
 */
export function completeActivityRecord(
  partial: Record<string, unknown>,
  time = syntheticTime,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    time: time.replace(/(\.\d{3})\d*Z$/, '$10000Z'),
    resourceId:
      '/SUBSCRIPTIONS/00000000-0000-4000-8000-00000000C0DE/RESOURCEGROUPS/RG-SYNTHETIC/PROVIDERS/MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/ARC-SYNTHETIC',
    category: 'Administrative',
    resultType: 'Success',
    resultSignature: 'Succeeded.',
    durationMs: 0,
    callerIpAddress: '203.0.113.10',
    correlationId: stableId(partial),
    identity: {
      claims: {
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'synthetic-user@contoso.example',
        name: 'Synthetic User',
      },
    },
    level: 'Informational',
    location: 'westeurope',
    properties: { eventCategory: 'Administrative' },
  };
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(partial)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
