import { CLAIM_NAME, CLAIM_UPN } from '../model/azure-claims.js';
import type { AuditEvent } from '../model/event.js';
import { eventLocation } from '../model/event-location.js';

/**
 * The few facts people scan an event for (who, did what, to what, where), whatever its kind;
 * shared by the alert table, the `events` table and CSV output.
 */
export interface EventColumns {
  readonly user: string;
  /** Verb (audit), operation name (activity) or reason (kubectl event). */
  readonly action: string;
  /** `resource[/subresource]/name` (audit), resource id tail (activity), `Kind/name` (kubectl event). */
  readonly target: string;
  readonly namespace: string;
  /** `file:line` (with `#index` for batch items past the first). */
  readonly source: string;
}

const s = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * @example eventColumns(ev) // { user: 'alice', action: 'create', target: 'pods/exec/web-0', namespace: 'prod', source: 'audit.log:12' }
 */
export function eventColumns(ev: AuditEvent): EventColumns {
  const src = eventLocation(ev);
  const a = ev.audit;
  if (a) {
    const ref = a.objectRef;
    const target = ref
      ? [ref.resource, ref.subresource, ref.name].filter((x) => x !== undefined && x !== '').join('/')
      : s(a.requestURI);
    return {
      user: s(a.user?.username),
      action: s(a.verb),
      target,
      namespace: s(ref?.namespace),
      source: src,
    };
  }
  const r = ev.activity;
  if (r) {
    const identity = obj(r.identity);
    const claims = obj(identity?.claims);
    const user = s(claims?.[CLAIM_UPN] ?? claims?.[CLAIM_NAME] ?? r.caller ?? claims?.appid);
    const parts = s(r.resourceId).split('/');
    const target = parts.length > 2 ? parts.slice(-2).join('/') : s(r.resourceId);
    return { user, action: s(r.operationName), target, namespace: '', source: src };
  }
  const k = ev.kubeEvent;
  if (k) {
    const inv = obj(k.involvedObject) ?? obj(k.regarding);
    const srcObj = obj(k.source) ?? obj(k.deprecatedSource);
    return {
      user: s(k.reportingComponent || k.reportingController || srcObj?.component),
      action: s(k.reason),
      target: inv ? `${s(inv.kind)}/${s(inv.name)}` : '',
      namespace: s(inv?.namespace),
      source: src,
    };
  }
  return { user: '', action: '', target: '', namespace: '', source: src };
}
