import type { AuditEvent } from '../../model/event.js';
import { defineTable, type TableView } from './table-view.js';

/**
 * `KubeEvents` rows from `kubectl get events -o json` items, in the spirit of Container insights'
 * KubeEvents table. Reads both core/v1 Events (`involvedObject`, `message`, `source`, `count`,
 * `firstTimestamp`/`lastTimestamp`) and events.k8s.io/v1 Events (`regarding`, `note`,
 * `reportingController`, `deprecated*`, `series`).
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;

const item = (ev: AuditEvent): Obj => ev.kubeEvent ?? {};
const target = (ev: AuditEvent): Obj => obj(item(ev).involvedObject) ?? obj(item(ev).regarding) ?? {};
const source = (ev: AuditEvent): Obj => obj(item(ev).source) ?? obj(item(ev).deprecatedSource) ?? {};

function firstSeen(ev: AuditEvent): unknown {
  const e = item(ev);
  return e.firstTimestamp ?? e.deprecatedFirstTimestamp ?? e.eventTime;
}

function lastSeen(ev: AuditEvent): unknown {
  const e = item(ev);
  return obj(e.series)?.lastObservedTime ?? e.lastTimestamp ?? e.deprecatedLastTimestamp ?? e.eventTime;
}

/**
 * The KubeEvents table view.
 * @example kubeEvents.row(ev).Reason // 'BackOff'
 */
export const kubeEvents: TableView = defineTable(
  'KubeEvents',
  (ev) => ev.kind === 'k8s-event',
  [
    { name: 'TimeGenerated', type: 'datetime', get: (ev) => ev.ts },
    {
      name: 'Namespace',
      type: 'string',
      get: (ev) => target(ev).namespace ?? obj(item(ev).metadata)?.namespace,
    },
    {
      name: 'Name',
      type: 'string',
      description: 'Name of the object the event is about',
      get: (ev) => target(ev).name,
    },
    { name: 'ObjectKind', type: 'string', get: (ev) => target(ev).kind },
    { name: 'Reason', type: 'string', get: (ev) => item(ev).reason },
    { name: 'Message', type: 'string', get: (ev) => item(ev).message ?? item(ev).note },
    { name: 'KubeEventType', type: 'string', description: 'Normal or Warning', get: (ev) => item(ev).type },
    {
      name: 'Count',
      type: 'real',
      get: (ev) => item(ev).count ?? obj(item(ev).series)?.count ?? item(ev).deprecatedCount,
    },
    {
      name: 'SourceComponent',
      type: 'string',
      get: (ev) => item(ev).reportingComponent || item(ev).reportingController || source(ev).component,
    },
    { name: 'Computer', type: 'string', get: (ev) => source(ev).host ?? item(ev).reportingInstance },
    { name: 'FirstSeen', type: 'datetime', get: firstSeen },
    { name: 'LastSeen', type: 'datetime', get: lastSeen },
    { name: 'ClusterName', type: 'string', get: (ev) => ev.cluster?.name },
    { name: 'ClusterId', type: 'string', get: (ev) => ev.cluster?.id },
    { name: 'SourceSystem', type: 'string', get: () => 'Kubernetes' },
    { name: 'Type', type: 'string', get: () => 'KubeEvents' },
    { name: '_ResourceId', type: 'string', get: (ev) => ev.cluster?.id?.toLowerCase() },
  ],
  'Kubernetes events (kubectl get events snapshot)',
);
