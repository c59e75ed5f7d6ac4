import type { AuditEvent, K8sAudit } from '../model/event.js';
import { auditKeys, getTable } from '../views/tables/index.js';

/**
 * The canonical event row: every event is stored once, in `_events`, with the audit Event's
 * top-level fields as columns (nested objects as JSON), the few values the table views derive from
 * the envelope and cluster id, and the hot paths hunts filter on. The audit tables (CloudAuditEvents,
 * AKSAudit, AzureDiagnostics, ...) are SQL views over it (`derived-views.ts`), so a load writes each
 * event once instead of once per table (docs/decisions/0008-store-once.md).
 *
 * Two writers fill it and must agree column for column (test/store/fast-load.test.ts): the Node
 * path stages `canonicalLine` rows, the DuckDB path (`fast-load.ts`) computes the same columns in SQL
 * straight from AKS / raw audit JSON Lines.
 */

export interface CanonicalColumn {
  readonly name: string;
  readonly sql: string;
  /**
   * Large, mostly unique text (the raw record, the request and response objects) is stored
   * zstd-compressed: measured on 200k AKS records, the raw column wrote in 0.5 s to 22 MB, against
   * 0.6-1.8 s and 169-359 MB with DuckDB's default choice (docs/decisions/0008-store-once.md). The
   * small objects and the URI keep the default (dictionary + FSST), which reads single rows without
   * decompressing a whole block: on 1M events, fetching them for the 154 rows of a selective hunt
   * took 16 ms instead of 48, for 32k rows 40 ms instead of 140, for ~30 MB more on disk.
   */
  readonly zstd?: boolean;
}

/** Keys stored as text columns (the rest of `auditKeys` are JSON). */
export const auditTextKeys: ReadonlySet<string> = new Set([
  'kind',
  'apiVersion',
  'level',
  'auditID',
  'stage',
  'requestURI',
  'verb',
  'userAgent',
  'requestReceivedTimestamp',
  'stageTimestamp',
]);

const knownKeys: ReadonlySet<string> = new Set(auditKeys);

/** Keys whose values are large and mostly unique (stored zstd-compressed). */
const largeKeys: ReadonlySet<string> = new Set(['requestObject', 'responseObject']);

/** Column of an audit key: `a_<key>`. */
export const auditColumn = (k: string): string => `a_${k}`;

/** Hot paths of the audit Event shredded to text (what KQL `tostring()` of the path gives). */
export const hotPaths: readonly { readonly name: string; readonly key: string; readonly path: string }[] = [
  { name: 'h_resource', key: 'objectRef', path: 'resource' },
  { name: 'h_subresource', key: 'objectRef', path: 'subresource' },
  { name: 'h_namespace', key: 'objectRef', path: 'namespace' },
  { name: 'h_name', key: 'objectRef', path: 'name' },
  { name: 'h_apiGroup', key: 'objectRef', path: 'apiGroup' },
  { name: 'h_username', key: 'user', path: 'username' },
  { name: 'h_code', key: 'responseStatus', path: 'code' },
];

/**
 * Values the views derive from the envelope, the cluster id and the provider: computed in Node by
 * the views' own column getters (one source of truth), per record on the Node path and per distinct
 * envelope shape on the DuckDB path.
 */
export const contextColumns: readonly {
  readonly name: string;
  readonly table: string;
  readonly column: string;
}[] = [
  { name: 'x_cae_resource', table: 'CloudAuditEvents', column: 'ResourceId' },
  { name: 'x_cae_azure', table: 'CloudAuditEvents', column: 'AzureResourceId' },
  { name: 'x_cae_aws', table: 'CloudAuditEvents', column: 'AwsResourceName' },
  { name: 'x_cae_gcp', table: 'CloudAuditEvents', column: 'GcpFullResourceName' },
  { name: 'x_la_rid', table: 'AKSAudit', column: '_ResourceId' },
  { name: 'x_la_sub', table: 'AKSAudit', column: '_SubscriptionId' },
  { name: 'x_pod_name', table: 'AKSAudit', column: 'PodName' },
  { name: 'x_ad_category', table: 'AzureDiagnostics', column: 'Category' },
  { name: 'x_ad_operation', table: 'AzureDiagnostics', column: 'OperationName' },
  { name: 'x_ad_resource', table: 'AzureDiagnostics', column: 'Resource' },
  { name: 'x_ad_rg', table: 'AzureDiagnostics', column: 'ResourceGroup' },
  { name: 'x_ad_sub', table: 'AzureDiagnostics', column: 'SubscriptionId' },
  { name: 'x_ad_provider', table: 'AzureDiagnostics', column: 'ResourceProvider' },
  { name: 'x_ad_type', table: 'AzureDiagnostics', column: 'ResourceType' },
  { name: 'x_ad_pod', table: 'AzureDiagnostics', column: 'pod_s' },
  { name: 'x_ad_container', table: 'AzureDiagnostics', column: 'containerID_s' },
  { name: 'x_ad_stream', table: 'AzureDiagnostics', column: 'stream_s' },
  { name: 'x_ad_sub_lower', table: 'AzureDiagnostics', column: '_SubscriptionId' },
];

