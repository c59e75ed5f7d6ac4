import type { K8sAudit } from '../../model/event.js';

/**
 * Wire formats a synthetic test event can be written in. Audit formats wrap one `audit.k8s.io`
 * Event the way each provider delivers it; `activity` writes an Azure Activity Log record as is.
 */
export type TestFormat = 'k8s' | 'aks' | 'aks-admin' | 'la-aksaudit' | 'eks' | 'gke' | 'activity';

export const testFormats: readonly TestFormat[] = [
  'k8s',
  'aks',
  'aks-admin',
  'la-aksaudit',
  'eks',
  'gke',
  'activity',
];

export const isTestFormat = (s: unknown): s is TestFormat =>
  typeof s === 'string' && (testFormats as readonly string[]).includes(s);

/** Where synthetic records claim to come from. All ids are made up (synthetic). */
export interface SyntheticCluster {
  /** AKS ARM resource id, upper-case as AKS diagnostic records write it. */
  readonly aksResourceId: string;
  readonly eksLogGroup: string;
  readonly eksAccount: string;
  readonly gkeProject: string;
  readonly gkeLocation: string;
  readonly gkeCluster: string;
}

export const defaultCluster: SyntheticCluster = {
  aksResourceId:
    '/SUBSCRIPTIONS/00000000-0000-4000-8000-00000000C0DE/RESOURCEGROUPS/RG-SYNTHETIC/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-SYNTHETIC',
  eksLogGroup: '/aws/eks/eks-synthetic/cluster',
  eksAccount: '000000000000',
  gkeProject: 'synthetic-project',
  gkeLocation: 'europe-west1',
  gkeCluster: 'gke-synthetic',
};

/**
 * Serializes one audit Event (or, for `activity`, one Activity Log record) as the text a file of
 * that format would hold, ready for `ingestText`. Output is one line (JSON Lines), no trailing newline.
 * @example envelope('aks', { verb: 'get', objectRef: { resource: 'secrets' } }) // AKS kube-audit record
 */
export function envelope(format: TestFormat, ev: Record<string, unknown>, cluster = defaultCluster): string {
  switch (format) {
    case 'k8s':
    case 'activity':
      return JSON.stringify(ev);
    case 'aks':
    case 'aks-admin':
      return JSON.stringify(
        aksRecord(ev as K8sAudit, format === 'aks' ? 'kube-audit' : 'kube-audit-admin', cluster),
      );
    case 'la-aksaudit':
      return JSON.stringify(aksAuditRow(ev as K8sAudit, 'AKSAudit', cluster));
    case 'eks':
      return JSON.stringify(eksSubscriptionPayload([ev as K8sAudit], cluster));
    case 'gke':
      return JSON.stringify(gkeLogEntry(ev as K8sAudit, cluster));
  }
}

/** An AKS resource-log record (storage blob / Event Hub record) around an audit Event. */
export function aksRecord(ev: K8sAudit, category: string, cluster = defaultCluster): Record<string, unknown> {
  return {
    category,
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: {
      log: `${JSON.stringify(ev)}\n`,
      pod: 'kube-apiserver-5d8f7c9b6-synth',
      containerID: '5f0c0de5f0c0de5f0c0de5f0c0de5f0c0de5f0c0de5f0c0de5f0c0de5f0c0de0',
      stream: 'stdout',
    },
    resourceId: cluster.aksResourceId,
    serviceBuild: 'na',
    time: pipelineTime(ev.stageTimestamp),
  };
}

/**
 * A Log Analytics `AKSAudit` (or `AKSAuditAdmin`) row, as a portal / API export writes it: the
 * audit Event's fields as PascalCase columns, `_ResourceId` lower-case.
 */
export function aksAuditRow(
  ev: K8sAudit,
  table: 'AKSAudit' | 'AKSAuditAdmin',
  cluster = defaultCluster,
): Record<string, unknown> {
  const row: Record<string, unknown> = {
    TenantId: '00000000-0000-4000-8000-0000000000aa',
    TimeGenerated: ev.stageTimestamp,
    AuditId: ev.auditID,
    Level: ev.level,
    Stage: ev.stage,
    RequestUri: ev.requestURI,
    Verb: ev.verb,
    User: ev.user,
    SourceIps: ev.sourceIPs,
    UserAgent: ev.userAgent,
    ObjectRef: ev.objectRef,
    ResponseStatus: ev.responseStatus,
    RequestObject: ev.requestObject,
    ResponseObject: ev.responseObject,
    RequestReceivedTime: ev.requestReceivedTimestamp,
    StageReceivedTime: ev.stageTimestamp,
    Annotations: ev.annotations,
    PodName: 'kube-apiserver-5d8f7c9b6-synth',
    SourceSystem: 'Azure',
    Type: table,
    _ResourceId: cluster.aksResourceId.toLowerCase(),
  };
  for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
  return row;
}

