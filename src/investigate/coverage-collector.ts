import { clusterKey } from '../alerts/entities.js';
import { DedupWindow } from '../ingest/dedup-window.js';
import type { AuditEvent } from '../model/event.js';
import { requestKey } from './event-facts.js';

/**
 * Streaming facts about what a set of logs contains, per cluster, for `coverage`: which feeds,
 * audit levels and stages were seen, the time range and the hours with events, and whether the
 * signals the common investigation questions need (reads, exec, request bodies of pods and
 * bindings, event deletion, credential fetches) are there. Memory is bounded by clusters x hours.
 */

/** A log feed, as coverage names it. */
export type Feed =
  | 'kube-audit' // AKS category with every request
  | 'kube-audit-admin' // AKS category without get/list
  | 'aks-audit-la' // Log Analytics AKSAudit / AzureDiagnostics rows (category in the row)
  | 'k8s-audit' // raw apiserver audit log / webhook batch
  | 'eks-audit' // EKS control-plane audit log through CloudWatch
  | 'gke-admin-activity' // GKE Admin Activity (writes only)
  | 'gke-data-access' // GKE Data Access (reads)
  | 'ecs-audit' // Filebeat / Elastic Agent documents
  | 'activity-log' // Azure Activity Log
  | 'kube-events'; // kubectl get events snapshot

export interface ClusterFacts {
  /** Display name: the cluster name with its id, or `(unidentified)`. */
  readonly key: string;
  name: string;
  id: string;
  provider: string;
  subscription?: string;
  readonly feeds: Map<Feed, number>;
  readonly levels: Map<string, number>;
  readonly stages: Map<string, number>;
  firstTs: number;
  lastTs: number;
  firstTime: string;
  lastTime: string;
  /** Hours (epoch ms / 3.6e6, floored) that have at least one event. */
  readonly hours: Set<number>;
  events: number;
  /** get/list/watch requests seen (any resource). */
  reads: number;
  secretReads: number;
  /** Exec/attach seen with verb create, and with verb get (WebSocket kubectl). */
  execCreate: number;
  execGet: number;
  podCreates: number;
  podCreatesWithBody: number;
  bindingWrites: number;
  bindingWritesWithBody: number;
  /** Request bodies AKS replaced with `skipped-too-big-size-object`. */
  skippedBodies: number;
  eventDeletes: number;
  /** Any write (create/update/patch/delete) at all: the feed sees changes. */
  writes: number;
  /** Arc data-plane operations in the Activity Log (CONNECTEDCLUSTERS/...). */
  arcOps: number;
  arcEventDeletes: number;
  credentialFetches: number;
}

const readVerbs = new Set(['get', 'list', 'watch']);
const writeVerbs = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const bindingResources = new Set(['clusterrolebindings', 'rolebindings']);

function feedOf(ev: AuditEvent): Feed {
  switch (ev.format) {
    case 'aks-diagnostic':
      return ev.category === 'kube-audit-admin' ? 'kube-audit-admin' : 'kube-audit';
    case 'la-aksaudit':
    case 'la-azurediagnostics':
      return /admin/i.test(ev.category ?? '') ? 'kube-audit-admin' : 'kube-audit';
    case 'eks-cloudwatch':
      return 'eks-audit';
    case 'gke-audit':
      return /data_access/.test(ev.category ?? '') ? 'gke-data-access' : 'gke-admin-activity';
    case 'ecs':
      return ev.kind === 'activity' ? 'activity-log' : 'ecs-audit';
    case 'azure-activity':
    case 'la-azureactivity':
      return 'activity-log';
    case 'kube-events':
      return 'kube-events';
    default:
      return 'k8s-audit';
  }
}

/** The cluster part of an ARM id of a managed or Arc-connected cluster (Activity records name sub-resources). */
const armCluster =
  /^(\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/[^/]+\/(managedclusters|connectedclusters)\/([^/]+))/i;

const bump = <K>(m: Map<K, number>, k: K): void => {
  m.set(k, (m.get(k) ?? 0) + 1);
};

/**
 * Accumulates coverage facts; `clusters()` gives them per cluster, `subscriptionsWithActivity`
 * the Azure subscriptions whose Activity Log is present.
 * @example
 * const c = new CoverageCollector();
 * for (const ev of events) c.add(ev);
 * c.clusters()[0].feeds.has('kube-audit'); // true for an AKS kube-audit blob
 */
export class CoverageCollector {
  private readonly byKey = new Map<string, ClusterFacts>();
  /** Lower-cased subscription ids -> Activity Log records seen for them. */
  readonly subscriptionsWithActivity = new Map<string, number>();
  /** Activity records that are not about a cluster. */
  otherActivity = 0;
  /** The same request from two feeds (kube-audit and kube-audit-admin) counts once in the signals. */
  private readonly seen = new DedupWindow(1 << 18);

