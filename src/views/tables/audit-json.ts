import { AUDIT_EVENT_KEYS } from '../../model/audit-fields.js';
import type { K8sAudit } from '../../model/event.js';

/**
 * The audit Event's top-level keys in the order the API server writes them (`AUDIT_EVENT_KEYS`).
 * `AzureDiagnostics.log_s` is the Event serialized in this order (other keys after, in their order),
 * so the store can rebuild the same text from its columns (src/store/derived-views.ts).
 */
export const auditKeys: readonly string[] = AUDIT_EVENT_KEYS;

const known: ReadonlySet<string> = new Set(auditKeys);

/**
 * The audit Event as JSON text, known keys in API server order, then any other keys.
 * @example auditJsonText({ verb: 'get', kind: 'Event' }) === '{"kind":"Event","verb":"get"}'
 */
export function auditJsonText(a: K8sAudit): string {
  const parts: string[] = [];
  for (const k of auditKeys) {
    const v = a[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  for (const k in a) {
    const v = a[k];
    if (!known.has(k) && v !== undefined) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}
