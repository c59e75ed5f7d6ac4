import type { SourceField } from './source-fields.js';

/**
 * Where a neutral field lives in a Kusto table: a column, a path of keys into a dynamic column,
 * and the steps that cross arrays. KQL reads `a.b.c` on a dynamic value with no fan-out over
 * arrays (an array property read is null), so a path that crosses an array is expanded with
 * `mv-apply`/`mv-expand` (see kusto-emit.ts); `levels` are the KQL expressions to expand, each
 * written over `$` (the previous level's item), and `leaf` is the value read from the last item.
 */
export interface KustoAccess {
  /** Expressions to expand in order (`$` = the previous item); empty for a plain scalar read. */
  readonly levels: readonly string[];
  /** The value: over the row when there are no levels, else over the last item (`$`). */
  readonly leaf: string;
  /** When the value counts as present (default: the leaf is not null / not empty). */
  readonly present?: string;
  /** A `string` column: missing values are empty strings, tested with isnotempty(). */
  readonly stringColumn: boolean;
}

/** Tables the Kusto converter writes to. */
export const KUSTO_TABLES = [
  'CloudAuditEvents',
  'AKSAudit',
  'AKSAuditAdmin',
  'ArcK8sAudit',
  'AzureActivity',
] as const;
export type KustoTable = (typeof KUSTO_TABLES)[number];

/**
 * Keys of Kubernetes objects (and the audit Event) whose values are arrays: a path crossing one is
 * expanded. A path through an array not listed here reads null in KQL, which the differential
 * tests would catch on real samples.
 */
