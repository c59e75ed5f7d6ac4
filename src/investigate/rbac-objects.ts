import type { AuditEvent, K8sAudit } from '../model/event.js';
import { eventLocation } from '../model/event-location.js';

/**
 * RBAC objects as the audit log shows them: the last state of every (Cluster)Role and
 * (Cluster)RoleBinding written at Request level or above (create/update/patch bodies), with the
 * file:line of the write. Deletions remove the object. Nothing here queries a cluster.
 */

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
}

export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface SeenRole {
  readonly kind: 'ClusterRole' | 'Role';
  readonly namespace: string;
  readonly name: string;
  readonly rules: readonly PolicyRule[];
  /** Aggregated cluster roles get their rules from others: the rules here are not the whole story. */
  readonly aggregated: boolean;
  readonly evidence: string;
  readonly actor: string;
  readonly time: string;
  /** When a later record deleted it (the object is still reported: it existed). */
  readonly deletedAt?: string;
  /** When a later write replaced these rules. */
  readonly replacedAt?: string;
}

export interface SeenBinding {
  readonly kind: 'ClusterRoleBinding' | 'RoleBinding';
  readonly namespace: string;
  readonly name: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly subjects: readonly Subject[];
  readonly evidence: string;
  readonly actor: string;
  readonly time: string;
  readonly deletedAt?: string;
}

interface State {
  readonly roles: Map<string, SeenRole>;
  readonly bindings: Map<string, SeenBinding>;
  readonly replaced: SeenRole[];
}

/** A write or delete of an RBAC object, applied in time order when the state is asked for. */
type Op =
  | { readonly ts: number; readonly key: string; readonly role: SeenRole }
  | { readonly ts: number; readonly key: string; readonly binding: SeenBinding }
  | { readonly ts: number; readonly key: string; readonly deleted: string };

const kinds: Readonly<Record<string, 'ClusterRole' | 'Role' | 'ClusterRoleBinding' | 'RoleBinding'>> = {
  clusterroles: 'ClusterRole',
  roles: 'Role',
  clusterrolebindings: 'ClusterRoleBinding',
  rolebindings: 'RoleBinding',
};

const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** The fullest body of a write: the response (the stored object) when the level kept it, else the request. */
function bodyOf(
  a: K8sAudit,
  want: (o: Record<string, unknown>) => boolean,
): Record<string, unknown> | undefined {
  const resp = rec(a.responseObject);
  if (resp && want(resp)) return resp;
  const req = rec(a.requestObject);
  if (req && want(req)) return req;
  return undefined;
}

function parseRules(v: unknown): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const r of Array.isArray(v) ? v : []) {
    const o = rec(r);
    if (!o || !Array.isArray(o.resources)) continue; // nonResourceURLs rules grant no object access
    out.push({
      apiGroups: strs(o.apiGroups),
      resources: strs(o.resources),
      verbs: strs(o.verbs),
      resourceNames: strs(o.resourceNames),
    });
  }
  return out;
}

function parseSubjects(v: unknown, ns: string): Subject[] {
  const out: Subject[] = [];
  for (const s of Array.isArray(v) ? v : []) {
    const o = rec(s);
    if (!o || typeof o.name !== 'string') continue;
    const kind = typeof o.kind === 'string' ? o.kind : 'User';
    const sns = typeof o.namespace === 'string' ? o.namespace : kind === 'ServiceAccount' ? ns : undefined;
    out.push({ kind, name: o.name, ...(sns ? { namespace: sns } : {}) });
  }
  return out;
}

/**
 * A subject as the API server names it in `user.username` / groups.
 * @example subjectName({ kind: 'ServiceAccount', name: 'backup', namespace: 'default' }) // 'system:serviceaccount:default:backup'
 */
export const subjectName = (s: Subject): string =>
  s.kind === 'ServiceAccount' ? `system:serviceaccount:${s.namespace ?? 'default'}:${s.name}` : s.name;

/**
 * Collects the RBAC objects written in the audit log.
 * @example
 * const o = new RbacObjects(); for (const ev of events) o.add(ev);
 * o.bindings()[0].roleRef.name // 'cluster-admin'
 */
export class RbacObjects {
  private readonly ops: Op[] = [];
  private resolved: State | undefined;
  /** RBAC writes seen without a usable body (Metadata level, or a partial patch). */
  readonly withoutBody: string[] = [];

