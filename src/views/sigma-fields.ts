import { AUDIT_EVENT_KEYS } from '../model/audit-fields.js';
import type { AuditEvent, Getter } from '../model/event.js';
import { pathGetter } from '../model/path.js';
import {
  activityProperties,
  callerOf,
  categoryValueOf,
  operationNameOf,
  parseArmResourceId,
  resourceProviderOf,
} from './azure-fields.js';
import { dottedGetter, type FieldResolver, firstOf } from './dotted-lookup.js';
import { gkeMethodName, gkeProtoPayload, gkeResourceName } from './gke-fields.js';
import { capabilitiesOf, hostPathsOf, privilegedOf } from './pod-spec.js';

export { parseSigmaFieldMappings } from './sigma-field-mappings.js';

/**
 * Sigma field mapping for the log sources auditscope reads, in the spirit of a pySigma
 * processing pipeline: plain data from Sigma field names to getters over the normalized event.
 *
 * - `product: kubernetes, service: audit`: the raw audit Event's dotted names (`verb`,
 *   `objectRef.resource`, `annotations.authorization.k8s.io/decision`, `requestObject...`) and the
 *   legacy short names of pySigma's Elasticsearch kubernetes pipeline (`apiGroup`, `resource`,
 *   `subresource`, `namespace`, `username`, `capabilities`, `privileged`, `hostPath`; the last
 *   three read values anywhere in the pod specs of the request body).
 * - `product: azure, service: activitylogs`: the Activity record's names (`operationName`,
 *   `properties.message`, `identity.claims...`) plus AzureActivity column names
 *   (`OperationNameValue`, `CategoryValue`, `ResourceProviderValue`, `ResourceId`, ...).
 * - `product: gcp, service: gcp.audit`: `gcp.audit.*` (Elastic names), `protoPayload.*` and
 *   `data.protoPayload.*` (the LogEntry kept in `envelope`), `resource.labels.*`, `labels.*`.
 *
 * The common fields compile to direct property reads; nothing is built per event.
 */

/** A Sigma rule's `logsource` block (only these keys route). */
export interface SigmaLogsource {
  readonly product?: string;
  readonly service?: string;
  readonly category?: string;
}

/** The log sources auditscope has a field mapping for. */
export type SigmaTarget = 'kubernetes/audit' | 'azure/activitylogs' | 'gcp/gcp.audit';

/** A mapping entry: an AuditEvent path (`audit.objectRef.name`), a list of them (first present wins), or a getter. */
export type SigmaFieldTarget = string | readonly string[] | Getter;

/** A user field mapping: `fieldmappings` for the log sources it names (all when none). */
export interface SigmaUserFieldMapping {
  readonly logsource?: SigmaLogsource;
  readonly fieldmappings: Readonly<Record<string, string | readonly string[]>>;
}

const low = (s: string | undefined): string | undefined => s?.toLowerCase();

/**
 * Which mapping a rule's logsource selects; undefined for log sources auditscope does not read.
 * @example sigmaTarget({ product: 'kubernetes', service: 'audit' }) === 'kubernetes/audit'
 */
export function sigmaTarget(ls: SigmaLogsource): SigmaTarget | undefined {
  const product = low(ls.product);
  const service = low(ls.service);
  if (product === 'kubernetes' && (service === 'audit' || service === undefined)) return 'kubernetes/audit';
  if (product === 'azure' && (service === 'activitylogs' || service === 'activitylog'))
    return 'azure/activitylogs';
  if (product === 'gcp' && (service === 'gcp.audit' || service === 'audit')) return 'gcp/gcp.audit';
  return undefined;
}

/**
 * Routing: kubernetes/audit rules run on every audit-kind event (raw, AKS, Arc, EKS, GKE);
 * azure/activitylogs on Activity records (incl. Arc); gcp/gcp.audit on GKE events.
 * @example sigmaLogsourceApplies({ product: 'kubernetes', service: 'audit' }, ev)
 */
export function sigmaLogsourceApplies(ls: SigmaLogsource, ev: AuditEvent): boolean {
  const t = sigmaTarget(ls);
  if (t === 'kubernetes/audit') return ev.kind === 'audit';
  if (t === 'azure/activitylogs') return ev.kind === 'activity';
  if (t === 'gcp/gcp.audit') return ev.kind === 'audit' && ev.provider === 'gke';
  return false;
}

