import type { AuditEvent } from '../../model/event.js';
import { callerOf, operationNameOf } from '../azure-fields.js';
import { defineTable, type TableView } from './table-view.js';

/**
 * Defender XDR `CloudAuditEvents`: the documented columns plus the live schema's additions
 * (`AzureResourceId`, `AwsResourceName`, `GcpFullResourceName`, `Account`, `AuditSource`,
 * `TenantId`, `TimeGenerated`, `SourceSystem`, `Type`), with both `Isp` (documented) and `ISP`
 * (live): KQL names are case-sensitive.
 *
 * Kubernetes rows follow Microsoft's own sample queries: `OperationName` is the K8s verb and
 * `RawEventData` is the audit Event with its top-level keys in PascalCase (first letter upper-cased:
 * `ObjectRef`, `ResponseStatus`, `User`, `RequestObject`, `RequestURI`, `AuditID`, `SourceIPs`),
 * inner keys as written. Activity rows carry the raw ARM operation in `OperationName` and the
 * record, top-level keys PascalCased the same way, in `RawEventData`.
 *
 * `DataSource` values (only the AKS one is documented by Microsoft; the others are our choice):
 * AKS "Azure Kubernetes Service", Arc "Azure Arc-enabled Kubernetes", EKS "Amazon Elastic
 * Kubernetes Service", GKE "Google Kubernetes Engine", raw audit logs "Kubernetes Audit",
 * Activity Log records (incl. Arc operations) "Azure Resource Manager". Geo columns are null (no GeoIP database).
 */

type Obj = Record<string, unknown>;

/** `DataSource` by provider (the store's SQL view is generated from it). */
export const DATA_SOURCE: Readonly<Record<AuditEvent['provider'], string>> = {
  aks: 'Azure Kubernetes Service',
  arc: 'Azure Arc-enabled Kubernetes',
  eks: 'Amazon Elastic Kubernetes Service',
  gke: 'Google Kubernetes Engine',
  k8s: 'Kubernetes Audit',
  azure: 'Azure Resource Manager',
};

/**
 * The top level of a record with PascalCase keys (first letter upper-cased), inner values untouched.
 * @example pascalTopLevel({ requestURI: '/x', objectRef: { resource: 'pods' } }) // { RequestURI: '/x', ObjectRef: { resource: 'pods' } }
 */
export function pascalTopLevel(v: unknown): Obj | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v as Obj)) out[k.charAt(0).toUpperCase() + k.slice(1)] = x;
  return out;
}

/**
 * Non-ASCII characters whose upper case starts with ASCII (so a key starting with one becomes an
 * ASCII PascalCase key: 'ıd' -> 'Id'), by that upper case. Computed from `String#toUpperCase` over
 * every code point.
 */
const asciiUppers: readonly (readonly [string, string])[] = [
  ['SS', '\u00df'],
  ['I', '\u0131'],
  ['S', '\u017f'],
  ['J\u030c', '\u01f0'],
  ['H\u0331', '\u1e96'],
  ['T\u0308', '\u1e97'],
  ['W\u030a', '\u1e98'],
  ['Y\u030a', '\u1e99'],
  ['A\u02be', '\u1e9a'],
  ['FF', '\ufb00'],
  ['FI', '\ufb01'],
  ['FL', '\ufb02'],
  ['FFI', '\ufb03'],
  ['FFL', '\ufb04'],
  ['ST', '\ufb05'],
  ['ST', '\ufb06'],
];

const candidateCache = new Map<string, readonly string[] | undefined>();

/** The source keys `pascalTopLevel` turns into `key`; undefined when that is not worked out here. */
function sourceKeys(key: string): readonly string[] | undefined {
  if (candidateCache.has(key)) return candidateCache.get(key);
  const c = key.charCodeAt(0);
  let out: string[] | undefined;
  if (c >= 65 && c <= 90) {
    out = [key.charAt(0).toLowerCase() + key.slice(1), key];
    for (const [upper, ch] of asciiUppers) if (key.startsWith(upper)) out.push(ch + key.slice(upper.length));
  } else if (c >= 97 && c <= 122) out = [];
  else if (c < 128) out = [key];
  if (candidateCache.size < 10_000) candidateCache.set(key, out);
  return out;
}

/**
 * Some keys of `pascalTopLevel(v)` without building it: each PascalCase key is read from the one
 * source key that becomes it. When several present source keys become the same key (the later one
 * wins there), or a key's spelling is not worked out here, the whole conversion decides.
 * @example pascalKeys({ objectRef: { resource: 'pods' }, verb: 'get' }, ['ObjectRef']) // { ObjectRef: { resource: 'pods' } }
 */
export function pascalKeys(v: unknown, keys: readonly string[]): Obj | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const src = v as Obj;
  const out: Obj = {};
  for (const key of keys) {
    const from = sourceKeys(key);
    if (!from) return pick(pascalTopLevel(src) ?? {}, keys);
    let found: string | undefined;
    for (const k of from) {
      if (!Object.hasOwn(src, k)) continue;
      if (found !== undefined) return pick(pascalTopLevel(src) ?? {}, keys);
      found = k;
    }
    if (found !== undefined) out[key] = src[found];
  }
  return out;
}

function pick(o: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (Object.hasOwn(o, k)) out[k] = o[k];
  return out;
}

/**
 * CloudAuditEvents `ActionType` for a K8s verb: create -> Create, get/list/watch -> Read,
 * update/patch -> Update, delete/deletecollection -> Delete, anything else -> Other.
 * @example actionTypeOfVerb('patch') === 'Update'
 */
