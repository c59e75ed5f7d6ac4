import { ACTIVITY_EVENT_CATEGORIES } from '../model/activity-categories.js';
import type { ActivityRecord, SourceFormat } from '../model/event.js';
import { type Emitter, isObject, makeEvent, parseJsonText, tooDeep } from './emitter.js';
import { armCluster, isArc } from './resource-id.js';
import { parseTime } from './time.js';

/**
 * Azure Activity Log records (formats.md §3) in the storage / Event Hub shape, plus the REST API /
 * `az monitor activity-log list` shape (`operationName: {value, localizedValue}`, `eventTimestamp`),
 * which is converted to the storage shape. Operation names and resource ids arrive in any case;
 * they are kept as written (rules compare case-insensitively).
 */

/** What `category` holds in an Activity Log record: an event category or an operation kind. */
const activityCategories: ReadonlySet<string> = new Set([
  ...ACTIVITY_EVENT_CATEGORIES,
  'action',
  'write',
  'delete',
]);

/** True when `o` looks like an Activity Log record (storage, Event Hub or REST shape). */
export function isActivityRecord(o: Record<string, unknown>): boolean {
  const op = o.operationName;
  if (typeof op === 'string')
    return o.resourceId !== undefined || o.category !== undefined || o.time !== undefined;
  if (isObject(op))
    return (
      op.value !== undefined &&
      (o.eventTimestamp !== undefined || o.time !== undefined || o.resourceId !== undefined)
    );
  const cat = o.category;
  return typeof cat === 'string' && o.time !== undefined && activityCategories.has(cat.toLowerCase());
}

/** Normalizes one Activity record (mutates the freshly parsed object into the canonical shape). */
export function emitActivity(
  em: Emitter,
  o: Record<string, unknown>,
  format: SourceFormat,
  raw: string,
  line: number,
  index: number,
): void {
  const r = (isObject(o.operationName) ? fromRestShape(o) : o) as ActivityRecord;
  if (typeof r.properties === 'string') {
    const p = parseJsonText(r.properties);
    if (isObject(p)) r.properties = p;
  }
  if (typeof r.durationMs === 'string' && r.durationMs !== '' && !Number.isNaN(Number(r.durationMs)))
    r.durationMs = Number(r.durationMs);
  if (tooDeep(r.properties, em.maxDepth) || tooDeep(r.identity, em.maxDepth)) {
    em.reject(line, 'too-deep', `activity record nests deeper than ${em.maxDepth} levels`, raw);
    return;
  }
  const t = parseTime(r.time) ?? em.fallbackTime;
  if (!t) {
    em.reject(line, 'invalid', `activity record has no usable time (${JSON.stringify(r.time)})`, raw);
    return;
  }
  const op = typeof r.operationName === 'string' ? r.operationName : '';
  const resourceId = typeof r.resourceId === 'string' ? r.resourceId : undefined;
  const props = r.properties as Record<string, unknown> | undefined;
  const dataId = r.eventDataId ?? props?.eventDataId;
  const id =
    typeof dataId === 'string' && dataId !== ''
      ? dataId
      : `${r.correlationId ?? ''}:${op.toLowerCase()}:${r.resultType ?? ''}:${Math.floor(t.ts)}`;
  em.emit(
    makeEvent(
      'activity',
      format,
      isArc(op) || isArc(resourceId) ? 'arc' : 'azure',
      t.time,
      t.ts,
      id,
      undefined,
      r,
      undefined,
      undefined,
      resourceId ? armCluster(resourceId) : undefined,
      typeof r.category === 'string' ? r.category : undefined,
      raw,
      em.source(line, index),
    ),
  );
}

const value = (v: unknown): unknown => (isObject(v) ? v.value : v);

/**
 * REST API / `az monitor activity-log list` item (`{value, localizedValue}` fields, `eventTimestamp`,
 * `status`, `httpRequest`, `claims`) -> storage shape. Keys already in storage shape are kept.
 */
function fromRestShape(o: Record<string, unknown>): Record<string, unknown> {
  const r: Record<string, unknown> = { ...o };
  r.time = o.eventTimestamp ?? o.time;
  r.operationName = value(o.operationName);
  if (o.category !== undefined) r.category = value(o.category);
  if (o.status !== undefined && o.resultType === undefined) r.resultType = value(o.status);
  if (o.subStatus !== undefined && o.resultSignature === undefined) r.resultSignature = value(o.subStatus);
  if (o.resourceProviderName !== undefined) r.resourceProviderName = value(o.resourceProviderName);
  if (o.eventName !== undefined) r.eventName = value(o.eventName);
  const http = isObject(o.httpRequest) ? o.httpRequest : undefined;
  if (http?.clientIpAddress !== undefined && o.callerIpAddress === undefined)
    r.callerIpAddress = http.clientIpAddress;
  if (o.identity === undefined && (o.authorization !== undefined || o.claims !== undefined))
    r.identity = { authorization: o.authorization, claims: o.claims };
  if (o.description !== undefined && o.resultDescription === undefined) r.resultDescription = o.description;
  return r;
}
