/**
 * The normalized audit event: one per input record, whatever the source format.
 *
 * A record keeps its raw text (for display and `event.original`) and where it came from.
 * Provider-specific payloads are kept in the shape of their canonical source document so
 * that views can expose them without copying:
 * - `audit`: an `audit.k8s.io` Event (camelCase), for raw, AKS, EKS and GKE (converted) records;
 * - `activity`: an Azure Activity Log record in its storage / Event Hub shape;
 * - `kubeEvent`: a core/v1 or events.k8s.io/v1 Event from `kubectl get events`.
 */

/** Where a record came from. `line` is 1-based; `index` is the record's position inside a batch on that line. */
export interface Provenance {
  readonly file: string;
  readonly line: number;
  readonly index: number;
}

/** The wire format a record was recognized as. */
export type SourceFormat =
  | 'k8s-audit' // audit.k8s.io Event, log backend (JSON Lines)
  | 'k8s-audit-list' // audit.k8s.io EventList, webhook batch
  | 'aks-diagnostic' // AKS resource log record (kube-audit, kube-audit-admin), storage blob or Event Hub
  | 'azure-activity' // Azure Activity Log record (storage blob or Event Hub)
  | 'la-aksaudit' // Log Analytics export of AKSAudit / AKSAuditAdmin / ArcK8sAudit rows
  | 'la-azurediagnostics' // Log Analytics export of AzureDiagnostics rows
  | 'la-azureactivity' // Log Analytics export of AzureActivity rows
  | 'eks-cloudwatch' // EKS audit through CloudWatch Logs
  | 'gke-audit' // GKE Cloud Audit Logs LogEntry, serviceName k8s.io
  | 'kube-events' // kubectl get events -o json
  | 'ecs'; // ECS document written by Filebeat / Elastic Agent

export type EventKind = 'audit' | 'activity' | 'k8s-event';

/** Which platform produced the record: drives CloudAuditEvents.DataSource and rule routing. */
export type Provider = 'k8s' | 'aks' | 'arc' | 'eks' | 'gke' | 'azure';

/** A Kubernetes user as written by the API server. */
export interface K8sUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface K8sObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** An `audit.k8s.io` Event as parsed; unknown keys are kept. */
export interface K8sAudit {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID?: string;
  stage?: string;
  requestURI?: string;
  verb?: string;
  user?: K8sUser;
  impersonatedUser?: K8sUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: K8sObjectRef;
  responseStatus?: {
    code?: number;
    status?: string;
    message?: string;
    reason?: string;
    [k: string]: unknown;
  };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

/** An Azure Activity Log record in the storage / Event Hub shape (keys as Azure writes them). */
export interface ActivityRecord {
  time?: string;
  resourceId?: string;
  operationName?: string;
  category?: string;
  resultType?: string;
  resultSignature?: string;
  resultDescription?: string;
  durationMs?: number | string;
  callerIpAddress?: string;
  correlationId?: string;
  identity?: unknown;
  level?: string | number;
  location?: string;
  properties?: Record<string, unknown>;
  tenantId?: string;
  [k: string]: unknown;
}

/** The envelope around an audit Event: AKS diagnostic record fields, CloudWatch stream, GKE LogEntry (payload removed). */
export interface Envelope {
  readonly [k: string]: unknown;
}

/** The cluster or cloud resource a record belongs to, as far as the source says. */
export interface ClusterRef {
  /** ARM resource id (original case), AWS log group / ARN, or GCP full resource name. */
  readonly id?: string;
  readonly name?: string;
  readonly resourceGroup?: string;
  readonly subscriptionId?: string;
  readonly project?: string;
  readonly location?: string;
}

export interface AuditEvent {
  readonly kind: EventKind;
  readonly format: SourceFormat;
  readonly provider: Provider;
  /** Event time as ISO-8601 text, with the source's precision (UTC, `Z`). */
  readonly time: string;
  /** Event time in epoch milliseconds (fractional part keeps sub-millisecond precision where the source has it). */
  readonly ts: number;
  /** Deduplication key: the same request seen through two feeds has the same id. */
  readonly id: string;
  readonly audit?: K8sAudit;
  readonly activity?: ActivityRecord;
  readonly kubeEvent?: Record<string, unknown>;
  readonly envelope?: Envelope;
  readonly cluster?: ClusterRef;
  /** AKS diagnostic category (`kube-audit`, `kube-audit-admin`) or Activity Log category. */
  readonly category?: string;
  /** The raw record text exactly as read (one record of a batch is re-serialized). */
  readonly raw: string;
  readonly source: Provenance;
}

/** A field accessor compiled once per rule and called once per event. */
export type Getter = (ev: AuditEvent) => unknown;
