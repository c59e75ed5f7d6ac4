import type { AuditEvent, K8sAudit } from '../../model/event.js';

/**
 * The `kubernetes.audit_logs` document, as Elastic Agent's Kubernetes integration indexes an
 * audit Event (raw log file, EKS via aws-cloudwatch, AKS via azure-eventhub, GKE via gcp-pubsub).
 * Follows the integration's ingest pipeline and its pipeline-test expectations
 * (elastic/integrations packages/kubernetes/data_stream/audit_logs):
 * - annotation keys have `.` replaced by `_`; `event.outcome` from the authorization decision
 *   (allow -> success, forbid -> failure);
 * - `requestObject.metadata` / `responseObject.metadata` are removed; empty strings and empty
 *   objects are dropped (so an empty `authorization.k8s.io/reason`, `apiGroup: ""`,
 *   `responseStatus.metadata: {}` and `user.extra: {}` disappear, as in the expected output);
 * - `source.ip`/`client.ip`/`related.ip` are arrays; `user.name`/`user.id`; `related.user` = [uid, username];
 * - `orchestrator.{type,api_version,namespace,resource.{type,name}}`; the AKS envelope under
 *   `kubernetes.audit.aks_metadata.*`; the GKE LogEntry under `kubernetes.audit.{protoPayload,logName,
 *   operation,resource}` with `orchestrator.cluster.{id,name}`.
 * Deliberate deviations for GKE: documents also carry the converted Event fields (`verb`,
 * `objectRef`, `user`, ...) so that rules written for `kubernetes.audit_logs` fire on GKE too
 * (Elastic's own pipeline leaves them out), and `kubernetes.audit.responseStatus.code` is the
 * ingest's HTTP-style code (Elastic copies the gRPC `status.code` there: 0, 7, 16); the gRPC code
 * stays at `kubernetes.audit.protoPayload.status.code`. `@timestamp` is the record time for AKS and the stage timestamp
 * otherwise (to the millisecond); ingest-time fields (`event.ingested`, `tags`) are not produced.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Deep copy without empty strings, null, and empty objects as object members (array elements are
 * kept, objects inside arrays are pruned too). Returns undefined when nothing is left.
 * @example pruneEmpty({ a: '', b: { c: {} }, d: 1 }) // { d: 1 }
 */
export function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (isObj(x) ? (pruneEmpty(x) ?? {}) : x));
  if (!isObj(v)) return v === '' || v === null ? undefined : v;
  const out: Obj = {};
  let any = false;
  for (const [k, x] of Object.entries(v)) {
    const p = pruneEmpty(x);
    if (p === undefined) continue;
    out[k] = p;
    any = true;
  }
  return any ? out : undefined;
}

function withoutMetadata(body: unknown): unknown {
  if (!isObj(body) || !('metadata' in body)) return body;
  const { metadata: _m, ...rest } = body;
  return rest;
}

/**
 * `@timestamp` text with millisecond precision, as Elasticsearch stores a `date`.
 * @example isoMillis(Date.parse('2025-10-07T16:19:19.647880Z')) === '2025-10-07T16:19:19.647Z'
 */
export function isoMillis(ts: number): string | undefined {
  return Number.isFinite(ts) ? new Date(Math.floor(ts)).toISOString() : undefined;
}

const CLOUD: Partial<Record<AuditEvent['provider'], string>> = {
  aks: 'azure',
  arc: 'azure',
  eks: 'aws',
  gke: 'gcp',
};

/**
 * Builds the `kubernetes.audit_logs` document of an audit event (see the file comment).
 * @example ecsKubernetesAudit(ev).event // { kind: 'event', action: 'create', outcome: 'success', ... }
 */
