import type { K8sAudit } from '../model/event.js';
import { emitAks } from './aks-diagnostic.js';
import { emitAudit } from './audit-event.js';
import { emitActivity } from './azure-activity.js';
import { type Emitter, isObject, parseJsonText } from './emitter.js';
import { armCluster, isArc } from './resource-id.js';
import { parseTime } from './time.js';

/**
 * Log Analytics exports (formats.md §2, §3), converted back into the canonical shapes:
 * - `AKSAudit` / `AKSAuditAdmin` / `ArcK8sAudit` / `ArcK8sAuditAdmin` rows -> an audit Event
 *   (format `la-aksaudit`);
 * - `AzureDiagnostics` rows with `log_s` -> an AKS resource-log record (`la-azurediagnostics`);
 * - `AzureActivity` rows -> an Activity Log record (`la-azureactivity`).
 * Rows come as JSON objects (portal / API exports), from `{"tables":[{columns, rows}]}`, or from CSV.
 * Dynamic columns may be JSON text (CSV, the query API): they are parsed back.
 */

const auditTables = new Set(['AKSAudit', 'AKSAuditAdmin', 'ArcK8sAudit', 'ArcK8sAuditAdmin']);

/** Which Log Analytics table a row object looks like it came from, if any. */
export function laRowKind(
  o: Record<string, unknown>,
): 'aksaudit' | 'azurediagnostics' | 'azureactivity' | undefined {
  const type = o.Type;
  if (typeof type === 'string' && auditTables.has(type)) return 'aksaudit';
  if (o.AuditId !== undefined && (o.Verb !== undefined || o.RequestUri !== undefined)) return 'aksaudit';
  if (o.log_s !== undefined) return 'azurediagnostics';
  if (o.OperationNameValue !== undefined || type === 'AzureActivity') return 'azureactivity';
  return undefined;
}

/** Emits one Log Analytics row; false when the row is of no known table. */
export function emitLaRow(
  em: Emitter,
  o: Record<string, unknown>,
  raw: string,
  line: number,
  index: number,
): boolean {
  switch (laRowKind(o)) {
    case 'aksaudit':
      aksAuditRow(em, o, raw, line, index);
      return true;
    case 'azurediagnostics':
      emitAks(em, azureDiagnosticsRecord(o), 'la-azurediagnostics', raw, line, index);
      return true;
    case 'azureactivity':
      emitActivity(em, azureActivityRecord(o), 'la-azureactivity', raw, line, index);
      return true;
    default:
      return false;
  }
}

/** A dynamic column: JSON text is parsed; empty text and null are absent. */
function dyn(v: unknown): unknown {
  if (v === null) return undefined;
  if (typeof v !== 'string') return v;
  if (v === '') return undefined;
  const p = parseJsonText(v);
  return p === undefined ? v : p;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const isoOf = (v: unknown): string | undefined => parseTime(v)?.time ?? str(v);

const auditColumns = new Set([
  'AuditId',
  'Level',
  'Stage',
  'RequestUri',
  'Verb',
  'User',
  'SourceIps',
  'UserAgent',
  'ObjectRef',
  'ResponseStatus',
  'RequestObject',
  'ResponseObject',
  'RequestReceivedTime',
  'StageReceivedTime',
  'Annotations',
]);

function aksAuditRow(
  em: Emitter,
  o: Record<string, unknown>,
  raw: string,
  line: number,
  index: number,
): void {
  const a: K8sAudit = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: str(o.Level),
    auditID: str(o.AuditId),
    stage: str(o.Stage),
    requestURI: str(o.RequestUri),
    verb: str(o.Verb),
    user: dyn(o.User) as K8sAudit['user'],
    sourceIPs: dyn(o.SourceIps) as string[] | undefined,
    userAgent: str(o.UserAgent),
    objectRef: dyn(o.ObjectRef) as K8sAudit['objectRef'],
    responseStatus: dyn(o.ResponseStatus) as K8sAudit['responseStatus'],
    requestObject: dyn(o.RequestObject),
    responseObject: dyn(o.ResponseObject),
    requestReceivedTimestamp: isoOf(o.RequestReceivedTime),
    stageTimestamp: isoOf(o.StageReceivedTime),
    annotations: dyn(o.Annotations) as Record<string, string> | undefined,
  };
  for (const k in a) if (a[k] === undefined) delete a[k];
  const env: Record<string, unknown> = {};
  for (const k in o) if (!auditColumns.has(k)) env[k] = o[k];
  const type = str(o.Type) ?? 'AKSAudit';
  const rid = str(o._ResourceId) ?? str(o.ResourceId);
  emitAudit(
    em,
    a,
    'la-aksaudit',
    type.startsWith('ArcK8s') || isArc(rid) ? 'arc' : 'aks',
    env,
    rid ? armCluster(rid) : undefined,
    type.endsWith('Admin') ? 'kube-audit-admin' : 'kube-audit',
    o.TimeGenerated,
    raw,
    line,
    index,
  );
}

