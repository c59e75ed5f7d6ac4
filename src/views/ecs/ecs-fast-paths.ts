import { AUDIT_EVENT_KEYS } from '../../model/audit-fields.js';
import type { AuditEvent, K8sAudit } from '../../model/event.js';
import { pruneEmpty } from './ecs-k8s.js';

/**
 * Direct getters for the `kubernetes.audit_logs` fields that Elastic's Kubernetes rules read most
 * (`kubernetes.audit.*`, `event.action`, `event.outcome`, `user.name`, `source.ip`, ...), so that
 * matching a rule never builds the ECS document: they read the audit Event in place and apply the
 * same transformations the document does (annotation keys `.`->`_`, request/response `metadata`
 * removed, empty strings / null / empty objects as object members dropped). GKE events (whose
 * document merges the LogEntry) and fields not listed here return undefined from `fastEcsGetter`,
 * and the caller reads the built document instead. A differential test holds fast == document for
 * every corpus event and every field the Elastic rules corpus uses.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Sentinel: this event needs the built document (GKE, non-audit events).
 * @example fastEcsGetter('event.action')?.(gkeEvent) === NEEDS_DOCUMENT
 */
export const NEEDS_DOCUMENT: unique symbol = Symbol('needs-document');
export type FastGetter = (ev: AuditEvent) => unknown | typeof NEEDS_DOCUMENT;

/** Event keys read straight off the Event (`annotations` has its own getter above the fallback). */
const EVENT_KEYS: ReadonlySet<string> = new Set(AUDIT_EVENT_KEYS.filter((k) => k !== 'annotations'));

/** A value as it appears in the pruned document at the end of a path. */
function leaf(v: unknown): unknown {
  if (v === '' || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => (isObj(x) ? (pruneEmpty(x) ?? {}) : x));
  if (isObj(v)) return pruneEmpty(v);
  return v;
}

/**
 * `lookupDotted` over the pruned view of a value: object members that are '' / null read as
 * missing, array elements are kept, the value at the end is pruned like the document.
 */
function lookupPruned(value: unknown, steps: readonly string[], from: number): unknown {
  if (from === steps.length) return leaf(value);
  if (value === null || value === undefined || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (!isObj(item) && !Array.isArray(item)) continue;
      const x = lookupPruned(item, steps, from);
      if (x === undefined) continue;
      if (Array.isArray(x)) out.push(...x);
      else out.push(x);
    }
    return out.length ? out : undefined;
  }
  const o = value as Obj;
  let key = steps[from]!;
  const direct = o[key];
  if (direct !== undefined && direct !== null && direct !== '') {
    const r = lookupPruned(direct, steps, from + 1);
    if (r !== undefined) return r;
  }
  for (let j = from + 1; j < steps.length; j++) {
    key += '.' + steps[j]!;
    const x = o[key];
    if (x === undefined || x === null || x === '') continue;
    const r = lookupPruned(x, steps, j + 1);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * The annotations with document keys (`.` -> `_`), built once per annotations object and shared by
 * every annotation field read of the event (a later key wins, as when the document is built).
 */
const annotationMemo = new WeakMap<Obj, Map<string, unknown>>();
function documentAnnotations(ann: Obj): Map<string, unknown> {
  let m = annotationMemo.get(ann);
  if (!m) {
    m = new Map();
    for (const k in ann) m.set(k.includes('.') ? k.replaceAll('.', '_') : k, ann[k]);
    annotationMemo.set(ann, m);
  }
  return m;
}

/**
 * The common case of `lookupPruned`, without recursion: every step is a present, non-empty member
 * of a plain object and the value at the end is a non-empty scalar, which is then exactly what
 * `lookupPruned` returns. Undefined otherwise (arrays, objects, missing or dotted keys), and the
 * caller takes the general path.
 */
function scalarChain(value: unknown, steps: readonly string[]): unknown {
  let v = value;
  for (const s of steps) {
    if (!isObj(v)) return undefined;
    v = v[s];
  }
  switch (typeof v) {
    case 'string':
      return v === '' ? undefined : v;
    case 'number':
    case 'boolean':
      return v;
    default:
      return undefined;
  }
}

function annotationGetter(docKey: string): (a: K8sAudit) => unknown {
  // Document keys are the Event's with '.' replaced by '_' (no dots left), so the rest of the field
  // path is one key; values are strings.
  return (a) => {
    const ann = a.annotations;
    if (!isObj(ann)) return undefined;
    return leaf(documentAnnotations(ann).get(docKey));
  };
}

function outcome(a: K8sAudit): string | undefined {
  const d = a.annotations?.['authorization.k8s.io/decision'];
  return d === 'allow' ? 'success' : d === 'forbid' ? 'failure' : undefined;
}

const simple =
  (f: (a: K8sAudit) => unknown): ((a: K8sAudit) => unknown) =>
  (a) =>
    leaf(f(a));

const FIXED: Record<string, (a: K8sAudit) => unknown> = {
  'event.action': simple((a) => a.verb),
  'event.outcome': outcome,
  'event.kind': () => 'event',
  'event.module': () => 'kubernetes',
  'event.dataset': () => 'kubernetes.audit_logs',
  'data_stream.dataset': () => 'kubernetes.audit_logs',
  'data_stream.type': () => 'logs',
  'data_stream.namespace': () => 'default',
  'user.name': simple((a) => a.user?.username),
  'user.id': simple((a) => a.user?.uid),
  'user_agent.original': simple((a) => a.userAgent),
  'source.ip': simple((a) => a.sourceIPs),
  'client.ip': simple((a) => a.sourceIPs),
  'related.ip': simple((a) => a.sourceIPs),
  'orchestrator.type': () => 'kubernetes',
  'orchestrator.api_version': simple((a) => a.apiVersion),
  'orchestrator.namespace': simple((a) => a.objectRef?.namespace),
  'orchestrator.resource.type': simple((a) => a.objectRef?.resource),
  'orchestrator.resource.name': simple((a) => a.objectRef?.name),
};

/**
 * A direct getter for a `kubernetes.audit_logs` field, or undefined when the field has no fast
 * path. The getter returns `NEEDS_DOCUMENT` for events it cannot read directly (GKE, non-audit).
 * @example fastEcsGetter('kubernetes.audit.verb')?.(ev) === 'create'
 */
export function fastEcsGetter(field: string): FastGetter | undefined {
  let read: ((a: K8sAudit) => unknown) | undefined = FIXED[field];
  if (!read && field.startsWith('kubernetes.audit.')) {
    const steps = field.slice('kubernetes.audit.'.length).split('.');
    const top = steps[0]!;
    if (top === 'annotations' && steps.length >= 2) read = annotationGetter(steps.slice(1).join('.'));
    else if (top === 'requestObject' || top === 'responseObject') {
      // the document removes `metadata` of an object body (not of an array body, e.g. a JSON patch)
      read = (a) => {
        const body = a[top];
        if (!isObj(body)) return steps.length === 1 ? leaf(body) : lookupPruned(body, steps, 1);
        if (steps.length === 1) {
          const { metadata: _m, ...rest } = body;
          return leaf(rest);
        }
        if (steps[1] === 'metadata') return undefined;
        return lookupPruned(body, steps, 1);
      };
    } else if (EVENT_KEYS.has(top)) read = (a) => scalarChain(a, steps) ?? lookupPruned(a, steps, 0);
  }
  if (!read) return undefined;
  const r = read;
  return (ev) => (ev.kind !== 'audit' || ev.provider === 'gke' ? NEEDS_DOCUMENT : r(ev.audit ?? {}));
}
