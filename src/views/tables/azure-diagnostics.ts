import type { AuditEvent } from '../../model/event.js';
import { parseArmResourceId } from '../azure-fields.js';
import { lowerResourceId } from './aks-audit.js';
import { auditJsonText } from './audit-json.js';
import { defineTable, type TableView } from './table-view.js';

/**
 * Legacy `AzureDiagnostics` rows for AKS audit (diagnostic setting in Azure-diagnostics mode):
 * `Category` = kube-audit | kube-audit-admin and the Event as a JSON string in `log_s`, which the
 * Sentinel AKS hunting queries read with `parse_json(log_s)`. The other `properties` fields get the
 * `_s` suffix (`pod_s`, `containerID_s`, `stream_s`; unverified, no export was found).
 */

type Obj = Record<string, unknown>;

function prop(ev: AuditEvent, key: string): unknown {
  const p = ev.envelope?.properties;
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Obj)[key] : undefined;
}

function logText(ev: AuditEvent): string | undefined {
  const original = prop(ev, 'log');
  if (typeof original === 'string') return original;
  return ev.audit ? auditJsonText(ev.audit) : undefined;
}

const arm = (ev: AuditEvent) => parseArmResourceId(ev.cluster?.id);

/**
 * The AzureDiagnostics table view (AKS audit rows).
 * @example JSON.parse(azureDiagnostics.row(ev).log_s as string).verb === ev.audit?.verb
 */
export const azureDiagnostics: TableView = defineTable(
  'AzureDiagnostics',
  (ev) => ev.kind === 'audit' && (ev.provider === 'aks' || ev.provider === 'arc'),
  [
    { name: 'TimeGenerated', type: 'datetime', get: (ev) => ev.ts },
    { name: 'Category', type: 'string', get: (ev) => ev.category ?? ev.envelope?.category ?? 'kube-audit' },
    { name: 'log_s', type: 'string', description: 'The audit Event as JSON text', get: logText },
    {
      name: 'OperationName',
      type: 'string',
      get: (ev) =>
        ev.envelope?.operationName ?? 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    },
    { name: 'ResourceId', type: 'string', get: (ev) => ev.cluster?.id },
    { name: 'Resource', type: 'string', get: (ev) => arm(ev).name ?? ev.cluster?.name },
    {
      name: 'ResourceGroup',
      type: 'string',
      get: (ev) => arm(ev).resourceGroup ?? ev.cluster?.resourceGroup,
    },
    {
      name: 'SubscriptionId',
      type: 'string',
      get: (ev) => arm(ev).subscriptionId ?? ev.cluster?.subscriptionId,
    },
    { name: 'ResourceProvider', type: 'string', get: (ev) => arm(ev).provider },
    { name: 'ResourceType', type: 'string', get: (ev) => arm(ev).type },
    { name: 'pod_s', type: 'string', get: (ev) => prop(ev, 'pod') },
    { name: 'containerID_s', type: 'string', get: (ev) => prop(ev, 'containerID') },
    { name: 'stream_s', type: 'string', get: (ev) => prop(ev, 'stream') },
    { name: 'SourceSystem', type: 'string', get: () => 'Azure' },
    { name: 'TenantId', type: 'string', get: () => null },
    { name: 'Type', type: 'string', get: () => 'AzureDiagnostics' },
    { name: '_ResourceId', type: 'string', get: lowerResourceId },
    {
      name: '_SubscriptionId',
      type: 'string',
      get: (ev) => (arm(ev).subscriptionId ?? ev.cluster?.subscriptionId)?.toLowerCase(),
    },
  ],
  'Azure diagnostics (legacy mode), AKS kube-audit rows',
);