/** Every column of `_events`, in order. */
export const canonicalColumns: readonly CanonicalColumn[] = [
  { name: '_id', sql: 'VARCHAR NOT NULL' },
  { name: '_ts', sql: 'TIMESTAMP' },
  { name: 'format', sql: 'VARCHAR' },
  { name: 'provider', sql: 'VARCHAR' },
  { name: 'kind', sql: 'VARCHAR' },
  { name: 'category', sql: 'VARCHAR' },
  { name: 'file', sql: 'VARCHAR' },
  { name: 'line', sql: 'INTEGER' },
  { name: 'raw', sql: 'VARCHAR', zstd: true },
  /** Length of the raw record in UTF-16 units (`_BilledSize`), kept when the raw text is not. */
  { name: 'raw_len', sql: 'BIGINT' },
  { name: 'cluster_name', sql: 'VARCHAR' },
  ...contextColumns.map((c) => ({ name: c.name, sql: 'VARCHAR' })),
  /** The original `properties.log` text when the envelope kept it (`AzureDiagnostics.log_s`). */
  { name: 'x_log', sql: 'VARCHAR', zstd: true },
  ...auditKeys.map((k) => ({
    name: auditColumn(k),
    sql: auditTextKeys.has(k) ? 'VARCHAR' : 'JSON',
    zstd: largeKeys.has(k),
  })),
  { name: 'a_extra', sql: 'JSON', zstd: true },
  /** `a_extra` with PascalCase keys (CloudAuditEvents.RawEventData). */
  { name: 'a_extra_p', sql: 'JSON', zstd: true },
  { name: 't_rrt', sql: 'TIMESTAMP' },
  { name: 't_st', sql: 'TIMESTAMP' },
  ...hotPaths.map((h) => ({ name: h.name, sql: 'VARCHAR' })),
  /**
   * The batch that stored the row: `ok:<token>` for the DuckDB load path (fast-load.ts),
   * `node:<token>` for a Node path batch. One dictionary entry per batch; lets a load count and check
   * just the rows it added.
   */
  { name: '_load', sql: 'VARCHAR' },
];

/** The DDL of `_events`. */
export const eventsDdl = `CREATE TABLE IF NOT EXISTS _events (${canonicalColumns.map((c) => `${c.name} ${c.sql}${c.zstd ? ' USING COMPRESSION zstd' : ''}`).join(', ')})`;

/** read_ndjson column spec of a staged canonical file (positional keys c0..cN). */
export const stagedSpec = `{${canonicalColumns.map((c, i) => `c${i}:'${c.sql.replace(' NOT NULL', '')}'`).join(', ')}}`;

type Getter = (ev: AuditEvent) => unknown;

let getters: readonly Getter[] | undefined;

/** The view getters of the context columns (resolved once). */
function contextGetters(): readonly Getter[] {
  if (!getters) {
    getters = contextColumns.map((c) => {
      const g = getTable(c.table)?.column(c.column);
      if (!g) throw new Error(`canonical column ${c.name}: no view column ${c.table}.${c.column}`);
      return g;
    });
  }
  return getters;
}

/** Context column values of an event, as stored (text or null). */
export function contextValues(ev: AuditEvent): (string | null)[] {
  return contextGetters().map((g) => textOf(g(ev)));
}

function textOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The text DuckDB's `->>` gives for a JSON value at a path (null when missing or JSON null). */
function hotText(v: unknown, path: string): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const x = (v as Record<string, unknown>)[path];
  if (x === undefined || x === null) return null;
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : null;
  return JSON.stringify(x);
}

/** Epoch-ms ISO text of a time string as JS reads it (`Date.parse`), or null. */
function parsedIso(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * The audit Event's extra top-level keys (not in `auditKeys`) as an object, or undefined.
 * @example extraKeys({ verb: 'get', timestamp: 'x' }) // { timestamp: 'x' }
 */
export function extraKeys(a: K8sAudit): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const k in a) {
    if (knownKeys.has(k) || a[k] === undefined) continue;
    out ??= {};
    out[k] = a[k];
  }
  return out;
}

function pascalKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) out[k.charAt(0).toUpperCase() + k.slice(1)] = o[k];
  return out;
}

/** `properties.log` as the envelope kept it (text), else null. */
function originalLog(ev: AuditEvent): string | null {
  const p = ev.envelope?.properties;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return null;
  const log = (p as Record<string, unknown>).log;
  return typeof log === 'string' ? log : null;
}

/**
 * One staged NDJSON line of `_events` for an event (positional keys `c0..cN` in `canonicalColumns`
 * order). JSON columns are written as JSON values; DuckDB stores them re-serialized, as it does on
 * the DuckDB path.
 */
export function canonicalLine(ev: AuditEvent, keepRaw: boolean, load: string): string {
  const v: unknown[] = [
    ev.id,
    isoOf(ev.ts),
    ev.format,
    ev.provider,
    ev.kind,
    ev.category ?? null,
    ev.source.file,
    ev.source.line,
    keepRaw ? ev.raw : null,
    ev.raw.length,
    textOf(ev.cluster?.name),
    ...(ev.kind === 'audit' ? contextValues(ev) : contextColumns.map(() => null)),
    ev.kind === 'audit' ? originalLog(ev) : null,
  ];
  const a = ev.kind === 'audit' ? ev.audit : undefined;
  for (const k of auditKeys) {
    const x = a?.[k];
    if (auditTextKeys.has(k)) v.push(textOf(x));
    else v.push(x === undefined ? null : x);
  }
  const extra = a && extraKeys(a);
  v.push(extra ?? null, extra ? pascalKeys(extra) : null);
  v.push(parsedIso(a?.requestReceivedTimestamp), parsedIso(a?.stageTimestamp));
  for (const h of hotPaths) v.push(a ? hotText(a[h.key], h.path) : null);
  v.push(load);
  const parts: string[] = [];
  for (let i = 0; i < v.length; i++) parts.push(`"c${i}":${JSON.stringify(v[i]) ?? 'null'}`);
  return `{${parts.join(',')}}`;
}

/** ISO text of an epoch-ms time, or null. */
export function isoOf(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
