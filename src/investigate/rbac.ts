import { type SeverityLevel, severityRank } from '../alerts/alert.js';
import type { AuditEvent } from '../model/event.js';
import { eventLocation } from '../model/event-location.js';
import {
  builtinRoles,
  type Capabilities,
  capabilities,
  RbacObjects,
  type SeenBinding,
  subjectName,
} from './rbac-objects.js';

/** Said with every RBAC report: what it is built from, and what it cannot know. */
export const rbacDisclaimer =
  'Built only from what these logs show: RBAC objects written in audit request bodies (create/update/patch at Request level or above), authorization annotations, and the users seen acting. It is not a query of a live cluster: objects created before the logs begin, or written at Metadata level, are not seen.';

export type RbacFindingKind =
  | 'anonymous-binding'
  | 'cluster-admin'
  | 'wildcard-role'
  | 'delete-events'
  | 'sa-cluster-role'
  | 'masters-group';

export interface RbacFinding {
  readonly kind: RbacFindingKind;
  readonly severity: SeverityLevel;
  /** The user, group or service account the finding is about (or the role, for wildcard roles). */
  readonly subject: string;
  readonly finding: string;
  /** The binding, role or group that grants it. */
  readonly via: string;
  /** file:line of the records that show it (first few). */
  readonly evidence: readonly string[];
  readonly fix: string;
}

export interface RbacReport {
  readonly disclaimer: string;
  readonly findings: readonly RbacFinding[];
  readonly fixes: readonly string[];
  readonly rolesSeen: number;
  readonly bindingsSeen: number;
  /** RBAC writes whose body was not logged (Metadata level): their content is unknown. */
  readonly writesWithoutBody: readonly string[];
  readonly usersSeen: number;
}

const publicGroups = new Set(['system:anonymous', 'system:unauthenticated']);
/** Managed control-plane identities: reported, but as platform rather than people. */
const platformActors = new Set([
  'aksService',
  'acsService',
  'system:apiserver',
  'system:kube-controller-manager',
]);
const reasonRe =
  /allowed by (ClusterRoleBinding|RoleBinding) "([^"]+)"(?: of (ClusterRole|Role) "([^"]+)")? to (User|Group|ServiceAccount) "([^"]+)"/;
const evidenceLimit = 5;

/**
 * Accumulates RBAC evidence from audit events and reports exposure: who holds cluster-admin or
 * wildcard roles, who can delete events, bindings to anonymous / unauthenticated users, service
 * accounts bound to cluster roles, and users acting with the `system:masters` group.
 * @example
 * const r = new RbacCollector(); for (const ev of events) r.add(ev);
 * r.report().findings.filter((f) => f.kind === 'cluster-admin').map((f) => f.subject) // ['minikube']
 */
export class RbacCollector {
  private readonly objects = new RbacObjects();
  private readonly found = new Map<string, { f: Omit<RbacFinding, 'evidence'>; evidence: string[] }>();
  private readonly users = new Set<string>();

  add(ev: AuditEvent): void {
    this.objects.add(ev);
    const a = ev.audit;
    if (!a) return;
    const user = a.user?.username;
    if (!user) return;
    this.users.add(user);
    const ok =
      a.responseStatus?.code === undefined || (a.responseStatus.code >= 200 && a.responseStatus.code < 300);
    if (a.user?.groups?.includes('system:masters') && ok) {
      const platform = platformActors.has(user);
      this.note(ev, {
        kind: 'masters-group',
        severity: platform ? 'informational' : 'high',
        subject: user,
        finding: `acts as a member of system:masters (cluster-admin that no RBAC binding can revoke)${platform ? '; managed platform identity' : ''}`,
        via: 'group system:masters',
        fix: platform
          ? 'none: managed control-plane identity (keep as a scoped exception)'
          : user === 'masterclient'
            ? 'disable AKS local accounts (az aks update --disable-local-accounts) and use Entra ID with Kubernetes RBAC'
            : `stop issuing client certificates with O=system:masters; give ${user} a revocable RBAC binding`,
      });
    }
    if (ok && a.objectRef?.resource === 'events' && (a.verb === 'delete' || a.verb === 'deletecollection'))
      this.note(ev, {
        kind: 'delete-events',
        severity: 'high',
        subject: user,
        finding: 'deleted Kubernetes events (so can delete events)',
        via: reasonVia(a.annotations?.['authorization.k8s.io/reason']) ?? 'authorization not annotated',
        fix: 'remove delete/deletecollection on events from every role but the control plane; ship events and audit logs off the cluster',
      });
    const m = reasonRe.exec(a.annotations?.['authorization.k8s.io/reason'] ?? '');
    if (m && m[4] === 'cluster-admin' && a.annotations?.['authorization.k8s.io/decision'] !== 'forbid') {
      const subject = m[5] === 'ServiceAccount' ? `serviceaccount ${m[6]}` : m[6]!;
      this.note(ev, {
        kind: 'cluster-admin',
        severity: publicGroups.has(m[6]!) || m[6] === 'system:authenticated' ? 'critical' : 'high',
        subject,
        finding: 'holds cluster-admin (the API server said so when authorizing a request)',
        via: `${m[1]} ${m[2]}`,
        fix: `replace ${m[1]} ${m[2]} with a least-privilege role`,
      });
    }
  }