function azureDiagnosticsRecord(o: Record<string, unknown>): Record<string, unknown> {
  const props: Record<string, unknown> = { log: o.log_s };
  if (str(o.pod_s)) props.pod = o.pod_s;
  if (str(o.containerID_s)) props.containerID = o.containerID_s;
  if (str(o.stream_s)) props.stream = o.stream_s;
  const r: Record<string, unknown> = {
    category: str(o.Category) ?? '',
    operationName: str(o.OperationName),
    resourceId: str(o.ResourceId) ?? str(o._ResourceId),
    time: isoOf(o.TimeGenerated),
    properties: props,
  };
  for (const k in r) if (r[k] === undefined) delete r[k];
  return r;
}

function azureActivityRecord(o: Record<string, unknown>): Record<string, unknown> {
  const authorization = dyn(o.Authorization_d ?? o.Authorization);
  const claims = dyn(o.Claims_d ?? o.Claims);
  const r: Record<string, unknown> = {
    time: str(o.TimeGenerated) ?? str(o.EventSubmissionTimestamp),
    resourceId: str(o.ResourceId) ?? str(o._ResourceId),
    operationName: str(o.OperationNameValue) ?? str(o.OperationName),
    category: str(o.CategoryValue) ?? str(o.Category),
    resultType: str(o.ActivityStatusValue) ?? str(o.ActivityStatus),
    resultSignature: str(o.ActivitySubstatusValue) ?? str(o.ActivitySubstatus),
    callerIpAddress: str(o.CallerIpAddress),
    correlationId: str(o.CorrelationId),
    identity: authorization !== undefined || claims !== undefined ? { authorization, claims } : undefined,
    level: str(o.Level),
    properties: dyn(o.Properties_d ?? o.Properties),
    tenantId: str(o.TenantId),
    eventDataId: str(o.EventDataId),
    caller: str(o.Caller),
    subscriptionId: str(o.SubscriptionId),
  };
  for (const k in r) if (r[k] === undefined) delete r[k];
  if (isObject(r.identity)) for (const k in r.identity) if (r.identity[k] === undefined) delete r.identity[k];
  return r;
}

/**
 * Rows of a Log Analytics query API response `{"tables":[{"columns":[{name}],"rows":[[…]]}]}` as
 * objects keyed by column name.
 */
export function tableRows(o: Record<string, unknown>): Record<string, unknown>[] | undefined {
  const tables = o.tables;
  if (!Array.isArray(tables)) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const t of tables) {
    if (!isObject(t) || !Array.isArray(t.columns) || !Array.isArray(t.rows)) return undefined;
    const names = t.columns.map((c) => columnName(isObject(c) ? String(c.name ?? c.ColumnName) : String(c)));
    for (const row of t.rows) {
      if (!Array.isArray(row)) continue;
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++)
        if (row[i] !== null && row[i] !== undefined) obj[names[i]!] = row[i];
      out.push(obj);
    }
  }
  return out;
}

/** A column header as the portal writes it (`TimeGenerated [UTC]`) -> the column name. */
export const columnName = (h: string): string => h.replace(/\s*\[(UTC|Local Time)\]\s*$/i, '').trim();
