import type { K8sAudit, SourceFormat } from '../model/event.js';
import { emitAudit, isAuditEvent } from './audit-event.js';
import { type Emitter, isObject, tooDeep } from './emitter.js';
import { armCluster, isArc } from './resource-id.js';

/**
 * AKS resource-log records (`kube-audit`, `kube-audit-admin`; formats.md §2): a storage-blob line
 * (PT1H.json) or an Event Hub `records[]` item. `properties.log` holds the audit Event as a JSON
 * string (real AKS) or an object (Elastic fixtures). Other categories on the same diagnostic
 * setting (`kube-apiserver`, `guard`, …) carry klog text: quarantined as `not-audit`.
 */

/** True when `o` has the AKS resource-log shape: a `category` and a `properties.log`. */
export function isAksRecord(o: Record<string, unknown>): boolean {
  const p = o.properties;
  return typeof o.category === 'string' && isObject(p) && p.log !== undefined;
}

/**
 * Normalizes one AKS record. The envelope is the record minus `properties.log`; the cluster comes
 * from `resourceId`; the provider is `arc` for connectedClusters ids, else `aks`.
 */
export function emitAks(
  em: Emitter,
  o: Record<string, unknown>,
  format: SourceFormat,
  raw: string,
  line: number,
  index: number,
): void {
  const props = o.properties as Record<string, unknown>;
  const log = props.log;
  const category = typeof o.category === 'string' ? o.category : undefined;
  let a: unknown = log;
  if (typeof log === 'string') {
    let c = log.charCodeAt(0);
    if (c === 32 || c === 9 || c === 10 || c === 13) c = log.trimStart().charCodeAt(0);
    if (c !== 123 /* { */) {
      em.reject(line, 'not-audit', `properties.log is not JSON (category ${category ?? '?'})`, raw);
      return;
    }
    try {
      a = JSON.parse(log);
    } catch (e) {
      em.reject(line, 'malformed-json', `properties.log: ${(e as Error).message}`, raw);
      return;
    }
  }
  if (!isObject(a) || !isAuditEvent(a)) {
    em.reject(
      line,
      category?.startsWith('kube-audit') ? 'unknown-format' : 'not-audit',
      `properties.log is not an audit Event (category ${category ?? '?'})`,
      raw,
    );
    return;
  }
  const resourceId = typeof o.resourceId === 'string' ? o.resourceId : undefined;
  const env = aksEnvelope(o, props, em.maxDepth);
  if (env === undefined) {
    em.reject(line, 'too-deep', `AKS record envelope nests deeper than ${em.maxDepth} levels`, raw);
    return;
  }
  emitAudit(
    em,
    a as K8sAudit,
    format,
    isArc(resourceId) ? 'arc' : 'aks',
    env,
    resourceId ? armCluster(resourceId) : undefined,
    category,
    o.time,
    raw,
    line,
    index,
  );
}

/**
 * The record minus `properties.log` (a shallow copy; the record itself is left untouched), or
 * undefined when a field nests too deeply. Real envelopes hold only scalars, so the depth check
 * costs nothing on them.
 */
function aksEnvelope(
  o: Record<string, unknown>,
  props: Record<string, unknown>,
  maxDepth: number,
): Record<string, unknown> | undefined {
  const env: Record<string, unknown> = {};
  for (const k in o) {
    if (k !== 'properties') {
      const v = o[k];
      if (v !== null && typeof v === 'object' && tooDeep(v, maxDepth)) return undefined;
      env[k] = v;
    } else {
      const p: Record<string, unknown> = {};
      for (const pk in props) {
        if (pk === 'log') continue;
        const v = props[pk];
        if (v !== null && typeof v === 'object' && tooDeep(v, maxDepth)) return undefined;
        p[pk] = v;
      }
      env.properties = p;
    }
  }
  return env;
}
