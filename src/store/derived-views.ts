import { auditKeys, DATA_SOURCE } from '../views/tables/index.js';
import { auditColumn, auditTextKeys, hotPaths } from './canonical.js';
import { quoteIdent } from './duck.js';
import { physicalColumns, type StoredTable } from './schema.js';

/**
 * The audit tables as SQL views over `_events` (canonical.ts): each column computes what the table
 * view (`src/views/tables/*.ts`) gives for the event, so a hunt on the store returns the rows a hunt
 * in memory returns (test/store/differential.test.ts checks every column).
 *
 * `CloudAuditEvents` also holds Activity Log rows; those are stored as computed by Node in the
 * physical table `_cae_activity` and appended with UNION ALL.
 */

/** The physical table holding the Activity Log rows of CloudAuditEvents. */
export const caeActivityTable = '_cae_activity';

const s = (x: string): string => `coalesce(${x}, '')`;
const lit = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/**
 * JSON text of the audit Event rebuilt from its columns; `pascal` upper-cases the top-level keys'
 * first letter.
 */
export function eventJsonSql(pascal: boolean): string {
  const parts = auditKeys.map((k) => {
    const key = pascal ? k.charAt(0).toUpperCase() + k.slice(1) : k;
    const col = auditColumn(k);
    const value = auditTextKeys.has(k) ? `to_json(${col})` : `CAST(${col} AS VARCHAR)`;
    return `CASE WHEN ${col} IS NOT NULL THEN ${lit(`${JSON.stringify(key)}:`)} || ${value} END`;
  });
  const extra = pascal ? 'a_extra_p' : 'a_extra';
  parts.push(
    `CASE WHEN ${extra} IS NOT NULL THEN nullif(substr(CAST(${extra} AS VARCHAR), 2, length(CAST(${extra} AS VARCHAR)) - 2), '') END`,
  );
  return `('{' || concat_ws(',', ${parts.join(', ')}) || '}')`;
}

const dataSource = `CASE provider ${Object.entries(DATA_SOURCE)
  .map(([p, v]) => `WHEN ${lit(p)} THEN ${lit(v)}`)
  .join(' ')} END`;

const actionType = `CASE WHEN a_verb IS NULL OR a_verb = '' THEN 'Unknown' WHEN lower(a_verb) = 'create' THEN 'Create' WHEN lower(a_verb) IN ('get', 'list', 'watch') THEN 'Read' WHEN lower(a_verb) IN ('update', 'patch') THEN 'Update' WHEN lower(a_verb) IN ('delete', 'deletecollection') THEN 'Delete' ELSE 'Other' END`;

const additionalFields = `CAST('{"SourceFormat":' || to_json(format) || CASE WHEN category IS NOT NULL THEN ',"Category":' || to_json(category) ELSE '' END || CASE WHEN cluster_name IS NOT NULL THEN ',"ClusterName":' || to_json(cluster_name) ELSE '' END || '}' AS JSON)`;

const cloudAuditEvents: Readonly<Record<string, string>> = {
  Timestamp: '_ts',
  ReportId: '_id',
  DataSource: dataSource,
  ActionType: actionType,
  OperationName: s('a_verb'),
  ResourceId: s('x_cae_resource'),
  IPAddress: s(`a_sourceIPs->>'$[0]'`),
  IsAnonymousProxy: 'CAST(NULL AS BOOLEAN)',
  CountryCode: "''",
  City: "''",
  Isp: "''",
  ISP: "''",
  UserAgent: s('a_userAgent'),
  RawEventData: `CAST(${eventJsonSql(true)} AS JSON)`,
  AdditionalFields: additionalFields,
  AzureResourceId: s('x_cae_azure'),
  AwsResourceName: s('x_cae_aws'),
  GcpFullResourceName: s('x_cae_gcp'),
  Account: s('h_username'),
  AuditSource: "'KubernetesAudit'",
  TenantId: "''",
  TimeGenerated: '_ts',
  SourceSystem: "'CloudAudit'",
  Type: "'CloudAuditEvents'",
};

const aksAudit = (type: string): Readonly<Record<string, string>> => ({
  TimeGenerated: '_ts',
  AuditId: s('a_auditID'),
  Level: s('a_level'),
  Stage: s('a_stage'),
  Verb: s('a_verb'),
  RequestUri: s('a_requestURI'),
  User: 'a_user',
  SourceIps: 'a_sourceIPs',
  UserAgent: s('a_userAgent'),
  ObjectRef: 'a_objectRef',
  ResponseStatus: 'a_responseStatus',
  RequestObject: 'a_requestObject',
  ResponseObject: 'a_responseObject',
  RequestReceivedTime: 't_rrt',
  StageReceivedTime: 't_st',
  Annotations: 'a_annotations',
  PodName: s('x_pod_name'),
  SourceSystem: "'Azure'",
  TenantId: "''",
  Type: lit(type),
  _ResourceId: s('x_la_rid'),
  _SubscriptionId: s('x_la_sub'),
  _BilledSize: 'CAST(raw_len AS DOUBLE)',
  _IsBillable: "'true'",
});

