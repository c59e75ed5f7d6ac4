import { type IndexHint, necessaryValues } from '../../engine/rule-index.js';
import type { Expr } from '../../ir/expr.js';
import type { AuditEvent, EventKind } from '../../model/event.js';
import { type EcsDataset, ecsIndexNames, indexPatternMatches } from '../../views/ecs/ecs-document.js';

/** The datasets the ECS view builds from normalized events, with the event kind behind each. */
const datasetKinds: readonly (readonly [EcsDataset, EventKind])[] = [
  ['kubernetes.audit_logs', 'audit'],
  ['azure.platformlogs', 'audit'],
  ['azure.activitylogs', 'activity'],
  ['kubernetes.event', 'k8s-event'],
];

/** A stand-in event: `ecsIndexNames` reads only the dataset for non-ECS datasets. */
const probe: AuditEvent = {
  kind: 'audit',
  format: 'k8s-audit',
  provider: 'k8s',
  time: '1970-01-01T00:00:00Z',
  ts: 0,
  id: 'probe',
  raw: '',
  source: { file: '', line: 0, index: 0 },
};

export interface RuleRoute {
  /** Datasets a rule can read: its index patterns select them and its query does not exclude them. */
  readonly datasets: ReadonlySet<EcsDataset>;
  /** Necessary conditions for the scan's rule index (kinds; verbs and resources for audit-only rules). */
  readonly hint: IndexHint;
}

/**
 * Works out, once per rule, which ECS datasets it can match and a rule-index hint. A query that
 * requires `data_stream.dataset` / `event.dataset` to take given values (derived from the IR with
 * `necessaryValues`, so only necessary conditions are used) rules out the other datasets: an Azure
 * activity-log rule on `filebeat-*` does not build the `azure.platformlogs` document of every
 * AKS record. `exprs` are the rule's conditions (one, or every step of a sequence: a union).
 * @example routeRule(['logs-kubernetes.audit_logs-*'], [expr]).hint // { kinds: ['audit'], verbs: ['create'] }
 */
export function routeRule(patterns: readonly string[], exprs: readonly Expr[]): RuleRoute {
  let required: Set<string> | undefined;
  for (const e of exprs) {
    const s = necessaryValues(e, (f) => f === 'data_stream.dataset' || f === 'event.dataset');
    if (!s) {
      required = undefined;
      break;
    }
    required ??= new Set();
    for (const x of s) required.add(x);
  }
  const datasets = new Set<EcsDataset>();
  for (const [ds] of datasetKinds) {
    if (!ecsIndexNames(probe, ds).some((n) => indexPatternMatches(patterns, n))) continue;
    if (required && !required.has(ds)) continue;
    datasets.add(ds);
  }
  const kinds = [...new Set(datasetKinds.filter(([ds]) => datasets.has(ds)).map(([, k]) => k))];
  const hint: { kinds: EventKind[]; verbs?: string[]; resources?: string[] } = { kinds };
  if (datasets.size === 1 && datasets.has('kubernetes.audit_logs')) {
    const union = (field: string): string[] | undefined => {
      const out = new Set<string>();
      for (const e of exprs) {
        const s = necessaryValues(e, (f) => f === field);
        if (!s) return undefined;
        for (const x of s) out.add(x);
      }
      return [...out];
    };
    const verbs = union('kubernetes.audit.verb');
    const resources = union('kubernetes.audit.objectRef.resource');
    if (verbs) hint.verbs = verbs;
    if (resources) hint.resources = resources;
  }
  return { datasets, hint };
}
