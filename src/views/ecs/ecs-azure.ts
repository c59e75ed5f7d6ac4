import { CLAIM_NAME, CLAIM_UPN } from '../../model/azure-claims.js';
import type { AuditEvent } from '../../model/event.js';
import {
  activityClaims,
  activityIdentity,
  activityProperties,
  categoryValueOf,
  operationNameOf,
  parseArmResourceId,
} from '../azure-fields.js';
import { isoMillis, pruneEmpty } from './ecs-k8s.js';

/**
 * The Azure integration's documents (elastic/integrations packages/azure):
 * - `azure.platformlogs`: an AKS diagnostic record as the Azure platform-logs input indexes it:
 *   `azure.platformlogs.{category, operation_name, event_category, properties.{log (parsed), pod,
 *   containerID, stream}, ...other envelope keys as written}`, `azure.resource.{id,group,provider,name}`,
 *   `azure.subscription_id`, `event.action` = the ARM operation. Elastic's AKS rules read it.
 * - `azure.activitylogs`: an Activity Log record: `azure.activitylogs.{operation_name, category,
 *   event_category, result_type, result_signature, identity.claims (keys `.`->`_`),
 *   identity.authorization.{action,scope,evidence.{role,principal_id,...}}, properties}`,
 *   `azure.correlation_id`, `event.{action,outcome,type,duration}`, `source.ip`/`client.ip` (scalar),
 *   `log.level`, `geo.name`, `user.*` from the claims.
 * GeoIP enrichment and ingest-time fields are not produced.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function azureResource(id: string | undefined, providerWithType: boolean): Obj {
  const r = parseArmResourceId(id);
  const firstType = r.type?.split('/')[0];
  return {
    id,
    group: r.resourceGroup,
    provider: providerWithType && r.provider && firstType ? `${r.provider}/${firstType}` : r.provider,
    name: r.name,
  };
}

/**
 * The `azure.platformlogs` document of an AKS diagnostic audit event.
 * @example ecsPlatformLogs(aksEvent).event // { action: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read', ... }
 */
export function ecsPlatformLogs(ev: AuditEvent): Obj {
  const env: Obj = { ...(ev.envelope ?? {}) };
  const resourceId = (env.resourceId as string | undefined) ?? ev.cluster?.id;
  const props: Obj = isObj(env.properties) ? { ...env.properties } : {};
  props.log = ev.audit;
  const platform: Obj = {};
  for (const [k, v] of Object.entries(env)) {
    if (k === 'resourceId' || k === 'time' || k === 'properties') continue;
    if (k === 'operationName') platform.operation_name = v;
    else if (k === 'serviceBuild') platform.service_build = v;
    else platform[k] = v;
  }
  platform.category ??= ev.category;
  platform.event_category = 'Administrative';
  platform.properties = props;
  const sub = parseArmResourceId(resourceId).subscriptionId;
  const doc: Obj = {
    '@timestamp': isoMillis(ev.ts),
    event: {
      kind: 'event',
      action: env.operationName,
      original: ev.raw,
      dataset: 'azure.platformlogs',
      module: 'azure',
    },
    cloud: { provider: 'azure' },
    azure: { subscription_id: sub, resource: azureResource(resourceId, true), platformlogs: platform },
    data_stream: { type: 'logs', dataset: 'azure.platformlogs', namespace: 'default' },
  };
  return (pruneEmpty(doc) as Obj | undefined) ?? {};
}

const EVIDENCE: Record<string, string> = {
  role: 'role',
  principalId: 'principal_id',
  principalType: 'principal_type',
  roleAssignmentId: 'role_assignment_id',
  roleAssignmentScope: 'role_assignment_scope',
  roleDefinitionId: 'role_definition_id',
};