const azureDiagnostics: Readonly<Record<string, string>> = {
  TimeGenerated: '_ts',
  Category: s('x_ad_category'),
  log_s: `coalesce(x_log, ${eventJsonSql(false)})`,
  OperationName: s('x_ad_operation'),
  ResourceId: s('x_cae_resource'),
  Resource: s('x_ad_resource'),
  ResourceGroup: s('x_ad_rg'),
  SubscriptionId: s('x_ad_sub'),
  ResourceProvider: s('x_ad_provider'),
  ResourceType: s('x_ad_type'),
  pod_s: s('x_ad_pod'),
  containerID_s: s('x_ad_container'),
  stream_s: s('x_ad_stream'),
  SourceSystem: "'Azure'",
  TenantId: "''",
  Type: "'AzureDiagnostics'",
  _ResourceId: s('x_la_rid'),
  _SubscriptionId: s('x_ad_sub_lower'),
};

const readVerbs = `a_verb IS NOT NULL AND lower(a_verb) NOT IN ('get', 'list', 'watch')`;

interface Derived {
  readonly columns: Readonly<Record<string, string>>;
  readonly where: string;
}

const derived: Readonly<Record<string, Derived>> = {
  CloudAuditEvents: { columns: cloudAuditEvents, where: `kind = 'audit'` },
  AKSAudit: { columns: aksAudit('AKSAudit'), where: `kind = 'audit' AND provider = 'aks'` },
  AKSAuditAdmin: {
    columns: aksAudit('AKSAuditAdmin'),
    where: `kind = 'audit' AND provider = 'aks' AND ${readVerbs}`,
  },
  ArcK8sAudit: { columns: aksAudit('ArcK8sAudit'), where: `kind = 'audit' AND provider = 'arc'` },
  ArcK8sAuditAdmin: {
    columns: aksAudit('ArcK8sAuditAdmin'),
    where: `kind = 'audit' AND provider = 'arc' AND ${readVerbs}`,
  },
  AzureDiagnostics: {
    columns: azureDiagnostics,
    where: `kind = 'audit' AND provider IN ('aks', 'arc')`,
  },
};

/** Canonical expression of a hot path: `[ObjectRef, resource]` of AKSAudit, `[ObjectRef, resource]` under RawEventData, ... */
function hotExpr(column: string, path: readonly string[], json: boolean): string | undefined {
  const p = column === 'RawEventData' ? path : [column, ...path];
  const [top, ...rest] = p;
  if (!top) return undefined;
  const key = top.charAt(0).toLowerCase() + top.slice(1);
  if (json) return rest.length === 0 && auditKeys.some((k) => k === key) ? auditColumn(key) : undefined;
  if (rest.length === 0) {
    if (key === 'requestURI' || key === 'verb') return auditColumn(key);
    return undefined;
  }
  const h = hotPaths.find((x) => x.key === key && x.path === rest.join('.'));
  return h?.name;
}

/** The `_events` predicate of a derived table's rows (CloudAuditEvents: its audit rows), or undefined. */
export function derivedWhere(name: string): string | undefined {
  return derived[name]?.where;
}

/**
 * The SELECT computing a derived table's physical columns (`_id`, `_ts`, columns, hot columns) from
 * `_events`, or undefined for a table that is stored physically.
 */
export function derivedSelect(t: StoredTable): string | undefined {
  const d = derived[t.name];
  if (!d) return undefined;
  const cols = ['_id', '_ts'];
  for (const c of physicalColumns(t)) {
    const e = d.columns[c.name];
    if (e === undefined) return undefined;
    cols.push(`${e} AS ${quoteIdent(c.physical)}`);
  }
  for (const h of t.hot) {
    const e = hotExpr(h.column, h.path, h.json === true);
    if (e === undefined) return undefined;
    cols.push(`${e} AS ${quoteIdent(h.physical)}`);
  }
  return `SELECT ${cols.join(', ')} FROM _events WHERE ${d.where}`;
}

/** The list of a table's stored columns (`_id`, `_ts`, physical, hot), quoted. */
export function storedColumnList(t: StoredTable): string {
  return [
    '_id',
    '_ts',
    ...physicalColumns(t).map((c) => quoteIdent(c.physical)),
    ...t.hot.map((h) => quoteIdent(h.physical)),
  ].join(', ');
}

/** `CREATE OR REPLACE VIEW` for a derived table (CloudAuditEvents adds its Activity rows). */
export function createDerivedViewSql(t: StoredTable): string | undefined {
  const select = derivedSelect(t);
  if (!select) return undefined;
  const body =
    t.name === 'CloudAuditEvents'
      ? `${select} UNION ALL SELECT ${storedColumnList(t)} FROM ${caeActivityTable}`
      : select;
  return `CREATE OR REPLACE VIEW ${quoteIdent(t.name)} AS ${body}`;
}
