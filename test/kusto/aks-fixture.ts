import { readFileSync } from 'node:fs';
import { readText } from '../../src/ingest/index.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus } from '../corpus.js';

/**
 * AKS evidence for the seed hunts:
 * - the real AKS kube-audit storage blob (DataDog, 21 records, 2024-11-15T21:00Z);
 * - SYNTHETIC: real Falco audit traces (2018, minikube) re-timed into the same hour and wrapped as
 *   AKS diagnostic records (storage-blob shape, synthetic cluster id), some edited as noted, so the
 *   Defender sample queries have true and false positives to find.
 */
export const syntheticResourceId =
  '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/SYNTHETIC-RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/SYNTHETIC-AKS';

/** The pinned now for the seed hunts: a little after the real blob's hour. */
export const seedNow = Date.parse('2024-11-16T00:00:00Z');

type Obj = Record<string, unknown>;

function falco(name: string): Obj {
  return JSON.parse(readFileSync(corpus(`falcosecurity-falco-k8s_audit/${name}`), 'utf8')) as Obj;
}

/**
 * Wraps an audit Event as an AKS resource-log record (synthetic), at `time`, with a fresh auditID
 * (some Falco traces share one, and the same request id seen twice is one request to the store).
 */
function wrap(ev: Obj, time: string, category = 'kube-audit'): string {
  const e = {
    ...ev,
    auditID: `00000000-0000-4000-8000-${String(++wrapped).padStart(12, '0')}`,
    requestReceivedTimestamp: time,
    stageTimestamp: time,
  };
  return JSON.stringify({
    category,
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { pod: 'kube-apiserver-synthetic', log: `${JSON.stringify(e)}\n`, stream: 'stdout' },
    resourceId: syntheticResourceId,
    time,
  });
}

function withObjectRef(ev: Obj, patch: Obj, extra: Obj = {}): Obj {
  return { ...ev, ...extra, objectRef: { ...(ev.objectRef as Obj), ...patch } };
}

let wrapped = 0;

/** The synthetic records, one per line, with what each is for. */
export function syntheticAksLines(): string[] {
  wrapped = 0;
  const exec = falco('exec_pod.json');
  const admin = falco('attach_cluster_admin_role.json');
  const execUri =
    '/api/v1/namespaces/kube-system/pods/coredns-5d8f6c7b9-x2x7q/exec?command=sh&command=-c&command=cat%20%2Fetc%2Fshadow&container=coredns&stdin=true&stdout=true&tty=true';
  return [
    // privileged pods (true positives: nginx; mysql; mysql), one unprivileged, one too old for ago(1d)
    wrap(falco('create_nginx_pod_privileged.json'), '2024-11-15T21:30:00.000000Z'),
    wrap(falco('create_nginx_pod_privileged_2nd_container.json'), '2024-11-15T21:31:00.000000Z'),
    wrap(
      falco('create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json'),
      '2024-11-15T21:32:00.000000Z',
    ),
    wrap(falco('create_nginx_pod_unprivileged.json'), '2024-11-15T21:33:00.000000Z'),
    wrap(falco('create_nginx_pod_privileged.json'), '2024-11-12T21:30:00.000000Z'),
    // exec into kube-system (edited: namespace, pod and command) -> true positive
    wrap(
      withObjectRef(
        exec,
        { namespace: 'kube-system', name: 'coredns-5d8f6c7b9-x2x7q' },
        { requestURI: execUri },
      ),
      '2024-11-15T21:40:00.000000Z',
    ),
    // exec into an AKS tunnel pod (excluded by the query) and the original exec in default (wrong namespace)
    wrap(
      withObjectRef(
        exec,
        { namespace: 'kube-system', name: 'tunnelfront-7d9f8' },
        { requestURI: execUri.replace('coredns-5d8f6c7b9-x2x7q', 'tunnelfront-7d9f8') },
      ),
      '2024-11-15T21:41:00.000000Z',
    ),
    wrap(exec, '2024-11-15T21:42:00.000000Z'),
    // cluster-admin binding (true positive), a binding to another role, and one made by acsService (FP filter)
    wrap(admin, '2024-11-15T21:50:00.000000Z'),
    wrap(falco('create_clusterrolebinding.json'), '2024-11-15T21:51:00.000000Z'),
    wrap(
      { ...admin, user: { username: 'acsService', groups: ['system:masters'] } },
      '2024-11-15T21:52:00.000000Z',
    ),
  ];
}

/** Real AKS blob + synthetic records as normalized events. */
export function aksSeedEvents(): AuditEvent[] {
  const real = readFileSync(corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'), 'utf8');
  const a = readText(real, 'aks_logs.json');
  const b = readText(syntheticAksLines().join('\n'), 'synthetic-aks.json');
  if (a.quarantined.length || b.quarantined.length) throw new Error('fixture records were quarantined');
  return [...a.events, ...b.events];
}
