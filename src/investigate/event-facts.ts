import { CLAIM_NAME, CLAIM_OID, CLAIM_UPN } from '../model/azure-claims.js';
import type { ActivityRecord, AuditEvent } from '../model/event.js';
import { eventLocation } from '../model/event-location.js';

/**
 * What an investigator reads off one event, whatever its kind: who (actor), did what (action),
 * to what (target), with which result (outcome), from where (IP, user agent), and where the
 * record is (file:line). Shared by `timeline`, `rbac` and the HTML report.
 */
export interface EventFacts {
  readonly time: string;
  readonly ts: number;
  /** `format/provider`, e.g. `aks-diagnostic/aks`, with the AKS category when there is one. */
  readonly source: string;
  readonly actor: string;
  /** Audit verb, Activity operation name, or kubectl event reason. */
  readonly action: string;
  /** `resource[/subresource] namespace/name` (audit), resource id tail (activity), `Kind namespace/name` (event). */
  readonly target: string;
  readonly namespace: string;
  /** Resource type (`pods`, `secrets`; Activity: the resource type before the name). */
  readonly resource: string;
  /** Response code and authorization decision (audit), result type (activity), event type (kubectl). */
  readonly outcome: string;
  readonly ip: string;
  readonly userAgent: string;
  /** `file:line` (with `#index` for batch items past the first). */
  readonly location: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Claims of an Activity Log record (`identity.claims`), or an empty object. */
function claimsOf(r: ActivityRecord): Record<string, unknown> {
  return rec(rec(r.identity)?.claims) ?? {};
}

/**
 * The request an event belongs to: stages of one request (ResponseStarted, ResponseComplete) and
 * the same request delivered by two feeds (kube-audit and kube-audit-admin) share it.
 * @example requestKey(ev) // 'audit:9f3c…@2026-11-20T09:12:30.380112Z'
 */
export function requestKey(ev: AuditEvent): string {
  const a = ev.audit;
  if (a?.auditID) return `audit:${a.auditID}@${a.requestReceivedTimestamp ?? Math.floor(ev.ts)}`;
  return `${ev.id}@${Math.floor(ev.ts)}`;
}

/**
 * The caller of an Activity Log record: UPN, then name, unique_name, appid, caller, object id.
 * @example activityCaller(ev.activity) // 'eve@contoso.onmicrosoft.com'
 */
export function activityCaller(r: ActivityRecord): string {
  const c = claimsOf(r);
  return (
    str(c[CLAIM_UPN]) ||
    str(c.upn) ||
    str(c[CLAIM_NAME]) ||
    str(c.unique_name) ||
    str(c.appid) ||
    str(r.caller) ||
    str(rec(r.properties)?.caller) ||
    str(c[CLAIM_OID])
  );
}

/**
 * Every name the actor of an event goes by, lower-cased, for `--user` matching: the audit
 * username and impersonated user, the short forms of a service account (`ns:name`, `ns/name`,
 * `name`), and the Activity caller and its UPN / name / object id / app id claims.
 * @example actorNames(ev) // ['system:serviceaccount:default:backup', 'default:backup', 'default/backup', 'backup']
 */
export function actorNames(ev: AuditEvent): string[] {
  const out = new Set<string>();
  const add = (v: unknown): void => {
    const s = str(v);
    if (!s) return;
    out.add(s.toLowerCase());
    const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(s);
    if (sa) {
      out.add(`${sa[1]}:${sa[2]}`.toLowerCase());
      out.add(`${sa[1]}/${sa[2]}`.toLowerCase());
      out.add(sa[2]!.toLowerCase());
    }
  };
  const a = ev.audit;
  if (a) {
    add(a.user?.username);
    add(a.impersonatedUser?.username);
  }
  const r = ev.activity;
  if (r) {
    const c = claimsOf(r);
    for (const k of [CLAIM_UPN, 'upn', CLAIM_NAME, 'unique_name', 'appid', CLAIM_OID, 'name']) add(c[k]);
    add(r.caller);
    add(rec(r.properties)?.caller);
  }
  return [...out];
}

/**
 * The investigator's view of one event.
 * @example eventFacts(ev).actor // 'eve@contoso.onmicrosoft.com'
 */
export function eventFacts(ev: AuditEvent): EventFacts {
  const base = {
    time: ev.time,
    ts: ev.ts,
    source: `${ev.format}/${ev.provider}${ev.category && ev.format === 'aks-diagnostic' ? `/${ev.category}` : ''}`,
    location: eventLocation(ev),
  };
  const a = ev.audit;
  if (a) {
    const ref = a.objectRef;
    const ns = str(ref?.namespace);
    const res = [ref?.resource, ref?.subresource].filter((x) => x).join('/');
    // generateName pods: the name is in the stored object (RequestResponse) or the request body.
    const name =
      ref?.name ||
      str(rec(rec(a.responseObject)?.metadata)?.name) ||
      str(rec(rec(a.requestObject)?.metadata)?.name);
    const obj = [ns, name].filter((x) => x).join('/');
    const target = res ? `${res}${obj ? ` ${obj}` : ''}` : str(a.requestURI);
    const user = str(a.user?.username) || '?';
    const imp = a.impersonatedUser?.username;
    const code = a.responseStatus?.code;
    const decision = a.annotations?.['authorization.k8s.io/decision'];
    return {
      ...base,
      actor: imp ? `${user} (as ${imp})` : user,
      action: str(a.verb),
      target,
      namespace: ns,
      resource: str(ref?.resource),
      outcome: [code !== undefined ? String(code) : '', decision ?? ''].filter((x) => x).join(' '),
      ip: (a.sourceIPs ?? []).join(','),
      userAgent: str(a.userAgent),
    };
  }
  const r = ev.activity;
  if (r) {
    const { resource, namespace, target } = activityTarget(r);
    return {
      ...base,
      actor: activityCaller(r),
      action: str(r.operationName) || str(rec(r.operationName)?.value),
      target,
      namespace,
      resource,
      outcome: [str(r.resultType), str(r.resultSignature)].filter((x) => x).join(' '),
      ip: str(r.callerIpAddress),
      userAgent: str(rec(r.properties)?.userAgent),
    };
  }
  const k = ev.kubeEvent ?? {};
  const inv = rec(k.involvedObject) ?? rec(k.regarding);
  const src = rec(k.source) ?? rec(k.deprecatedSource);
  const ns = str(inv?.namespace);
  return {
    ...base,
    actor: str(k.reportingComponent) || str(k.reportingController) || str(src?.component),
    action: str(k.reason),
    target: inv ? `${str(inv.kind)} ${[ns, str(inv.name)].filter((x) => x).join('/')}` : '',
    namespace: ns,
    resource: str(inv?.kind),
    outcome: str(k.type),
    ip: '',
    userAgent: '',
  };
}

/**
 * Resource type, namespace and a short target for an Activity record. Arc data-plane operations
 * name the object after the cluster: `.../CONNECTEDCLUSTERS/<c>/<group>/<resource>/<ns>[/<name>]`.
 */
function activityTarget(r: ActivityRecord): { resource: string; namespace: string; target: string } {
  const id = str(r.resourceId);
  const op = str(r.operationName).toUpperCase();
  const m = /\/(?:managedclusters|connectedclusters)\/([^/]+)(\/.*)?$/i.exec(id);
  if (m) {
    const rest = (m[2] ?? '').split('/').filter(Boolean);
    if (rest.length === 0)
      return { resource: op.split('/')[1]?.toLowerCase() ?? '', namespace: '', target: m[1]! };
    // Operation `.../<GROUP>/<RESOURCE>/<VERB>`: the resource is the segment before the verb.
    const opParts = op.split('/');
    const resource = opParts.length >= 3 ? (opParts[opParts.length - 2] ?? '').toLowerCase() : '';
    const idx = resource ? rest.findIndex((p) => p.toLowerCase() === resource) : -1;
    const namespace = idx >= 0 ? (rest[idx + 1] ?? '').toLowerCase() : '';
    return { resource, namespace, target: [m[1], ...rest].join('/') };
  }
  const parts = id.split('/').filter(Boolean);
  return { resource: (parts.at(-2) ?? '').toLowerCase(), namespace: '', target: parts.slice(-2).join('/') };
}
