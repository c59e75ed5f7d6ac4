import type { AuditEvent } from '../../model/event.js';
import {
  activityClaims,
  activityIdentity,
  activityProperties,
  callerOf,
  categoryValueOf,
  operationNameOf,
  parseArmResourceId,
  resourceProviderOf,
} from '../azure-fields.js';
import { defineTable, type TableView } from './table-view.js';

/**
 * `AzureActivity` rows (Log Analytics) from Activity Log records, incl. Arc
 * `MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/*` operations.
 * - `OperationNameValue` is the raw operation (original case); `OperationName` is the display
 *   name, which is only known when the record carries `operationName.localizedValue` (REST shape),
 *   else the raw operation is repeated.
 * - `ActivityStatusValue` / `ActivitySubstatusValue` = resultType / resultSignature.
 * - `Properties_d`, `Claims_d`, `Authorization_d` are dynamic; `Properties`, `Claims`,
 *   `Authorization` the same as JSON text.
 * - `Caller` = UPN, else object id, else app id from the claims.
 */

type Obj = Record<string, unknown>;

const arm = (ev: AuditEvent) => parseArmResourceId(ev.activity?.resourceId);

function displayName(ev: AuditEvent): string | undefined {
  const op: unknown = ev.activity?.operationName;
  if (op && typeof op === 'object' && !Array.isArray(op)) {
    const l = (op as Obj).localizedValue;
    if (typeof l === 'string') return l;
  }
  return operationNameOf(ev.activity);
}

function authorization(ev: AuditEvent): unknown {
  return activityIdentity(ev.activity)?.authorization;
}

function propertiesText(ev: AuditEvent): string | undefined {
  const p: unknown = ev.activity?.properties;
  if (typeof p === 'string') return p;
  return p === undefined ? undefined : JSON.stringify(p);
}

function prop(ev: AuditEvent, key: string): unknown {
  return activityProperties(ev.activity)?.[key];
}

/**
 * The AzureActivity table view.
 * @example azureActivity.row(ev).OperationNameValue // 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE'
 */
export const azureActivity: TableView = defineTable(
  'AzureActivity',
  (ev) => ev.kind === 'activity',
  [
    { name: 'TimeGenerated', type: 'datetime', get: (ev) => ev.ts },
    {
      name: 'OperationNameValue',
      type: 'string',
      description: 'Raw operation name',
      get: (ev) => operationNameOf(ev.activity),
    },
    { name: 'OperationName', type: 'string', description: 'Display name of the operation', get: displayName },
    { name: 'Level', type: 'string', get: (ev) => ev.activity?.level },
    { name: 'ActivityStatusValue', type: 'string', get: (ev) => ev.activity?.resultType },
    { name: 'ActivitySubstatusValue', type: 'string', get: (ev) => ev.activity?.resultSignature },
    { name: 'ActivityStatus', type: 'string', get: (ev) => ev.activity?.resultType },
    { name: 'ActivitySubstatus', type: 'string', get: (ev) => ev.activity?.resultSignature },
    { name: 'Caller', type: 'string', get: (ev) => callerOf(ev.activity) },
    { name: 'CallerIpAddress', type: 'string', get: (ev) => ev.activity?.callerIpAddress },
    { name: 'CategoryValue', type: 'string', get: (ev) => categoryValueOf(ev.activity) },
    { name: 'Category', type: 'string', get: (ev) => categoryValueOf(ev.activity) },
    { name: 'CorrelationId', type: 'string', get: (ev) => ev.activity?.correlationId },
    { name: 'EventDataId', type: 'string', get: (ev) => ev.activity?.eventDataId ?? prop(ev, 'eventDataId') },
    { name: 'EventSubmissionTimestamp', type: 'datetime', get: (ev) => ev.activity?.time ?? ev.ts },
    { name: 'Hierarchy', type: 'string', get: (ev) => prop(ev, 'hierarchy') },
    { name: 'HTTPRequest', type: 'string', get: (ev) => ev.activity?.httpRequest },
    { name: 'OperationId', type: 'string', get: (ev) => ev.activity?.operationId },
    { name: 'Properties', type: 'string', get: propertiesText },
    { name: 'Properties_d', type: 'dynamic', get: (ev) => activityProperties(ev.activity) },
    { name: 'Authorization', type: 'string', get: authorization },
    { name: 'Authorization_d', type: 'dynamic', get: authorization },
    { name: 'Claims', type: 'string', get: (ev) => activityClaims(ev.activity) },
    { name: 'Claims_d', type: 'dynamic', get: (ev) => activityClaims(ev.activity) },
    { name: 'Resource', type: 'string', get: (ev) => arm(ev).name },
    { name: 'ResourceGroup', type: 'string', get: (ev) => arm(ev).resourceGroup },
    { name: 'ResourceId', type: 'string', get: (ev) => ev.activity?.resourceId },
    { name: 'ResourceProviderValue', type: 'string', get: (ev) => resourceProviderOf(ev.activity) },
    { name: 'ResourceProvider', type: 'string', get: (ev) => resourceProviderOf(ev.activity) },
    { name: 'SubscriptionId', type: 'string', get: (ev) => arm(ev).subscriptionId },
    { name: 'TenantId', type: 'string', get: (ev) => ev.activity?.tenantId },
    { name: 'SourceSystem', type: 'string', get: () => 'Azure' },
    { name: 'Type', type: 'string', get: () => 'AzureActivity' },
    { name: '_ResourceId', type: 'string', get: (ev) => ev.activity?.resourceId?.toLowerCase() },
    { name: '_SubscriptionId', type: 'string', get: (ev) => arm(ev).subscriptionId?.toLowerCase() },
  ],
  'Azure Activity Log (control-plane operations, incl. Arc-enabled Kubernetes)',
);