/** A CloudWatch Logs subscription-filter payload (as delivered after gunzip) with one log event per Event. */
export function eksSubscriptionPayload(
  events: readonly K8sAudit[],
  cluster = defaultCluster,
): Record<string, unknown> {
  return {
    messageType: 'DATA_MESSAGE',
    owner: cluster.eksAccount,
    logGroup: cluster.eksLogGroup,
    logStream: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef',
    subscriptionFilters: ['auditscope-synthetic'],
    logEvents: events.map((ev, i) => ({
      id: `${Date.parse(ev.stageTimestamp ?? '') || 0}${String(i).padStart(6, '0')}`,
      timestamp: Math.floor(Date.parse(ev.stageTimestamp ?? '') || 0),
      message: JSON.stringify(ev),
    })),
  };
}

/** Reverses `rbac.authorization.k8s.io` to GKE's method-name spelling `authorization.rbac`; '' is `core`. */
export function gkeGroup(apiGroup: string | undefined): string {
  if (!apiGroup) return 'core';
  return apiGroup
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .reverse()
    .join('.');
}

/** A GKE Cloud Audit Logs LogEntry (serviceName k8s.io) carrying the same request. */
export function gkeLogEntry(ev: K8sAudit, cluster = defaultCluster): Record<string, unknown> {
  const ref = ev.objectRef;
  const verb = ev.verb ?? 'get';
  const code = ev.responseStatus?.code ?? 200;
  let methodName = `io.k8s.${verb}`;
  let resourceName = (ev.requestURI ?? '/').replace(/^\//, '').split('?')[0] ?? '';
  if (ref?.resource) {
    const group = gkeGroup(ref.apiGroup);
    const version = ref.apiVersion ?? 'v1';
    methodName = ['io.k8s', group, version, ref.resource, ref.subresource, verb].filter(Boolean).join('.');
    const groupPath = ref.apiGroup ? ref.apiGroup : 'core';
    const parts = [groupPath, version];
    if (ref.namespace) parts.push('namespaces', ref.namespace);
    parts.push(ref.resource);
    if (ref.name) parts.push(ref.name);
    if (ref.subresource) parts.push(ref.subresource);
    resourceName = parts.join('/');
  }
  const reads = verb === 'get' || verb === 'list' || verb === 'watch';
  const payload: Record<string, unknown> = {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    serviceName: 'k8s.io',
    methodName,
    resourceName,
    authenticationInfo: { principalEmail: ev.user?.username },
    authorizationInfo: [{ permission: methodName, resource: resourceName, granted: code < 400 }],
    requestMetadata: {
      callerIp: ev.sourceIPs?.[0],
      callerSuppliedUserAgent: ev.userAgent,
    },
    status: code < 400 ? {} : { code: grpcCode(code), message: ev.responseStatus?.message ?? 'denied' },
  };
  if (ev.requestObject !== undefined) payload.request = ev.requestObject;
  if (ev.responseObject !== undefined) payload.response = ev.responseObject;
  return {
    protoPayload: payload,
    insertId: ev.auditID,
    resource: {
      type: 'k8s_cluster',
      labels: {
        project_id: cluster.gkeProject,
        location: cluster.gkeLocation,
        cluster_name: cluster.gkeCluster,
      },
    },
    timestamp: ev.stageTimestamp,
    severity: code < 400 ? 'NOTICE' : 'WARNING',
    labels: ev.annotations ?? {},
    logName: `projects/${cluster.gkeProject}/logs/cloudaudit.googleapis.com%2F${reads ? 'data_access' : 'activity'}`,
    operation: { id: ev.auditID, producer: 'k8s.io', first: true, last: true },
    receiveTimestamp: ev.stageTimestamp,
  };
}

function grpcCode(http: number): number {
  if (http === 401) return 16;
  if (http === 403) return 7;
  if (http === 404) return 5;
  if (http === 409) return 6;
  return 2;
}

/** AKS writes the pipeline time with 9 fractional digits; keep the event's instant. */
function pipelineTime(stage: string | undefined): string {
  const t = Date.parse(stage ?? '');
  if (Number.isNaN(t)) return '2026-11-20T09:00:00.000000000Z';
  return new Date(t).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}