// ---- kubernetes/audit -------------------------------------------------------------------------

const auditRoot = (ev: AuditEvent): unknown => ev.audit;

/** Top-level keys of an audit.k8s.io Event: a dotted Sigma name starting with one reads the Event. */
const EVENT_KEYS: ReadonlySet<string> = new Set([...AUDIT_EVENT_KEYS, 'timestamp', 'metadata']);

const KUBERNETES_FIELDS: Record<string, SigmaFieldTarget> = {
  verb: (ev) => ev.audit?.verb,
  'objectRef.resource': (ev) => ev.audit?.objectRef?.resource,
  'objectRef.subresource': (ev) => ev.audit?.objectRef?.subresource,
  'objectRef.namespace': (ev) => ev.audit?.objectRef?.namespace,
  'objectRef.name': (ev) => ev.audit?.objectRef?.name,
  'objectRef.apiGroup': (ev) => ev.audit?.objectRef?.apiGroup,
  'objectRef.apiVersion': (ev) => ev.audit?.objectRef?.apiVersion,
  'user.username': (ev) => ev.audit?.user?.username,
  'user.groups': (ev) => ev.audit?.user?.groups,
  'responseStatus.code': (ev) => ev.audit?.responseStatus?.code,
  requestURI: (ev) => ev.audit?.requestURI,
  userAgent: (ev) => ev.audit?.userAgent,
  sourceIPs: (ev) => ev.audit?.sourceIPs,
  // legacy short names (pySigma-backend-elasticsearch kubernetes pipeline)
  apiGroup: (ev) => ev.audit?.objectRef?.apiGroup,
  resource: (ev) => ev.audit?.objectRef?.resource,
  subresource: (ev) => ev.audit?.objectRef?.subresource,
  namespace: (ev) => ev.audit?.objectRef?.namespace,
  username: (ev) => ev.audit?.user?.username,
  capabilities: (ev) => capabilitiesOf(ev.audit?.requestObject),
  privileged: (ev) => privilegedOf(ev.audit?.requestObject),
  hostPath: (ev) => hostPathsOf(ev.audit?.requestObject),
};

// ---- azure/activitylogs -----------------------------------------------------------------------

const activityRoot = (ev: AuditEvent): unknown => ev.activity;
const propsRoot = (ev: AuditEvent): unknown => activityProperties(ev.activity);

/** Top-level keys of an Activity Log record (storage / Event Hub shape). */
const ACTIVITY_KEYS = new Set([
  'time',
  'resourceId',
  'operationName',
  'operationVersion',
  'category',
  'resultType',
  'resultSignature',
  'resultDescription',
  'durationMs',
  'callerIpAddress',
  'correlationId',
  'identity',
  'level',
  'location',
  'properties',
  'tenantId',
]);

const AZURE_FIELDS: Record<string, SigmaFieldTarget> = {
  operationName: (ev) => operationNameOf(ev.activity),
  resourceId: (ev) => ev.activity?.resourceId,
  category: (ev) => ev.activity?.category,
  resultType: (ev) => ev.activity?.resultType,
  callerIpAddress: (ev) => ev.activity?.callerIpAddress,
  // AzureActivity column names used by Sigma rules
  OperationNameValue: (ev) => operationNameOf(ev.activity),
  OperationName: (ev) => operationNameOf(ev.activity),
  CategoryValue: (ev) => categoryValueOf(ev.activity),
  ResourceProviderValue: (ev) => resourceProviderOf(ev.activity),
  ResourceId: (ev) => ev.activity?.resourceId,
  ActivityStatusValue: (ev) => ev.activity?.resultType,
  ActivitySubstatusValue: (ev) => ev.activity?.resultSignature,
  Caller: (ev) => callerOf(ev.activity),
  CallerIpAddress: (ev) => ev.activity?.callerIpAddress,
  CorrelationId: (ev) => ev.activity?.correlationId,
  Level: (ev) => ev.activity?.level,
  ResourceGroup: (ev) => parseArmResourceId(ev.activity?.resourceId).resourceGroup,
  SubscriptionId: (ev) => parseArmResourceId(ev.activity?.resourceId).subscriptionId,
  Resource: (ev) => parseArmResourceId(ev.activity?.resourceId).name,
};

