/**
 * SYNTHETIC DATA helpers for the prefilter tests: serialize an audit Event the way the API server
 * (Go encoding/json, struct field order) writes it, and wrap it as an AKS diagnostic line the way
 * AKS storage blobs do (`\/` escapes, trailing `\n` in the log), so real corpus events can be fed
 * through the prefilter's fast path.
 */

import { AUDIT_EVENT_KEYS } from '../../src/model/audit-fields.js';

const eventOrder = AUDIT_EVENT_KEYS;
const objectRefOrder = [
  'resource',
  'namespace',
  'name',
  'uid',
  'apiGroup',
  'apiVersion',
  'resourceVersion',
  'subresource',
];
const statusOrder = ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code'];

function ordered(o: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  for (const k of Object.keys(o)) if (!order.includes(k) && o[k] !== undefined) out[k] = o[k];
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The Event as one JSON line in API-server field order (unknown keys last). */
export function goOrderJson(ev: Record<string, unknown>): string {
  const o = ordered({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', ...ev }, eventOrder);
  if (isObj(o.objectRef)) o.objectRef = ordered(o.objectRef, objectRefOrder);
  if (isObj(o.responseStatus)) o.responseStatus = ordered(o.responseStatus, statusOrder);
  return JSON.stringify(o);
}

/** An AKS storage-blob line holding `eventJson` in `properties.log`. */
export function aksLine(eventJson: string, opts: { slashes?: boolean; category?: string } = {}): string {
  let log = JSON.stringify(`${eventJson}\n`);
  if (opts.slashes !== false) log = log.replaceAll('/', '\\/');
  return `{ "category": "${opts.category ?? 'kube-audit'}", "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read", "properties": {"pod":"kube-apiserver-0","containerID":"c0","log":${log},"stream":"stdout"}, "resourceId": "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/TEST-AKS", "time": "2024-05-01T00:00:00.000Z"}`;
}
