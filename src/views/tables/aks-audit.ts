import type { AuditEvent } from '../../model/event.js';
import { parseArmResourceId } from '../azure-fields.js';
import { type ColumnDef, defineTable, type TableView } from './table-view.js';

/**
 * The resource-specific Log Analytics tables for AKS audit (`AKSAudit`, `AKSAuditAdmin`) and
 * Arc-enabled Kubernetes (`ArcK8sAudit`, `ArcK8sAuditAdmin`); all four have the same columns
 * (Microsoft Learn table reference, mirrored by pySigma-backend-kusto tables.py). There is no
 * ImpersonatedUser column.
 *
 * Rows: every AKS (resp. Arc) audit event goes to AKSAudit (resp. ArcK8sAudit), whichever
 * diagnostic category it came from (ingest deduplicates a request seen through both); the Admin
 * tables hold the events whose verb is not get, list or watch, as Azure's kube-audit-admin does.
 */

type Obj = Record<string, unknown>;

const READ_VERBS = new Set(['get', 'list', 'watch']);

/**
 * Whether an audit event belongs in an `*Admin` table (not a get/list/watch).
 * @example isAdminVerb(patchEvent) === true
 */
export function isAdminVerb(ev: AuditEvent): boolean {
  const v = ev.audit?.verb;
  return v !== undefined && !READ_VERBS.has(v.toLowerCase());
}

function podName(ev: AuditEvent): unknown {
  const props = ev.envelope?.properties;
  if (props && typeof props === 'object' && !Array.isArray(props)) return (props as Obj).pod;
  return ev.envelope?.PodName;
}

/**
 * `_ResourceId` as Log Analytics writes it: the ARM id in lower case.
 * @example lowerResourceId(aksEvent) // '/subscriptions/…/managedclusters/name'
 */
export function lowerResourceId(ev: AuditEvent): string | undefined {
  return ev.cluster?.id?.toLowerCase();
}

/** The columns shared by AKSAudit, AKSAuditAdmin, ArcK8sAudit and ArcK8sAuditAdmin. */
function aksAuditColumns(table: string): ColumnDef[] {
  return [
    { name: 'TimeGenerated', type: 'datetime', get: (ev) => ev.ts },
    { name: 'AuditId', type: 'string', get: (ev) => ev.audit?.auditID },
    { name: 'Level', type: 'string', get: (ev) => ev.audit?.level },
    { name: 'Stage', type: 'string', get: (ev) => ev.audit?.stage },
    { name: 'Verb', type: 'string', get: (ev) => ev.audit?.verb },
    { name: 'RequestUri', type: 'string', get: (ev) => ev.audit?.requestURI },
    { name: 'User', type: 'dynamic', get: (ev) => ev.audit?.user },
    { name: 'SourceIps', type: 'dynamic', get: (ev) => ev.audit?.sourceIPs },
    { name: 'UserAgent', type: 'string', get: (ev) => ev.audit?.userAgent },
    { name: 'ObjectRef', type: 'dynamic', get: (ev) => ev.audit?.objectRef },
    { name: 'ResponseStatus', type: 'dynamic', get: (ev) => ev.audit?.responseStatus },
    {
      name: 'RequestObject',
      type: 'dynamic',
      description: 'The request body, or the string "skipped-too-big-size-object"',
      get: (ev) => ev.audit?.requestObject,
    },
    { name: 'ResponseObject', type: 'dynamic', get: (ev) => ev.audit?.responseObject },
    { name: 'RequestReceivedTime', type: 'datetime', get: (ev) => ev.audit?.requestReceivedTimestamp },
    { name: 'StageReceivedTime', type: 'datetime', get: (ev) => ev.audit?.stageTimestamp },
    { name: 'Annotations', type: 'dynamic', get: (ev) => ev.audit?.annotations },
    { name: 'PodName', type: 'string', get: podName },
    { name: 'SourceSystem', type: 'string', get: () => 'Azure' },
    {
      name: 'TenantId',
      type: 'string',
      description: 'Log Analytics workspace id (unknown offline)',
      get: () => null,
    },
    { name: 'Type', type: 'string', get: () => table },
    { name: '_ResourceId', type: 'string', get: lowerResourceId },
    {
      name: '_SubscriptionId',
      type: 'string',
      description: 'Lower case, as Log Analytics writes it',
      get: (ev) =>
        (ev.cluster?.subscriptionId ?? parseArmResourceId(ev.cluster?.id).subscriptionId)?.toLowerCase(),
    },
    {
      name: '_BilledSize',
      type: 'real',
      description: 'Size of the raw record in bytes',
      get: (ev) => ev.raw.length,
    },
    { name: '_IsBillable', type: 'string', get: () => 'true' },
  ];
}

const isAks = (ev: AuditEvent): boolean => ev.kind === 'audit' && ev.provider === 'aks';
const isArc = (ev: AuditEvent): boolean => ev.kind === 'audit' && ev.provider === 'arc';

/**
 * AKSAudit: every AKS audit event.
 * @example aksAudit.row(ev).Verb === ev.audit?.verb
 */
export const aksAudit: TableView = defineTable(
  'AKSAudit',
  isAks,
  aksAuditColumns('AKSAudit'),
  'AKS audit (kube-audit)',
);

/**
 * AKSAuditAdmin: AKS audit events that are not get/list/watch.
 * @example aksAuditAdmin.accepts(getEvent) === false
 */
export const aksAuditAdmin: TableView = defineTable(
  'AKSAuditAdmin',
  (ev) => isAks(ev) && isAdminVerb(ev),
  aksAuditColumns('AKSAuditAdmin'),
  'AKS audit without get/list/watch (kube-audit-admin)',
);

/**
 * ArcK8sAudit: every Arc-enabled cluster audit event.
 * @example arcK8sAudit.accepts(arcEvent) === true
 */
export const arcK8sAudit: TableView = defineTable(
  'ArcK8sAudit',
  isArc,
  aksAuditColumns('ArcK8sAudit'),
  'Azure Arc-enabled Kubernetes audit',
);

/**
 * ArcK8sAuditAdmin: Arc audit events that are not get/list/watch.
 * @example arcK8sAuditAdmin.accepts(arcGetEvent) === false
 */
export const arcK8sAuditAdmin: TableView = defineTable(
  'ArcK8sAuditAdmin',
  (ev) => isArc(ev) && isAdminVerb(ev),
  aksAuditColumns('ArcK8sAuditAdmin'),
  'Azure Arc-enabled Kubernetes audit without get/list/watch',
);