export function ecsKubernetesAudit(ev: AuditEvent): Obj {
  const a: K8sAudit = ev.audit ?? {};
  const audit: Obj = {};
  for (const [k, v] of Object.entries(a)) {
    if (k === 'annotations' && isObj(v)) {
      const ann: Obj = {};
      for (const [ak, av] of Object.entries(v)) ann[ak.replaceAll('.', '_')] = av;
      audit.annotations = ann;
    } else if (k === 'requestObject' || k === 'responseObject') audit[k] = withoutMetadata(v);
    else if (k === 'metadata' || k === 'timestamp')
      continue; // v1beta1 extras, not mapped
    else audit[k] = v;
  }
  const env = ev.envelope;
  if (ev.provider === 'gke' && env) {
    for (const k of ['logName', 'operation', 'resource'] as const)
      if (env[k] !== undefined) audit[k] = env[k];
    if (isObj(env.protoPayload)) {
      // request/response are already requestObject/responseObject; `status` (the gRPC code) is kept
      // here because responseStatus.code holds the ingest's HTTP-style code (see the file comment)
      const { request: _q, response: _r, ...pp } = env.protoPayload;
      audit.protoPayload = pp;
    }
  } else if (env && (ev.format === 'aks-diagnostic' || ev.format === 'la-aksaudit' || ev.category)) {
    const props = isObj(env.properties) ? env.properties : {};
    audit.aks_metadata = {
      category: env.category ?? ev.category,
      operation_name: env.operationName,
      resource_id: env.resourceId ?? ev.cluster?.id,
      service_build: env.serviceBuild,
      container_id: props.containerID,
      pod: props.pod,
      stream: props.stream,
      time: env.time,
    };
  }
  const doc: Obj = {
    '@timestamp': isoMillis(ev.ts),
    event: {
      kind: 'event',
      action: a.verb,
      outcome: outcomeOf(a.annotations?.['authorization.k8s.io/decision']),
      original: ev.raw,
      dataset: 'kubernetes.audit_logs',
      module: 'kubernetes',
    },
    kubernetes: { audit },
    orchestrator: orchestratorOf(ev, a),
    user: { name: a.user?.username, id: a.user?.uid },
    user_agent: { original: a.userAgent },
    source: { ip: a.sourceIPs },
    client: { ip: a.sourceIPs },
    related: {
      ip: a.sourceIPs,
      user: relatedUsers(a),
    },
    cloud: { provider: CLOUD[ev.provider] },
    data_stream: { type: 'logs', dataset: 'kubernetes.audit_logs', namespace: 'default' },
  };
  return (pruneEmpty(doc) as Obj | undefined) ?? {};
}

function outcomeOf(decision: string | undefined): string | undefined {
  if (decision === 'allow') return 'success';
  if (decision === 'forbid') return 'failure';
  return undefined;
}

function relatedUsers(a: K8sAudit): string[] | undefined {
  const out: string[] = [];
  for (const u of [a.user?.uid, a.user?.username]) if (u && !out.includes(u)) out.push(u);
  return out.length ? out : undefined;
}

function orchestratorOf(ev: AuditEvent, a: K8sAudit): Obj {
  const o: Obj = { type: 'kubernetes' };
  if (ev.provider === 'gke') {
    const res = ev.envelope?.resource;
    const labels = isObj(res) && isObj(res.labels) ? res.labels : {};
    o.cluster = {
      id: labels.project_id ?? ev.cluster?.project,
      name: labels.cluster_name ?? ev.cluster?.name,
    };
    const pp = ev.envelope?.protoPayload;
    // as Elastic's pipeline: the LogEntry's resource name and monitored-resource type
    o.resource = {
      name: (isObj(pp) ? pp.resourceName : undefined) ?? a.objectRef?.name,
      type: (isObj(res) ? res.type : undefined) ?? a.objectRef?.resource,
    };
    o.namespace = a.objectRef?.namespace;
    return o;
  }
  o.api_version = a.apiVersion;
  o.namespace = a.objectRef?.namespace;
  o.resource = { name: a.objectRef?.name, type: a.objectRef?.resource };
  if (ev.provider === 'eks' || ev.provider === 'aks' || ev.provider === 'arc') {
    o.cluster = { name: ev.cluster?.name };
  }
  return o;
}