  report(): RbacReport {
    const b = this.objects.bindings();
    for (const binding of b) this.fromBinding(binding);
    for (const role of this.objects.roleVersions()) {
      const c = capabilities(role.rules);
      if (!c.wildcardVerbs && !c.wildcardResources) continue;
      this.put(
        {
          kind: 'wildcard-role',
          severity: c.everything ? 'high' : 'medium',
          subject: `${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}`,
          finding: `grants ${[c.wildcardVerbs ? 'every verb (*)' : '', c.wildcardResources ? 'every resource (*)' : ''].filter(Boolean).join(' on ')}${role.aggregated ? ' (aggregated role)' : ''}; written by ${role.actor}${role.deletedAt ? `; deleted at ${role.deletedAt}` : ''}${role.replacedAt ? `; replaced at ${role.replacedAt}` : ''}`,
          via: 'role rules',
          fix: `list explicit verbs and resources in ${role.kind} ${role.name} instead of *`,
        },
        role.evidence,
      );
    }
    const findings = [...this.found.values()]
      .map(({ f, evidence }) => ({ ...f, evidence }))
      .sort(
        (x, y) => severityRank[x.severity] - severityRank[y.severity] || x.subject.localeCompare(y.subject),
      );
    const fixes = [...new Set(findings.filter((f) => f.severity !== 'informational').map((f) => f.fix))];
    return {
      disclaimer: rbacDisclaimer,
      findings,
      fixes,
      rolesSeen: this.objects.roles().length,
      bindingsSeen: b.length,
      writesWithoutBody: this.objects.withoutBody,
      usersSeen: this.users.size,
    };
  }

  private fromBinding(binding: SeenBinding): void {
    const role = this.objects.role(binding);
    const caps: Capabilities | undefined = role
      ? capabilities(role.rules)
      : binding.roleRef.kind === 'ClusterRole'
        ? builtinRoles[binding.roleRef.name]
        : undefined;
    const gone = binding.deletedAt ? ` (binding deleted at ${binding.deletedAt})` : '';
    const via = `${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name} -> ${binding.roleRef.kind} ${binding.roleRef.name}${gone}`;
    const evidence = role ? [binding.evidence, role.evidence] : [binding.evidence];
    for (const s of binding.subjects) {
      const subject = subjectName(s);
      if (publicGroups.has(subject) || (subject === 'system:authenticated' && caps?.everything))
        this.put(
          {
            kind: 'anonymous-binding',
            severity: 'critical',
            subject,
            finding: `${subject === 'system:authenticated' ? 'every authenticated identity' : 'unauthenticated requests'} are granted ${binding.roleRef.name}; written by ${binding.actor}`,
            via,
            fix: `delete ${binding.kind} ${binding.name} (and run kube-apiserver with --anonymous-auth=false where the provider allows)`,
          },
          ...evidence,
        );
      if (caps?.everything)
        this.put(
          {
            kind: 'cluster-admin',
            severity: s.kind === 'ServiceAccount' || s.kind === 'Group' ? 'critical' : 'high',
            subject,
            finding: `holds cluster-admin${role ? ` (role ${role.name} grants * on *)` : ''}; bound by ${binding.actor} at ${binding.time}`,
            via,
            fix: `replace ${binding.kind} ${binding.name} with a least-privilege role${s.kind === 'ServiceAccount' ? ' bound in the service account’s namespace' : ''}`,
          },
          ...evidence,
        );
      else if (caps?.wildcardVerbs || caps?.wildcardResources)
        this.put(
          {
            kind: 'wildcard-role',
            severity: 'medium',
            subject,
            finding: `holds wildcard ${caps.wildcardVerbs ? 'verbs' : 'resources'} through ${binding.roleRef.name}`,
            via,
            fix: `list explicit verbs and resources in ${binding.roleRef.kind} ${binding.roleRef.name} instead of *`,
          },
          ...evidence,
        );
      if (caps?.deleteEvents)
        this.put(
          {
            kind: 'delete-events',
            severity: 'medium',
            subject,
            finding: `can delete events${binding.kind === 'RoleBinding' ? ` in ${binding.namespace}` : ' in every namespace'}`,
            via,
            fix: 'remove delete/deletecollection on events from every role but the control plane; ship events and audit logs off the cluster',
          },
          ...evidence,
        );
      if (s.kind === 'ServiceAccount' && binding.roleRef.kind === 'ClusterRole')
        this.put(
          {
            kind: 'sa-cluster-role',
            severity: caps?.everything
              ? 'critical'
              : binding.kind === 'ClusterRoleBinding'
                ? 'medium'
                : 'low',
            subject,
            finding: `service account bound to ClusterRole ${binding.roleRef.name}${binding.kind === 'ClusterRoleBinding' ? ' cluster-wide' : ` in ${binding.namespace}`}; any pod running as it has these rights`,
            via,
            fix: `bind ${subject} with a namespaced Role holding only what the workload needs; set automountServiceAccountToken: false where it needs none`,
          },
          ...evidence,
        );
    }
  }

  private note(ev: AuditEvent, f: Omit<RbacFinding, 'evidence'>): void {
    this.put(f, eventLocation(ev));
  }

  private put(f: Omit<RbacFinding, 'evidence'>, ...evidence: string[]): void {
    const key = `${f.kind}\u0000${f.subject}\u0000${f.via}`;
    let e = this.found.get(key);
    if (!e) this.found.set(key, (e = { f, evidence: [] }));
    for (const x of evidence)
      if (e.evidence.length < evidenceLimit && !e.evidence.includes(x)) e.evidence.push(x);
  }
}

function reasonVia(reason: string | undefined): string | undefined {
  const m = reasonRe.exec(reason ?? '');
  return m ? `${m[1]} ${m[2]}${m[4] ? ` -> ${m[3]} ${m[4]}` : ''}` : undefined;
}

/**
 * RBAC exposure of a list of events (tests, small inputs).
 * @example rbacOf(await readEvents(['./evidence'])).findings
 */
export function rbacOf(events: Iterable<AuditEvent>): RbacReport {
  const r = new RbacCollector();
  for (const ev of events) r.add(ev);
  return r.report();
}
