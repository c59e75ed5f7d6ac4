import { ACTIVITY_EVENT_CATEGORIES } from '../model/activity-categories.js';
import { CLAIM_OID, CLAIM_UPN } from '../model/azure-claims.js';
import type { ActivityRecord } from '../model/event.js';

/**
 * Values derived from Azure records that several views share (AzureActivity columns, ECS
 * `azure.*`, Sigma's AzureActivity-style names). Case is kept as the source wrote it; callers
 * compare operation names and resource ids case-insensitively.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The parts of an ARM resource id, in the id's own case. */
export interface ArmResourceId {
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  /** Resource provider namespace, e.g. `MICROSOFT.CONTAINERSERVICE`. */
  readonly provider?: string;
  /** Resource type below the provider, e.g. `MANAGEDCLUSTERS` or `namespaces/authorizationRules`. */
  readonly type?: string;
  /** The last name segment. */
  readonly name?: string;
}

/**
 * Splits an ARM resource id (any case: `/SUBSCRIPTIONS/…/RESOURCEGROUPS/…/PROVIDERS/…`).
 * @example parseArmResourceId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a').name === 'a'
 */
export function parseArmResourceId(id: string | undefined): ArmResourceId {
  if (!id) return {};
  const parts = id.split('/').filter((p) => p !== '');
  const out: { -readonly [K in keyof ArmResourceId]: ArmResourceId[K] } = {};
  let i = 0;
  while (i < parts.length) {
    const seg = parts[i]!.toLowerCase();
    if (seg === 'subscriptions' && parts[i + 1] !== undefined) {
      out.subscriptionId = parts[i + 1];
      i += 2;
    } else if (seg === 'resourcegroups' && parts[i + 1] !== undefined) {
      out.resourceGroup = parts[i + 1];
      i += 2;
    } else if (seg === 'providers' && parts[i + 1] !== undefined) {
      out.provider = parts[i + 1];
      const rest = parts.slice(i + 2);
      // type/name pairs: type segments are the even positions. Kubernetes data-plane ids
      // (`.../connectedClusters/c/rbac.authorization.k8s.io/rolebindings/b`) are not pairs: the
      // type is then the top-level resource type alone.
      const types: string[] = [];
      if (rest.length % 2 === 0) for (let k = 0; k < rest.length; k += 2) types.push(rest[k]!);
      else if (rest.length) types.push(rest[0]!);
      if (types.length) out.type = types.join('/');
      if (rest.length >= 2) out.name = rest[rest.length - 1];
      i = parts.length;
    } else i++;
  }
  if (out.name === undefined && parts.length) {
    const last = parts[parts.length - 1]!;
    if (last !== out.subscriptionId && last !== out.resourceGroup) out.name = last;
    else if (out.resourceGroup) out.name = out.resourceGroup;
  }
  return out;
}

/**
 * The raw operation name (`MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/WRITE`): a string in storage
 * and Event Hub records, `{value, localizedValue}` in the REST shape.
 * @example operationNameOf({ operationName: { value: 'a/b/write' } }) === 'a/b/write'
 */
export function operationNameOf(a: ActivityRecord | undefined): string | undefined {
  if (!a) return undefined;
  const op: unknown = a.operationName;
  if (typeof op === 'string') return op;
  if (isObj(op) && typeof op.value === 'string') return op.value;
  return undefined;
}

/**
 * The properties bag, parsed when it arrives as a JSON string.
 * @example activityProperties({ properties: '{"message":"m"}' })?.message === 'm'
 */
export function activityProperties(a: ActivityRecord | undefined): Obj | undefined {
  const p: unknown = a?.properties;
  if (isObj(p)) return p;
  if (typeof p === 'string') {
    try {
      const v: unknown = JSON.parse(p);
      return isObj(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `identity` as an object (sign-in categories write it as a string, which is kept as is elsewhere).
 * @example activityIdentity({ identity: 'x' }) === undefined
 */
export function activityIdentity(a: ActivityRecord | undefined): Obj | undefined {
  const id = a?.identity;
  return isObj(id) ? id : undefined;
}

/**
 * The claims map of the caller, if any.
 * @example activityClaims(record)?.appid
 */
export function activityClaims(a: ActivityRecord | undefined): Obj | undefined {
  const c = activityIdentity(a)?.claims;
  return isObj(c) ? c : undefined;
}

/**
 * The AzureActivity `Caller`: the UPN of a user, else the object id (service principals), else the app id.
 * @example callerOf(record) // 'alice@contoso.com'
 */
export function callerOf(a: ActivityRecord | undefined): string | undefined {
  const c = activityClaims(a);
  if (c) {
    for (const k of [CLAIM_UPN, 'upn', 'unique_name', CLAIM_OID, 'oid', 'appid']) {
      const v = c[k];
      if (typeof v === 'string' && v) return v;
    }
  }
  const caller = a?.caller;
  return typeof caller === 'string' ? caller : undefined;
}

/**
 * `ResourceProviderValue`: the provider namespace from the resource id, else the operation's first segment.
 * @example resourceProviderOf({ operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/WRITE' }) === 'MICROSOFT.KUBERNETES'
 */
export function resourceProviderOf(a: ActivityRecord | undefined): string | undefined {
  const fromId = parseArmResourceId(a?.resourceId).provider;
  if (fromId) return fromId;
  const op = operationNameOf(a);
  if (!op) return undefined;
  const slash = op.indexOf('/');
  return slash > 0 ? op.slice(0, slash) : undefined;
}

const EVENT_CATEGORIES: ReadonlySet<string> = new Set(ACTIVITY_EVENT_CATEGORIES);

/**
 * `CategoryValue` (the Activity Log event category): the record's `category` when it is one of the
 * Activity Log categories, else `properties.eventCategory`, else `Policy` when `properties.policies`
 * is present, else `Administrative` (Elastic's `event_category` rule).
 * @example categoryValueOf({ category: 'Action' }) === 'Administrative'
 */
export function categoryValueOf(a: ActivityRecord | undefined): string | undefined {
  if (!a) return undefined;
  if (typeof a.category === 'string' && EVENT_CATEGORIES.has(a.category.toLowerCase())) return a.category;
  const p = activityProperties(a);
  if (typeof p?.eventCategory === 'string') return p.eventCategory;
  if (p?.policies !== undefined) return 'Policy';
  return 'Administrative';
}