  add(ev: AuditEvent): void {
    const feed = feedOf(ev);
    const first = this.seen.add(requestKey(ev));
    if (feed === 'activity-log') {
      const id =
        typeof ev.activity?.resourceId === 'string' ? ev.activity.resourceId : (ev.cluster?.id ?? '');
      const sub =
        /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ??
        ev.cluster?.subscriptionId?.toLowerCase();
      if (sub) bump(this.subscriptionsWithActivity, sub);
      const m = armCluster.exec(id);
      if (!m) {
        this.otherActivity++;
        return;
      }
      const c = this.cluster(
        clusterKey(m[1]!),
        m[4]!,
        m[1]!,
        m[3]!.toLowerCase() === 'connectedclusters' ? 'arc' : 'aks',
        sub,
      );
      this.common(c, ev, feed);
      if (!first) return;
      const op = String(ev.activity?.operationName ?? '').toUpperCase();
      if (m[3]!.toLowerCase() === 'connectedclusters' && id.length > m[1]!.length) c.arcOps++;
      if (/EVENTS\/DELETE$/.test(op)) c.arcEventDeletes++;
      if (/LISTCLUSTER(ADMIN|USER|MONITORINGUSER)CREDENTIAL/.test(op)) c.credentialFetches++;
      return;
    }
    const id = ev.cluster?.id ?? ev.cluster?.name;
    const c = id
      ? this.cluster(
          clusterKey(id),
          ev.cluster?.name ?? id,
          id,
          ev.provider,
          ev.cluster?.subscriptionId?.toLowerCase(),
        )
      : this.cluster(`(unidentified ${ev.provider})`, '(unidentified)', '', ev.provider, undefined);
    this.common(c, ev, feed);
    const a = ev.audit;
    if (!a || !first) return;
    if (a.level) bump(c.levels, a.level);
    if (a.stage) bump(c.stages, a.stage);
    const verb = a.verb ?? '';
    const res = a.objectRef?.resource ?? '';
    const sub = a.objectRef?.subresource ?? '';
    if (sub === 'exec' || sub === 'attach') {
      if (verb === 'get') c.execGet++;
      else c.execCreate++;
    } else if (readVerbs.has(verb)) {
      c.reads++;
      if (res === 'secrets') c.secretReads++;
    }
    if (writeVerbs.has(verb)) c.writes++;
    const skipped = a.requestObject === 'skipped-too-big-size-object';
    if (skipped) c.skippedBodies++;
    const body = a.requestObject !== undefined && a.requestObject !== null && !skipped;
    if (res === 'pods' && !sub && verb === 'create') {
      c.podCreates++;
      if (body) c.podCreatesWithBody++;
    }
    if (bindingResources.has(res) && (verb === 'create' || verb === 'update' || verb === 'patch')) {
      c.bindingWrites++;
      if (body) c.bindingWritesWithBody++;
    }
    if (res === 'events' && (verb === 'delete' || verb === 'deletecollection')) c.eventDeletes++;
  }

  clusters(): ClusterFacts[] {
    return [...this.byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  private cluster(
    key: string,
    name: string,
    id: string,
    provider: string,
    sub: string | undefined,
  ): ClusterFacts {
    let c = this.byKey.get(key);
    if (!c) {
      c = {
        key,
        name,
        id,
        provider,
        ...(sub ? { subscription: sub } : {}),
        feeds: new Map(),
        levels: new Map(),
        stages: new Map(),
        firstTs: Number.POSITIVE_INFINITY,
        lastTs: Number.NEGATIVE_INFINITY,
        firstTime: '',
        lastTime: '',
        hours: new Set(),
        events: 0,
        reads: 0,
        secretReads: 0,
        execCreate: 0,
        execGet: 0,
        podCreates: 0,
        podCreatesWithBody: 0,
        bindingWrites: 0,
        bindingWritesWithBody: 0,
        skippedBodies: 0,
        eventDeletes: 0,
        writes: 0,
        arcOps: 0,
        arcEventDeletes: 0,
        credentialFetches: 0,
      };
      this.byKey.set(key, c);
    }
    if (!c.subscription && sub) c.subscription = sub;
    return c;
  }

  private common(c: ClusterFacts, ev: AuditEvent, feed: Feed): void {
    bump(c.feeds, feed);
    c.events++;
    if (ev.ts < c.firstTs) {
      c.firstTs = ev.ts;
      c.firstTime = ev.time;
    }
    if (ev.ts > c.lastTs) {
      c.lastTs = ev.ts;
      c.lastTime = ev.time;
    }
    c.hours.add(Math.floor(ev.ts / 3_600_000));
  }
}
