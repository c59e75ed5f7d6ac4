import type { AuditEvent, Getter } from '../../model/event.js';
import { lookupDotted } from '../dotted-lookup.js';
import { fastEcsGetter, NEEDS_DOCUMENT } from './ecs-fast-paths.js';
import { ecsActivityLogs, ecsPlatformLogs } from './ecs-azure.js';
import { ecsKubernetesAudit, isoMillis, pruneEmpty } from './ecs-k8s.js';

/**
 * The ECS view: the nested document Filebeat / Elastic Agent would index for an event, so that
 * Elastic rules (Kibana query language, EQL, ES|QL) read the field names they were written for.
 *
 * Datasets (one event can be indexed under more than one, as when both integrations are installed):
 * - audit events from raw logs, EKS and GKE: `kubernetes.audit_logs` (Kubernetes integration);
 * - AKS / Arc diagnostic records: `kubernetes.audit_logs` first (the only AKS input -> expected pair
 *   in Elastic's fixtures, test-kube-audit.log, goes through it), and also `azure.platformlogs`
 *   (the Azure integration; Elastic's AKS rules query that dataset);
 * - Activity Log records: `azure.activitylogs`;
 * - `kubectl get events` items: `kubernetes.event` (a minimal document).
 * ECS input (`format: 'ecs'`) is normalized back to canonical events by the ingest, so it is
 * rebuilt like any other event of its kind.
 * Documents are built once per (event, dataset) and cached in a WeakMap.
 */

/** The datasets the ECS view can build. */
export type EcsDataset =
  | 'kubernetes.audit_logs'
  | 'azure.platformlogs'
  | 'azure.activitylogs'
  | 'kubernetes.event';

type Obj = Record<string, unknown>;

const AZURE_DIAGNOSTIC_FORMATS = new Set<AuditEvent['format']>([
  'aks-diagnostic',
  'la-aksaudit',
  'la-azurediagnostics',
]);

const AUDIT_ONLY: readonly EcsDataset[] = Object.freeze(['kubernetes.audit_logs'] as EcsDataset[]);
const AUDIT_AND_PLATFORM: readonly EcsDataset[] = Object.freeze([
  'kubernetes.audit_logs',
  'azure.platformlogs',
] as EcsDataset[]);
const ACTIVITY: readonly EcsDataset[] = Object.freeze(['azure.activitylogs'] as EcsDataset[]);
const KUBE_EVENT: readonly EcsDataset[] = Object.freeze(['kubernetes.event'] as EcsDataset[]);

/**
 * The datasets an event would be indexed under, primary first (a shared, frozen array).
 * @example ecsDatasets(aksEvent) // ['kubernetes.audit_logs', 'azure.platformlogs']
 */
export function ecsDatasets(ev: AuditEvent): readonly EcsDataset[] {
  if (ev.kind === 'activity') return ACTIVITY;
  if (ev.kind === 'k8s-event') return KUBE_EVENT;
  if (AZURE_DIAGNOSTIC_FORMATS.has(ev.format) || ev.provider === 'aks' || ev.provider === 'arc')
    return AUDIT_AND_PLATFORM;
  return AUDIT_ONLY;
}

/** The primary dataset, without allocating (the hot path of every Elastic rule). */
function primaryDataset(ev: AuditEvent): EcsDataset {
  if (ev.kind === 'activity') return 'azure.activitylogs';
  if (ev.kind === 'k8s-event') return 'kubernetes.event';
  return 'kubernetes.audit_logs';
}

// Primary documents in their own WeakMap (one lookup per read); other datasets in a per-event map.
const primaryCache = new WeakMap<AuditEvent, Obj>();
const otherCache = new WeakMap<AuditEvent, Map<EcsDataset, Obj | undefined>>();

/**
 * The ECS document of an event for a dataset (default: its primary dataset); undefined when the
 * event is not indexed under that dataset. Cached per event: do not mutate the result.
 * @example ecsDocument(ev)?.kubernetes // { audit: { verb: 'create', ... } }
 */
export function ecsDocument(ev: AuditEvent, dataset?: EcsDataset): Obj | undefined {
  const primary = primaryDataset(ev);
  if (dataset === undefined || dataset === primary) {
    let doc = primaryCache.get(ev);
    if (doc === undefined) {
      doc = build(ev, primary);
      primaryCache.set(ev, doc);
    }
    return doc;
  }
  let perEvent = otherCache.get(ev);
  if (perEvent?.has(dataset)) return perEvent.get(dataset);
  const doc = ecsDatasets(ev).includes(dataset) ? build(ev, dataset) : undefined;
  if (!perEvent) {
    perEvent = new Map();
    otherCache.set(ev, perEvent);
  }
  perEvent.set(dataset, doc);
  return doc;
}

function build(ev: AuditEvent, ds: EcsDataset): Obj {
  switch (ds) {
    case 'kubernetes.audit_logs':
      return ecsKubernetesAudit(ev);
    case 'azure.platformlogs':
      return ecsPlatformLogs(ev);
    case 'azure.activitylogs':
      return ecsActivityLogs(ev);
    case 'kubernetes.event':
      return (pruneEmpty({
        '@timestamp': isoMillis(ev.ts),
        event: { kind: 'event', dataset: 'kubernetes.event', module: 'kubernetes', original: ev.raw },
        kubernetes: { event: ev.kubeEvent },
        orchestrator: { type: 'kubernetes', cluster: { name: ev.cluster?.name } },
        data_stream: { type: 'logs', dataset: 'kubernetes.event', namespace: 'default' },
      }) ?? {}) as Obj;
  }
}