function identityDoc(ev: AuditEvent): Obj | undefined {
  const id = activityIdentity(ev.activity);
  if (!id) {
    const s = ev.activity?.identity;
    return typeof s === 'string' ? { identity_name: s } : undefined;
  }
  const out: Obj = {};
  const claims = activityClaims(ev.activity);
  if (claims) {
    const c: Obj = {};
    for (const [k, v] of Object.entries(claims)) c[k.replaceAll('.', '_')] = v;
    out.claims = c;
    const name = claims.name ?? claims[CLAIM_NAME];
    const given = claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname'];
    const surname = claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname'];
    out.claims_initiated_by_user = {
      name: name,
      givenname: given,
      surname: surname,
      fullname: given && surname ? `${given} ${surname}` : undefined,
    };
  }
  const auth = id.authorization;
  if (isObj(auth)) {
    const a: Obj = { action: auth.action, scope: auth.scope };
    if (isObj(auth.evidence)) {
      const e: Obj = {};
      for (const [k, v] of Object.entries(auth.evidence)) e[EVIDENCE[k] ?? k] = v;
      a.evidence = e;
    }
    out.authorization = a;
  }
  return out;
}

function eventType(category: unknown, op: string | undefined): string[] | undefined {
  const c = typeof category === 'string' ? category.toLowerCase() : '';
  const last = op?.split('/').pop()?.toLowerCase() ?? '';
  const k = ['write', 'action', 'delete', 'read'].includes(c) ? c : last;
  if (k === 'write' || k === 'action') return ['change'];
  if (k === 'read') return ['access'];
  if (k === 'delete') return ['deletion'];
  return undefined;
}

function propertiesDoc(p: Obj | undefined): Obj | undefined {
  if (!p) return undefined;
  const out: Obj = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'statusCode') out.status_code = v;
    else if (k === 'statusMessage') out.message = v;
    else out[k] = v;
  }
  return out;
}

/**
 * The `azure.activitylogs` document of an Activity Log event.
 * @example ecsActivityLogs(ev).event // { kind: 'event', action: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE', ... }
 */
export function ecsActivityLogs(ev: AuditEvent): Obj {
  const a = ev.activity ?? {};
  const op = operationNameOf(a);
  const rt = typeof a.resultType === 'string' ? a.resultType.toLowerCase() : undefined;
  const ip = typeof a.callerIpAddress === 'string' ? a.callerIpAddress : undefined;
  const isIp = ip !== undefined && /^[0-9a-f:.]+$/i.test(ip) && !ip.includes('/');
  const duration = Number(a.durationMs);
  const claims = activityClaims(a);
  const upn = claims?.[CLAIM_UPN];
  const arm = parseArmResourceId(a.resourceId);
  const doc: Obj = {
    '@timestamp': isoMillis(ev.ts),
    event: {
      kind: 'event',
      action: op,
      outcome: rt === 'success' || rt === 'failure' ? rt : undefined,
      type: eventType(a.category, op),
      duration: a.durationMs !== undefined && Number.isFinite(duration) ? duration * 1e6 : undefined,
      original: ev.raw,
      dataset: 'azure.activitylogs',
      module: 'azure',
    },
    log: { level: a.level },
    geo: { name: a.location },
    source: isIp ? { ip } : { address: ip },
    client: isIp ? { ip } : undefined,
    related: { ip: isIp ? [ip] : undefined },
    user: {
      name: typeof upn === 'string' ? upn.split('@')[0] : claims?.name,
      domain: typeof upn === 'string' && upn.includes('@') ? upn.split('@')[1] : undefined,
      email: typeof upn === 'string' && upn.includes('@') ? upn : undefined,
      full_name: claims?.name,
    },
    cloud: { provider: 'azure' },
    azure: {
      subscription_id: arm.subscriptionId,
      correlation_id: a.correlationId,
      tenant_id: a.tenantId,
      resource: azureResource(a.resourceId, false),
      activitylogs: {
        operation_name: op,
        operation_version: a.operationVersion,
        category: a.category,
        event_category: categoryValueOf(a),
        result_type: a.resultType,
        result_signature: a.resultSignature,
        result_description: a.resultDescription,
        level: a.level,
        identity: identityDoc(ev),
        properties: propertiesDoc(activityProperties(a)),
      },
    },
    data_stream: { type: 'logs', dataset: 'azure.activitylogs', namespace: 'default' },
  };
  return (pruneEmpty(doc) as Obj | undefined) ?? {};
}
