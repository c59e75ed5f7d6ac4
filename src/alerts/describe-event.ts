import { CLAIM_UPN } from '../model/azure-claims.js';
import type { AuditEvent } from '../model/event.js';

/**
 * One line saying who did what to which object, for timelines and alert tables.
 * @example describeEvent(ev) // "eve@contoso.example create pods/exec default/priv-shell (101)"
 */
export function describeEvent(ev: AuditEvent): string {
  const a = ev.audit;
  if (a) {
    const ref = a.objectRef;
    const what = ref?.resource
      ? `${ref.resource}${ref.subresource ? `/${ref.subresource}` : ''}${ref.namespace || ref.name ? ' ' : ''}${[ref.namespace, ref.name].filter(Boolean).join('/')}`
      : (a.requestURI ?? '');
    const who = a.impersonatedUser?.username
      ? `${a.user?.username ?? '?'} (as ${a.impersonatedUser.username})`
      : (a.user?.username ?? '?');
    const code = a.responseStatus?.code;
    return `${who} ${a.verb ?? '?'} ${what}${code !== undefined ? ` (${code})` : ''}`;
  }
  const r = ev.activity;
  if (r) {
    const claims = (r.identity as { claims?: Record<string, unknown> } | undefined)?.claims;
    const who = (claims?.[CLAIM_UPN] as string | undefined) ?? (claims?.appid as string | undefined) ?? '?';
    const target = typeof r.resourceId === 'string' ? r.resourceId.split('/').slice(-2).join('/') : '';
    return `${who} ${r.operationName ?? '?'} ${target}${r.resultType ? ` (${r.resultType})` : ''}`;
  }
  const k = ev.kubeEvent;
  if (k) return `${String(k.reason ?? 'event')}: ${String(k.message ?? k.note ?? '')}`;
  return ev.raw.slice(0, 120);
}