const ARRAY_KEYS = new Set([
  'containers',
  'initContainers',
  'ephemeralContainers',
  'volumes',
  'volumeMounts',
  'add',
  'drop',
  'args',
  'command',
  'env',
  'envFrom',
  'ports',
  'groups',
  'sourceIPs',
  'SourceIPs',
  'SourceIps',
  'subjects',
  'rules',
  'verbs',
  'resources',
  'resourceNames',
  'apiGroups',
  'nonResourceURLs',
  'webhooks',
  'tolerations',
  'imagePullSecrets',
  'finalizers',
  'ownerReferences',
  'usages',
  'hostAliases',
  'externalIPs',
  'items',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Words that may not follow a `.` unquoted. */
const RESERVED = new Set([
  'and',
  'or',
  'not',
  'in',
  'has',
  'contains',
  'where',
  'by',
  'on',
  'with',
  'to',
  'of',
  'let',
  'kind',
  'typeof',
  'true',
  'false',
  'null',
  'between',
  'matches',
  'regex',
  'dynamic',
]);

/** A KQL string literal (double-quoted, backslash escapes). */
export const kqlString = (s: string): string =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;

/** `base.key` or `base["key"]` for a key that is not a plain identifier. */
export function member(base: string, key: string): string {
  return IDENT.test(key) && !RESERVED.has(key.toLowerCase())
    ? `${base}.${key}`
    : `${base}[${kqlString(key)}]`;
}

/** Builds levels and leaf for a path under a root, splitting at array keys. */
function pathAccess(root: string, keys: readonly string[]): KustoAccess {
  const levels: string[] = [];
  let cur = root;
  keys.forEach((k) => {
    cur = member(cur, k);
    if (ARRAY_KEYS.has(k)) {
      levels.push(cur);
      cur = '$';
    }
  });
  return { levels, leaf: cur, stringColumn: false };
}

const PASCAL = (k: string): string => k.charAt(0).toUpperCase() + k.slice(1);

/** AKSAudit-family columns of the audit Event's top-level keys. */
const AKS_COLUMNS: Readonly<Record<string, { col: string; string?: boolean }>> = {
  auditID: { col: 'AuditId', string: true },
  level: { col: 'Level', string: true },
  stage: { col: 'Stage', string: true },
  verb: { col: 'Verb', string: true },
  requestURI: { col: 'RequestUri', string: true },
  userAgent: { col: 'UserAgent', string: true },
  user: { col: 'User' },
  sourceIPs: { col: 'SourceIps' },
  objectRef: { col: 'ObjectRef' },
  responseStatus: { col: 'ResponseStatus' },
  requestObject: { col: 'RequestObject' },
  responseObject: { col: 'ResponseObject' },
  annotations: { col: 'Annotations' },
};

const ACTIVITY_COLUMNS: Readonly<Record<string, string>> = {
  operationName: 'OperationNameValue',
  resultType: 'ActivityStatusValue',
  resultSignature: 'ActivitySubstatusValue',
  categoryValue: 'CategoryValue',
  resourceId: 'ResourceId',
  resourceProvider: 'ResourceProviderValue',
  caller: 'Caller',
  callerIpAddress: 'CallerIpAddress',
  correlationId: 'CorrelationId',
  level: 'Level',
};

/** The root expression of the request body in a table. */
function requestObjectRoot(table: KustoTable): string {
  return table === 'CloudAuditEvents' ? 'RawEventData.RequestObject' : 'RequestObject';
}

const SPECS = (r: string): string =>
  `pack_array(${r}.spec, ${r}.spec.template.spec, ${r}.spec.jobTemplate.spec.template.spec)`;
const CONTAINER_LISTS = 'pack_array($.containers, $.initContainers, $.ephemeralContainers)';

/**
 * Maps a neutral field to a table, or says why it cannot be read there.
 * @example kustoAccess('AKSAudit', { kind: 'audit', keys: ['objectRef', 'resource'] }) // { levels: [], leaf: 'ObjectRef.resource', ... }
 */
export function kustoAccess(table: KustoTable, f: SourceField): KustoAccess | string {
  if (f.kind === 'activity') {
    if (table !== 'AzureActivity')
      return `Activity Log field '${f.name}' is converted for the AzureActivity table only`;
    if (f.name === 'properties') return pathAccess('Properties_d', f.keys ?? []);
    return { levels: [], leaf: ACTIVITY_COLUMNS[f.name]!, stringColumn: true };
  }
  if (table === 'AzureActivity') return 'a Kubernetes audit field cannot be read from AzureActivity';
  if (f.kind === 'podspec') {
    const specs = SPECS(requestObjectRoot(table));
    switch (f.name) {
      case 'capabilities':
        return {
          levels: [specs, CONTAINER_LISTS, '$', '$.securityContext.capabilities.add'],
          leaf: '$',
          stringColumn: false,
        };
      case 'privileged':
        return {
          levels: [specs, CONTAINER_LISTS, '$'],
          leaf: '$.securityContext.privileged',
          stringColumn: false,
        };
      case 'hostPath':
        // a hostPath volume without a path reads '' (views/pod-spec.ts)
        return {
          levels: [specs, '$.volumes'],
          leaf: '$.hostPath.path',
          present: 'isnotnull($.hostPath)',
          stringColumn: false,
        };
    }
  }
  const [first, ...rest] = f.keys;
  if (first === undefined) return 'empty field name';
  if (table === 'CloudAuditEvents') {
    if (first === 'verb' && rest.length === 0)
      return { levels: [], leaf: 'OperationName', stringColumn: true };
    return pathAccess('RawEventData', [PASCAL(first), ...rest]);
  }
  const col = AKS_COLUMNS[first];
  if (!col) return `the ${table} table has no column for the audit Event's '${first}'`;
  if (col.string && rest.length === 0) return { levels: [], leaf: col.col, stringColumn: true };
  if (ARRAY_KEYS.has(first) && rest.length === 0)
    return { levels: [col.col], leaf: '$', stringColumn: false };
  return pathAccess(col.col, rest);
}

/**
 * The row filter that keeps the events a log source applies to (CloudAuditEvents also holds
 * Activity records; the Kubernetes DataSource values are the ones the table view writes).
 */
export function kustoRowFilter(table: KustoTable, product: 'kubernetes' | 'azure'): string | undefined {
  if (table !== 'CloudAuditEvents') return undefined;
  return product === 'kubernetes'
    ? `DataSource in ("Azure Kubernetes Service", "Azure Arc-enabled Kubernetes", "Amazon Elastic Kubernetes Service", "Google Kubernetes Engine", "Kubernetes Audit")`
    : `DataSource == "Azure Resource Manager"`;
}
