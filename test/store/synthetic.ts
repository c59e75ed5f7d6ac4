import type { KType } from '../../src/ir/query.js';
import type { AuditEvent, K8sAudit } from '../../src/model/event.js';
import type { TableViewLike } from '../../src/store/sources.js';

/**
 * Synthetic audit events and small hand-built table views for store tests (labelled synthetic:
 * none of this is real data). The views mirror the shape of the product's AKSAudit and
 * CloudAuditEvents views closely enough to exercise typed, dynamic and case-variant columns.
 */
export interface SyntheticSpec {
  readonly id: string;
  readonly time: string;
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly user: string;
  readonly code: number;
  readonly uri?: string;
  readonly requestObject?: unknown;
  readonly category?: string;
}

export function syntheticEvent(s: SyntheticSpec, line = 1): AuditEvent {
  const audit: K8sAudit = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: s.id,
    stage: 'ResponseComplete',
    requestURI: s.uri ?? `/api/v1/namespaces/${s.namespace ?? 'default'}/${s.resource}`,
    verb: s.verb,
    user: { username: s.user, groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.1'],
    userAgent: 'kubectl/v1.28.3 (synthetic)',
    objectRef: {
      resource: s.resource,
      ...(s.subresource ? { subresource: s.subresource } : {}),
      ...(s.namespace ? { namespace: s.namespace } : {}),
      ...(s.name ? { name: s.name } : {}),
      apiVersion: 'v1',
    },
    responseStatus: { code: s.code },
    ...(s.requestObject !== undefined ? { requestObject: s.requestObject } : {}),
    requestReceivedTimestamp: s.time,
    stageTimestamp: s.time,
  };
  const raw = JSON.stringify(audit);
  return {
    kind: 'audit',
    format: 'k8s-audit',
    provider: 'aks',
    time: s.time,
    ts: Date.parse(s.time),
    id: s.id,
    audit,
    category: s.category ?? 'kube-audit',
    raw,
    source: { file: 'synthetic.jsonl', line, index: 0 },
  };
}

const pascal = (v: unknown): unknown => {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k.charAt(0).toUpperCase() + k.slice(1)] = x;
    return o;
  }
  return v;
};

const col = (name: string, type: KType) => ({ name, type });

/** A synthetic AKSAudit-like view. */
export const syntheticAksAudit: TableViewLike = {
  name: 'AKSAudit',
  columns: [
    col('TimeGenerated', 'datetime'),
    col('AuditId', 'string'),
    col('Verb', 'string'),
    col('RequestUri', 'string'),
    col('User', 'dynamic'),
    col('SourceIps', 'dynamic'),
    col('ObjectRef', 'dynamic'),
    col('ResponseStatus', 'dynamic'),
    col('RequestObject', 'dynamic'),
    col('Category', 'string'),
  ],
  accepts: (ev) => ev.kind === 'audit',
  row: (ev) => ({
    TimeGenerated: new Date(ev.ts),
    AuditId: ev.audit?.auditID,
    Verb: ev.audit?.verb,
    RequestUri: ev.audit?.requestURI,
    User: ev.audit?.user,
    SourceIps: ev.audit?.sourceIPs,
    ObjectRef: ev.audit?.objectRef,
    ResponseStatus: ev.audit?.responseStatus,
    RequestObject: ev.audit?.requestObject,
    Category: ev.category,
  }),
};

/** A synthetic CloudAuditEvents-like view, with the `Isp` / `ISP` case pair. */
export const syntheticCloudAudit: TableViewLike = {
  name: 'CloudAuditEvents',
  columns: [
    col('Timestamp', 'datetime'),
    col('DataSource', 'string'),
    col('OperationName', 'string'),
    col('IPAddress', 'string'),
    col('Isp', 'string'),
    col('ISP', 'string'),
    col('RawEventData', 'dynamic'),
  ],
  accepts: (ev) => ev.kind === 'audit',
  row: (ev) => ({
    Timestamp: new Date(ev.ts),
    DataSource: 'Azure Kubernetes Service',
    OperationName: ev.audit?.verb,
    IPAddress: ev.audit?.sourceIPs?.[0],
    Isp: 'Synthetic ISP',
    ISP: 'Synthetic ISP',
    // Top-level keys in PascalCase, nested keys as the API server wrote them (formats.md section 5).
    RawEventData: pascal({ ...ev.audit, requestURI: undefined, RequestURI: ev.audit?.requestURI }),
  }),
};

export const syntheticViews: readonly TableViewLike[] = [syntheticAksAudit, syntheticCloudAudit];

/** A small synthetic scenario: privileged pod, exec into kube-system, cluster-admin binding, noise. */
export function syntheticScenario(): AuditEvent[] {
  const specs: SyntheticSpec[] = [
    {
      id: 'e1',
      time: '2024-05-01T10:00:00.000Z',
      verb: 'create',
      resource: 'pods',
      namespace: 'default',
      name: 'evil',
      user: 'mallory',
      code: 201,
      requestObject: {
        metadata: { name: 'evil' },
        spec: { containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b' }] },
      },
    },
    {
      id: 'e2',
      time: '2024-05-01T10:05:00.000Z',
      verb: 'create',
      resource: 'pods',
      subresource: 'exec',
      namespace: 'kube-system',
      name: 'coredns-1',
      user: 'mallory',
      code: 101,
      uri: '/api/v1/namespaces/kube-system/pods/coredns-1/exec?command=sh&command=-c&command=cat%20%2Fetc%2Fshadow&container=c',
    },
    {
      id: 'e3',
      time: '2024-05-01T10:10:00.000Z',
      verb: 'create',
      resource: 'clusterrolebindings',
      name: 'pwn',
      user: 'alice@contoso.com',
      code: 201,
      requestObject: {
        roleRef: { name: 'cluster-admin' },
        subjects: [
          { kind: 'User', name: 'mallory' },
          { kind: 'ServiceAccount', name: 'x' },
        ],
      },
    },
    {
      id: 'e4',
      time: '2024-05-01T11:00:00.000Z',
      verb: 'get',
      resource: 'secrets',
      namespace: 'payments',
      name: 'db',
      user: 'bob',
      code: 200,
    },
    {
      id: 'e5',
      time: '2024-05-01T11:30:00.000Z',
      verb: 'list',
      resource: 'secrets',
      namespace: 'payments',
      user: 'bob',
      code: 403,
    },
    {
      id: 'e6',
      time: '2024-05-02T09:00:00.000Z',
      verb: 'delete',
      resource: 'events',
      namespace: 'kube-system',
      name: 'x.1',
      user: 'system:serviceaccount:kube-system:sa',
      code: 200,
    },
  ];
  return specs.map((s, i) => syntheticEvent(s, i + 1));
}