// ---- gcp/gcp.audit ----------------------------------------------------------------------------

const envRoot = (ev: AuditEvent): unknown => ev.envelope;
const protoRoot = (ev: AuditEvent): unknown => gkeProtoPayload(ev);

const proto = (path: string): Getter => dottedGetter(protoRoot, path);
const orElse =
  (a: Getter, b: Getter): Getter =>
  (ev) =>
    a(ev) ?? b(ev);

const GCP_FIELDS: Record<string, SigmaFieldTarget> = {
  'gcp.audit.method_name': gkeMethodName,
  'gcp.audit.resource_name': gkeResourceName,
  'gcp.audit.service_name': (ev) => gkeProtoPayload(ev)?.serviceName ?? 'k8s.io',
  'gcp.audit.authentication_info.principal_email': orElse(
    proto('authenticationInfo.principalEmail'),
    (ev) => ev.audit?.user?.username,
  ),
  'gcp.audit.request_metadata.caller_ip': orElse(
    proto('requestMetadata.callerIp'),
    (ev) => ev.audit?.sourceIPs?.[0],
  ),
  'gcp.audit.request_metadata.caller_supplied_user_agent': orElse(
    proto('requestMetadata.callerSuppliedUserAgent'),
    (ev) => ev.audit?.userAgent,
  ),
  'gcp.audit.status.code': proto('status.code'),
  'gcp.audit.status.message': proto('status.message'),
  'gcp.audit.authorization_info.granted': proto('authorizationInfo.granted'),
  'gcp.audit.authorization_info.permission': proto('authorizationInfo.permission'),
  'gcp.audit.authorization_info.resource': proto('authorizationInfo.resource'),
  'gcp.audit.type': (ev) => gkeProtoPayload(ev)?.['@type'],
  'protoPayload.methodName': gkeMethodName,
  'protoPayload.resourceName': gkeResourceName,
  'data.protoPayload.methodName': gkeMethodName,
  'data.protoPayload.resourceName': gkeResourceName,
};

/** Reads `protoPayload.<rest>` from the envelope, falling back to the audit Event for request/response. */
function protoPayloadField(rest: string): Getter {
  const g = dottedGetter(protoRoot, rest);
  if (rest === 'request' || rest.startsWith('request.')) {
    const alt = dottedGetter(auditRoot, 'requestObject' + rest.slice('request'.length));
    return firstOf([g, alt]);
  }
  if (rest === 'response' || rest.startsWith('response.')) {
    const alt = dottedGetter(auditRoot, 'responseObject' + rest.slice('response'.length));
    return firstOf([g, alt]);
  }
  return g;
}

const BUILTIN: Record<SigmaTarget, Record<string, SigmaFieldTarget>> = {
  'kubernetes/audit': KUBERNETES_FIELDS,
  'azure/activitylogs': AZURE_FIELDS,
  'gcp/gcp.audit': GCP_FIELDS,
};

/**
 * The built-in mapping table of one target (field name -> path or getter), for documentation and
 * for the `sigma` view.
 * @example sigmaFieldNames('kubernetes/audit').includes('hostPath') === true
 */
export function sigmaFieldNames(target: SigmaTarget): string[] {
  return Object.keys(BUILTIN[target]);
}

/** Fallback for names not in the table: dotted names under the source document's own keys. */
function fallback(target: SigmaTarget, field: string): Getter | undefined {
  const first = field.split('.', 1)[0]!;
  switch (target) {
    case 'kubernetes/audit':
      return EVENT_KEYS.has(first) ? dottedGetter(auditRoot, field) : undefined;
    case 'azure/activitylogs':
      if (first === 'properties') return dottedGetter(propsRoot, field.slice('properties.'.length));
      if (first === 'data' && field.startsWith('data.properties.'))
        return dottedGetter(propsRoot, field.slice('data.properties.'.length));
      return ACTIVITY_KEYS.has(first) ? dottedGetter(activityRoot, field) : undefined;
    case 'gcp/gcp.audit':
      if (field.startsWith('data.protoPayload.'))
        return protoPayloadField(field.slice('data.protoPayload.'.length));
      if (field.startsWith('protoPayload.')) return protoPayloadField(field.slice('protoPayload.'.length));
      if (field.startsWith('data.')) return dottedGetter(envRoot, field.slice('data.'.length));
      if (['resource', 'labels', 'logName', 'insertId', 'severity', 'operation', 'timestamp'].includes(first))
        return dottedGetter(envRoot, field);
      return undefined;
  }
}