/**
 * Resolves an ECS field name against a document: nested objects, array fan-out
 * (`kubernetes.audit.requestObject.spec.containers.image` yields every image), and flattened keys
 * that contain dots (`{"kubernetes.audit.verb": "get"}` or `annotations["authorization_k8s_io/decision"]`).
 * @example ecsGet(doc, 'user.name') === 'aksService'
 */
export function ecsGet(doc: Obj | undefined, field: string): unknown {
  if (!doc) return undefined;
  const direct = doc[field];
  if (direct !== undefined) return direct;
  return lookupDotted(doc, field.split('.'));
}

/** `ecsGet` with the field name split once, for compiled getters. */
function ecsPath(field: string): (doc: Obj | undefined) => unknown {
  const steps = field.split('.');
  return (doc) => {
    if (!doc) return undefined;
    const direct = doc[field];
    return direct !== undefined ? direct : lookupDotted(doc, steps);
  };
}

/**
 * Field resolver over the ECS view of each event's primary dataset. Every name resolves (ECS is
 * open); a field the document lacks reads as undefined.
 * @example ecsFieldResolver('kubernetes.audit.verb')(ev) === 'create'
 */
export function ecsFieldResolver(field: string): Getter {
  return compileEcsField(field, undefined);
}

/**
 * A getter for one field: the direct fast path over the audit Event for the common
 * `kubernetes.audit_logs` fields (no document built), else a read of the cached document.
 */
function compileEcsField(field: string, dataset: EcsDataset | undefined): Getter {
  const get = ecsPath(field);
  const fast =
    dataset === undefined || dataset === 'kubernetes.audit_logs' ? fastEcsGetter(field) : undefined;
  if (!fast) return (ev) => get(ecsDocument(ev, dataset));
  return (ev) => {
    const v = fast(ev);
    return v === NEEDS_DOCUMENT ? get(ecsDocument(ev, dataset)) : v;
  };
}

/**
 * Field resolver over one dataset's document (undefined values for events not in that dataset).
 * @example ecsFieldResolverFor('azure.platformlogs')('azure.platformlogs.category')(aksEvent) === 'kube-audit'
 */
export function ecsFieldResolverFor(dataset: EcsDataset): (field: string) => Getter {
  return (field) => compileEcsField(field, dataset);
}

const INDEX_NAMES: Record<EcsDataset, readonly string[]> = {
  'kubernetes.audit_logs': ['logs-kubernetes.audit_logs-default'],
  'azure.platformlogs': ['logs-azure.platformlogs-default', 'filebeat-8.0.0'],
  'azure.activitylogs': ['logs-azure.activitylogs-default', 'filebeat-8.0.0'],
  'kubernetes.event': ['logs-kubernetes.event-default'],
};

/**
 * The index / data stream names an event would live in (for one dataset, or all of its datasets):
 * Elastic Agent data streams `logs-<dataset>-default`, and `filebeat-8.0.0` for the Azure datasets
 * that Filebeat's azure module also writes.
 * @example ecsIndexNames(activityEvent) // ['logs-azure.activitylogs-default', 'filebeat-8.0.0']
 */
export function ecsIndexNames(ev: AuditEvent, dataset?: EcsDataset): readonly string[] {
  if (dataset) return INDEX_NAMES[dataset];
  const out: string[] = [];
  for (const ds of ecsDatasets(ev)) {
    for (const n of INDEX_NAMES[ds]) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * Whether an index name matches Elasticsearch index patterns (`*` wildcards, comma lists,
 * `-pattern` exclusions, `cluster:` prefixes ignored). Matching is case-sensitive, as in Elasticsearch.
 * @example indexPatternMatches(['logs-azure*', 'filebeat-*'], 'logs-azure.activitylogs-default') === true
 */
export function indexPatternMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const raw of patterns.flatMap((p) => p.split(','))) {
    let p = raw.trim();
    if (!p) continue;
    const exclude: boolean = p.startsWith('-') && matched;
    if (exclude) p = p.slice(1);
    const colon = p.indexOf(':');
    if (colon >= 0) p = p.slice(colon + 1);
    if (globMatch(p, name)) matched = !exclude;
  }
  return matched;
}

// Per rule (patterns array identity) and per dataset combination: computed once, then a map lookup.
const forIndexCache = new WeakMap<readonly string[], Map<readonly EcsDataset[], readonly EcsDataset[]>>();

/**
 * The event's datasets whose index names match a rule's `index` patterns (all datasets when no
 * patterns). Cached per patterns array, so pass the same array for every event of a rule.
 * @example ecsDatasetsForIndex(aksEvent, ['logs-azure*']) // ['azure.platformlogs']
 */
export function ecsDatasetsForIndex(
  ev: AuditEvent,
  patterns: readonly string[] | undefined,
): readonly EcsDataset[] {
  const all = ecsDatasets(ev);
  if (!patterns || patterns.length === 0) return all;
  let perRule = forIndexCache.get(patterns);
  if (!perRule) {
    perRule = new Map();
    forIndexCache.set(patterns, perRule);
  }
  let out = perRule.get(all);
  if (!out) {
    out = Object.freeze(all.filter((ds) => INDEX_NAMES[ds].some((n) => indexPatternMatches(patterns, n))));
    perRule.set(all, out);
  }
  return out;
}

/** `*`-only glob match without building a RegExp (linear backtracking on the last star). */
function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
