import type { SourceFormat } from '../model/event.js';
import { type Emitter, isObject, makeEvent, tooDeep } from './emitter.js';
import { parseTime } from './time.js';

/**
 * `kubectl get events -A -o json` items (formats.md §6): core/v1 Events and events.k8s.io/v1
 * Events. They have no verb and no user; they become kind `k8s-event`, category `k8s-event`.
 */

/** True for a core/v1 or events.k8s.io Event object. */
export function isKubeEvent(o: Record<string, unknown>): boolean {
  const v = o.apiVersion;
  if (o.kind === 'Event' && (v === 'v1' || (typeof v === 'string' && v.startsWith('events.k8s.io/'))))
    return true;
  return (
    o.kind === undefined && (isObject(o.involvedObject) || isObject(o.regarding)) && isObject(o.metadata)
  );
}

export function emitKubeEvent(
  em: Emitter,
  o: Record<string, unknown>,
  format: SourceFormat,
  raw: string,
  line: number,
  index: number,
): void {
  if (tooDeep(o, em.maxDepth)) {
    em.reject(line, 'too-deep', `Kubernetes Event nests deeper than ${em.maxDepth} levels`, raw);
    return;
  }
  const meta = isObject(o.metadata) ? o.metadata : {};
  const series = isObject(o.series) ? o.series : {};
  const t =
    parseTime(o.eventTime ?? undefined) ??
    parseTime(series.lastObservedTime) ??
    parseTime(o.lastTimestamp ?? o.deprecatedLastTimestamp) ??
    parseTime(o.firstTimestamp ?? o.deprecatedFirstTimestamp) ??
    parseTime(meta.creationTimestamp) ??
    em.fallbackTime;
  if (!t) {
    em.reject(
      line,
      'invalid',
      'Kubernetes Event has no time (eventTime, lastTimestamp, creationTimestamp)',
      raw,
    );
    return;
  }
  const key = meta.uid ?? `${String(meta.namespace ?? '')}/${String(meta.name ?? '')}`;
  em.emit(
    makeEvent(
      'k8s-event',
      format,
      'k8s',
      t.time,
      t.ts,
      `k8s-event:${String(key)}:${String(meta.resourceVersion ?? '')}`,
      undefined,
      undefined,
      o,
      undefined,
      undefined,
      'k8s-event',
      raw,
      em.source(line, index),
    ),
  );
}