export function actionTypeOfVerb(verb: string | undefined): string {
  switch (verb?.toLowerCase()) {
    case undefined:
    case '':
      return 'Unknown';
    case 'create':
      return 'Create';
    case 'get':
    case 'list':
    case 'watch':
      return 'Read';
    case 'update':
    case 'patch':
      return 'Update';
    case 'delete':
    case 'deletecollection':
      return 'Delete';
    default:
      return 'Other';
  }
}

/** ActionType of an ARM operation by its last segment: write -> Update, read -> Read, delete -> Delete, action -> Other. */
function actionTypeOfArmOperation(op: string | undefined): string {
  const last = op?.split('/').pop()?.toLowerCase();
  if (last === 'write') return 'Update';
  if (last === 'read') return 'Read';
  if (last === 'delete') return 'Delete';
  if (last === undefined || last === '') return 'Unknown';
  return 'Other';
}

function azureResourceId(ev: AuditEvent): string | undefined {
  if (ev.kind === 'activity') return ev.activity?.resourceId;
  return ev.provider === 'aks' || ev.provider === 'arc' ? ev.cluster?.id : undefined;
}

function awsResourceName(ev: AuditEvent): string | undefined {
  if (ev.provider !== 'eks') return undefined;
  const id = ev.cluster?.id;
  // an ARN when the source gives one; else the cluster name (the CloudWatch log group is not a resource)
  return id?.startsWith('arn:') ? id : (ev.cluster?.name ?? id);
}

function gcpFullResourceName(ev: AuditEvent): string | undefined {
  if (ev.provider !== 'gke') return undefined;
  const c = ev.cluster;
  if (c?.id) return c.id.startsWith('//') ? c.id : `//container.googleapis.com/${c.id.replace(/^\//, '')}`;
  if (!c?.project || !c.name) return undefined;
  return `//container.googleapis.com/projects/${c.project}/locations/${c.location ?? '-'}/clusters/${c.name}`;
}

const isActivity = (ev: AuditEvent): boolean => ev.kind === 'activity';

/**
 * The CloudAuditEvents table view.
 * @example cloudAuditEvents.row(aksEvent).DataSource === 'Azure Kubernetes Service'
 */
export const cloudAuditEvents: TableView = defineTable(
  'CloudAuditEvents',
  (ev) => ev.kind === 'audit' || ev.kind === 'activity',
  [
    { name: 'Timestamp', type: 'datetime', get: (ev) => ev.ts },
    { name: 'ReportId', type: 'string', description: 'Unique event id (our dedup key)', get: (ev) => ev.id },
    {
      name: 'DataSource',
      type: 'string',
      get: (ev) => (isActivity(ev) ? DATA_SOURCE.azure : DATA_SOURCE[ev.provider]),
    },
    {
      name: 'ActionType',
      type: 'string',
      description: 'Unknown, Create, Read, Update, Delete, Other',
      get: (ev) =>
        isActivity(ev)
          ? actionTypeOfArmOperation(operationNameOf(ev.activity))
          : actionTypeOfVerb(ev.audit?.verb),
    },
    {
      name: 'OperationName',
      type: 'string',
      description: 'K8s verb, or the ARM operation',
      get: (ev) => (isActivity(ev) ? operationNameOf(ev.activity) : ev.audit?.verb),
    },
    {
      name: 'ResourceId',
      type: 'string',
      get: (ev) => (isActivity(ev) ? ev.activity?.resourceId : ev.cluster?.id),
    },
    {
      name: 'IPAddress',
      type: 'string',
      get: (ev) => (isActivity(ev) ? ev.activity?.callerIpAddress : ev.audit?.sourceIPs?.[0]),
    },
    { name: 'IsAnonymousProxy', type: 'bool', get: () => null },
    { name: 'CountryCode', type: 'string', get: () => null },
    { name: 'City', type: 'string', get: () => null },
    { name: 'Isp', type: 'string', get: () => null },
    { name: 'ISP', type: 'string', description: 'Live-schema spelling of Isp', get: () => null },
    { name: 'UserAgent', type: 'string', get: (ev) => ev.audit?.userAgent },
    {
      name: 'RawEventData',
      type: 'dynamic',
      description: 'The audit Event (or Activity record), top-level keys in PascalCase',
      get: (ev) => pascalTopLevel(isActivity(ev) ? ev.activity : ev.audit),
      parts: (ev, keys) => pascalKeys(isActivity(ev) ? ev.activity : ev.audit, keys),
    },
    {
      name: 'AdditionalFields',
      type: 'dynamic',
      get: (ev) => {
        const out: Obj = { SourceFormat: ev.format };
        if (ev.category !== undefined) out.Category = ev.category;
        if (ev.cluster?.name !== undefined) out.ClusterName = ev.cluster.name;
        return out;
      },
    },
    { name: 'AzureResourceId', type: 'string', get: azureResourceId },
    { name: 'AwsResourceName', type: 'string', get: awsResourceName },
    { name: 'GcpFullResourceName', type: 'string', get: gcpFullResourceName },
    {
      name: 'Account',
      type: 'string',
      get: (ev) => (isActivity(ev) ? callerOf(ev.activity) : ev.audit?.user?.username),
    },
    {
      name: 'AuditSource',
      type: 'string',
      get: (ev) => (isActivity(ev) ? 'AzureResourceManager' : 'KubernetesAudit'),
    },
    { name: 'TenantId', type: 'string', get: (ev) => ev.activity?.tenantId },
    { name: 'TimeGenerated', type: 'datetime', get: (ev) => ev.ts },
    { name: 'SourceSystem', type: 'string', get: () => 'CloudAudit' },
    { name: 'Type', type: 'string', get: () => 'CloudAuditEvents' },
  ],
  'Defender XDR cloud control-plane audit events (Kubernetes audit and Azure Resource Manager)',
);
