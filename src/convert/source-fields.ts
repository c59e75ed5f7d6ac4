import { AUDIT_EVENT_KEYS } from '../model/audit-fields.js';
import { type SigmaLogsource, sigmaTarget } from '../views/sigma-fields.js';

/**
 * What a Sigma field name means, independent of the target language: a path of keys into the raw
 * audit Event, one of the legacy pod-spec pseudo-fields, or an Activity Log field. Conversion maps
 * this neutral form to each target's columns (converters never translate one language's text into
 * another's). The meaning mirrors `views/sigma-fields.ts`, which the engine runs.
 */
export type SourceField =
  | { readonly kind: 'audit'; readonly keys: readonly string[] }
  | { readonly kind: 'podspec'; readonly name: 'capabilities' | 'privileged' | 'hostPath' }
  | { readonly kind: 'activity'; readonly name: ActivityField; readonly keys?: readonly string[] };

/** Activity Log fields the converters know in every target. */
export type ActivityField =
  | 'operationName'
  | 'resultType'
  | 'resultSignature'
  | 'categoryValue'
  | 'resourceId'
  | 'resourceProvider'
  | 'caller'
  | 'callerIpAddress'
  | 'correlationId'
  | 'level'
  | 'properties';

/** Top-level keys of an audit.k8s.io Event (as `views/sigma-fields.ts` lists them). */
export const EVENT_KEYS: ReadonlySet<string> = new Set(AUDIT_EVENT_KEYS);

const LEGACY: Readonly<Record<string, readonly string[]>> = {
  apiGroup: ['objectRef', 'apiGroup'],
  resource: ['objectRef', 'resource'],
  subresource: ['objectRef', 'subresource'],
  namespace: ['objectRef', 'namespace'],
  username: ['user', 'username'],
};

/** Maps whose keys themselves contain dots and slashes: after one of these, the rest of the name is one key. */
const DOTTED_KEY_PARENTS = new Set(['annotations', 'labels', 'extra']);

/**
 * Splits a dotted Sigma name into keys, keeping `annotations.authorization.k8s.io/decision` as
 * `['annotations', 'authorization.k8s.io/decision']` (label, annotation and `user.extra` keys
 * contain dots).
 * @example splitAuditPath('objectRef.resource') // ['objectRef', 'resource']
 */
export function splitAuditPath(name: string): string[] {
  const parts = name.split('.');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    out.push(parts[i]!);
    if (DOTTED_KEY_PARENTS.has(parts[i]!) && i + 1 < parts.length) {
      out.push(parts.slice(i + 1).join('.'));
      break;
    }
  }
  return out;
}

const ACTIVITY: Readonly<Record<string, ActivityField>> = {
  operationName: 'operationName',
  OperationNameValue: 'operationName',
  OperationName: 'operationName',
  resultType: 'resultType',
  ActivityStatusValue: 'resultType',
  ActivitySubstatusValue: 'resultSignature',
  resultSignature: 'resultSignature',
  CategoryValue: 'categoryValue',
  ResourceProviderValue: 'resourceProvider',
  ResourceId: 'resourceId',
  resourceId: 'resourceId',
  Caller: 'caller',
  CallerIpAddress: 'callerIpAddress',
  callerIpAddress: 'callerIpAddress',
  CorrelationId: 'correlationId',
  correlationId: 'correlationId',
  Level: 'level',
  level: 'level',
};

/**
 * Resolves a Sigma field of a rule's log source to its neutral meaning, or a reason it has none.
 * @example sourceField({ product: 'kubernetes', service: 'audit' }, 'resource') // { kind: 'audit', keys: ['objectRef', 'resource'] }
 */
export function sourceField(ls: SigmaLogsource, field: string): SourceField | string {
  const target = sigmaTarget(ls);
  if (target === 'kubernetes/audit') {
    const legacy = LEGACY[field];
    if (legacy) return { kind: 'audit', keys: legacy };
    if (field === 'capabilities' || field === 'privileged' || field === 'hostPath')
      return { kind: 'podspec', name: field };
    const keys = splitAuditPath(field);
    if (EVENT_KEYS.has(keys[0]!)) return { kind: 'audit', keys };
    return `field '${field}' is not a Kubernetes audit Event field`;
  }
  if (target === 'azure/activitylogs') {
    const a = ACTIVITY[field];
    if (a) return { kind: 'activity', name: a };
    if (field.startsWith('properties.'))
      return { kind: 'activity', name: 'properties', keys: field.slice('properties.'.length).split('.') };
    return `field '${field}' of the Activity Log has no mapping in the converters`;
  }
  if (target === 'gcp/gcp.audit')
    return `GCP audit fields ('${field}') have no column in the Kusto tables or ECS datasets auditscope emulates`;
  return `log source ${JSON.stringify(ls)} is not one auditscope converts`;
}