  add(ev: AuditEvent): void {
    const a = ev.audit;
    const res = a?.objectRef?.resource;
    if (!a || !res || a.objectRef?.subresource) return;
    const kind = kinds[res];
    if (!kind) return;
    const code = a.responseStatus?.code;
    if (code !== undefined && (code < 200 || code >= 300)) return;
    if (a.stage && a.stage !== 'ResponseComplete') return;
    const verb = a.verb ?? '';
    const ns = a.objectRef?.namespace ?? '';
    const isRole = kind === 'ClusterRole' || kind === 'Role';
    const key = (name: string): string => `${kind}:${ns}/${name}`;
    this.resolved = undefined;
    if (verb === 'delete') {
      const name = a.objectRef?.name;
      if (name) this.ops.push({ ts: ev.ts, key: key(name), deleted: ev.time });
      return;
    }
    if (verb !== 'create' && verb !== 'update' && verb !== 'patch') return;
    const common = { evidence: eventLocation(ev), actor: a.user?.username ?? '?', time: ev.time };
    if (isRole) {
      const body = bodyOf(a, (o) => Array.isArray(o.rules) || rec(o.aggregationRule) !== undefined);
      const name = a.objectRef?.name ?? String(rec(body?.metadata)?.name ?? '');
      if (!body || !name) {
        this.withoutBody.push(common.evidence);
        return;
      }
      this.ops.push({
        ts: ev.ts,
        key: key(name),
        role: {
          kind: kind as 'ClusterRole' | 'Role',
          namespace: ns,
          name,
          rules: parseRules(body.rules),
          aggregated: rec(body.aggregationRule) !== undefined,
          ...common,
        },
      });
      return;
    }
    const body = bodyOf(a, (o) => rec(o.roleRef) !== undefined);
    const name = a.objectRef?.name ?? String(rec(body?.metadata)?.name ?? '');
    const ref = rec(body?.roleRef);
    if (!body || !ref || !name) {
      this.withoutBody.push(common.evidence);
      return;
    }
    this.ops.push({
      ts: ev.ts,
      key: key(name),
      binding: {
        kind: kind as 'ClusterRoleBinding' | 'RoleBinding',
        namespace: ns,
        name,
        roleRef: { kind: String(ref.kind ?? 'ClusterRole'), name: String(ref.name ?? '') },
        subjects: parseSubjects(body.subjects, ns),
        ...common,
      },
    });
  }

  /** Applies the writes in time order (files are read in name order, not time order). */
  private state(): State {
    if (this.resolved) return this.resolved;
    const roles = new Map<string, SeenRole>();
    const bindings = new Map<string, SeenBinding>();
    const replaced: SeenRole[] = [];
    for (const op of [...this.ops].sort((x, y) => x.ts - y.ts)) {
      if ('role' in op) {
        const prev = roles.get(op.key);
        if (prev && !prev.deletedAt) replaced.push({ ...prev, replacedAt: op.role.time });
        roles.set(op.key, op.role);
      } else if ('binding' in op) bindings.set(op.key, op.binding);
      else {
        const r = roles.get(op.key);
        if (r) roles.set(op.key, { ...r, deletedAt: op.deleted });
        const b = bindings.get(op.key);
        if (b) bindings.set(op.key, { ...b, deletedAt: op.deleted });
      }
    }
    return (this.resolved = { roles, bindings, replaced });
  }

  /** Every version of every role seen, replaced ones included (they granted their rules for a while). */
  roleVersions(): SeenRole[] {
    const st = this.state();
    return [...st.replaced, ...st.roles.values()];
  }

  /** Every role seen, in its last state (deleted ones carry `deletedAt`). */
  roles(): SeenRole[] {
    return [...this.state().roles.values()];
  }

  /** Every binding seen, in its last state (deleted ones carry `deletedAt`). */
  bindings(): SeenBinding[] {
    return [...this.state().bindings.values()];
  }

  /** The role a binding refers to, when its definition was seen. */
  role(b: SeenBinding): SeenRole | undefined {
    const ns = b.roleRef.kind === 'Role' ? b.namespace : '';
    return this.state().roles.get(`${b.roleRef.kind}:${ns}/${b.roleRef.name}`);
  }
}

/** What a set of rules lets its holder do, for the questions auditors ask. */
export interface Capabilities {
  readonly everything: boolean;
  readonly wildcardVerbs: boolean;
  readonly wildcardResources: boolean;
  readonly deleteEvents: boolean;
  readonly readSecrets: boolean;
  readonly escalate: boolean;
}

const has = (xs: readonly string[], ...want: string[]): boolean =>
  xs.some((x) => x === '*' || want.includes(x));

/**
 * @example capabilities([{ apiGroups: [''], resources: ['events'], verbs: ['delete'], resourceNames: [] }]).deleteEvents // true
 */
export function capabilities(rules: readonly PolicyRule[]): Capabilities {
  let wildcardVerbs = false;
  let wildcardResources = false;
  let everything = false;
  let deleteEvents = false;
  let readSecrets = false;
  let escalate = false;
  for (const r of rules) {
    const allVerbs = r.verbs.includes('*');
    const allRes = r.resources.includes('*');
    wildcardVerbs ||= allVerbs;
    wildcardResources ||= allRes;
    everything ||= allVerbs && allRes && r.apiGroups.includes('*') && r.resourceNames.length === 0;
    if (
      has(r.apiGroups, '', 'events.k8s.io') &&
      has(r.resources, 'events') &&
      has(r.verbs, 'delete', 'deletecollection')
    )
      deleteEvents = true;
    if (has(r.apiGroups, '') && has(r.resources, 'secrets') && has(r.verbs, 'get', 'list', 'watch'))
      readSecrets = true;
    if (has(r.verbs, 'escalate', 'bind', 'impersonate')) escalate = true;
  }
  return { everything, wildcardVerbs, wildcardResources, deleteEvents, readSecrets, escalate };
}

/** Built-in cluster roles whose rules are known without seeing them in the log. */
export const builtinRoles: Readonly<Record<string, Capabilities>> = {
  'cluster-admin': {
    everything: true,
    wildcardVerbs: true,
    wildcardResources: true,
    deleteEvents: true,
    readSecrets: true,
    escalate: true,
  },
  admin: {
    everything: false,
    wildcardVerbs: false,
    wildcardResources: false,
    deleteEvents: false,
    readSecrets: true,
    escalate: false,
  },
  edit: {
    everything: false,
    wildcardVerbs: false,
    wildcardResources: false,
    deleteEvents: false,
    readSecrets: true,
    escalate: false,
  },
};