/** Compiles a mapping target: a path under AuditEvent, an alias of another field, or a getter. */
function compileTarget(
  t: SigmaFieldTarget,
  resolveAlias: (field: string) => Getter | undefined,
): Getter | undefined {
  if (typeof t === 'function') return t as Getter;
  const list = typeof t === 'string' ? [t] : t;
  const getters: Getter[] = [];
  for (const p of list) {
    const g = AUDIT_EVENT_ROOTS.has(p.split(/[.[]/, 1)[0]!) ? pathGetterDotted(p) : resolveAlias(p);
    if (g) getters.push(g);
  }
  return getters.length ? firstOf(getters) : undefined;
}

/** Top-level AuditEvent keys: a user mapping target starting with one is an AuditEvent path. */
const AUDIT_EVENT_ROOTS = new Set([
  'audit',
  'activity',
  'kubeEvent',
  'envelope',
  'cluster',
  'kind',
  'format',
  'provider',
  'time',
  'ts',
  'id',
  'category',
  'raw',
  'source',
]);

/** An AuditEvent path with the dotted-key retry (so `audit.annotations.authorization.k8s.io/decision` works). */
function pathGetterDotted(path: string): Getter {
  if (path.includes('[')) return pathGetter(path);
  const dot = path.indexOf('.');
  if (dot < 0) return pathGetter(path);
  const root = path.slice(0, dot);
  return dottedGetter((ev) => (ev as unknown as Record<string, unknown>)[root], path.slice(dot + 1));
}

/**
 * Builds the field resolver for a rule's logsource. User mappings (from a YAML file with
 * `fieldmappings: {sigmaName: auditEventPath}`, see `parseSigmaFieldMappings`) override the
 * built-in table; a target that is not an AuditEvent path is read as another Sigma name of the
 * same log source (an alias). Unknown fields resolve to undefined so the caller can report them.
 * Getters are cached per field name.
 * @example
 * const resolve = sigmaFieldResolver({ product: 'kubernetes', service: 'audit' });
 * resolve('objectRef.resource')?.(ev) === 'pods'
 */
export function sigmaFieldResolver(
  ls: SigmaLogsource,
  userMappings: readonly SigmaUserFieldMapping[] = [],
): FieldResolver {
  const target = sigmaTarget(ls);
  const user: Record<string, string | readonly string[]> = {};
  for (const m of userMappings) {
    if (m.logsource && !logsourceMatches(m.logsource, ls)) continue;
    Object.assign(user, m.fieldmappings);
  }
  const cache = new Map<string, Getter | undefined>();
  const builtin = (field: string): Getter | undefined => {
    if (!target) return undefined;
    const t = BUILTIN[target][field];
    if (t !== undefined) return compileTarget(t, () => undefined);
    return fallback(target, field);
  };
  const resolve = (field: string, depth: number): Getter | undefined => {
    const u = user[field];
    if (u !== undefined && depth < 8)
      return compileTarget(u, (f) => (f === field ? builtin(f) : resolve(f, depth + 1)));
    return builtin(field);
  };
  return (field) => {
    if (cache.has(field)) return cache.get(field);
    const g = resolve(field, 0);
    cache.set(field, g);
    return g;
  };
}

/** A user mapping's logsource selects a rule when every key it names is equal (case-insensitive). */
function logsourceMatches(sel: SigmaLogsource, ls: SigmaLogsource): boolean {
  for (const k of ['product', 'service', 'category'] as const) {
    if (sel[k] !== undefined && low(sel[k]) !== low(ls[k])) return false;
  }
  return true;
}
