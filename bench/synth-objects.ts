/**
 * SYNTHETIC DATA. Request bodies of a busy cluster: pods (containers, securityContext, volumes),
 * RBAC bindings, configmaps, secrets metadata. Benign shapes by default; `hostile` options make
 * the privileged / host-mounting variants that detection rules look for.
 */
import type { Prng } from './prng.js';

export interface PodOptions {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly privileged?: boolean;
  readonly capabilities?: readonly string[];
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly hostPath?: string;
  readonly command?: readonly string[];
  readonly serviceAccountName?: string;
  readonly ownerReplicaSet?: string;
}

const registries = ['contoso.azurecr.io', 'mcr.microsoft.com', 'docker.io/library', 'ghcr.io/contoso'];
const appImages = [
  'checkout',
  'payments-api',
  'frontend',
  'cart',
  'orders-worker',
  'nginx',
  'redis',
  'envoy',
];

export function benignImage(prng: Prng): string {
  return `${prng.pick(registries)}/${prng.pick(appImages)}:${prng.pick(['1.4.2', '2.0.1', 'v3.11', prng.hex(7)])}`;
}

/** A core/v1 Pod as a client sends it in a create request. */
export function podObject(prng: Prng, o: PodOptions): Record<string, unknown> {
  const securityContext: Record<string, unknown> = o.privileged
    ? { privileged: true, ...(o.capabilities ? { capabilities: { add: o.capabilities } } : {}) }
    : o.capabilities
      ? { capabilities: { add: o.capabilities } }
      : {
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
          readOnlyRootFilesystem: prng.chance(0.6),
          capabilities: { drop: ['ALL'] },
        };
  const volumes: Record<string, unknown>[] = [
    {
      name: `kube-api-access-${prng.suffix(5)}`,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
      },
    },
  ];
  const mounts: Record<string, unknown>[] = [
    {
      name: (volumes[0]?.name as string) ?? 'kube-api-access',
      readOnly: true,
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    },
  ];
  if (o.hostPath) {
    volumes.push({ name: 'host', hostPath: { path: o.hostPath, type: '' } });
    mounts.push({ name: 'host', mountPath: '/host' });
  } else if (prng.chance(0.4)) {
    volumes.push({
      name: 'config',
      configMap: { name: `${o.name.split('-')[0] ?? 'app'}-config`, defaultMode: 420 },
    });
    mounts.push({ name: 'config', mountPath: '/etc/app' });
  }
  const container: Record<string, unknown> = {
    name: o.name.split('-')[0] ?? 'app',
    image: o.image,
    ...(o.command ? { command: o.command } : {}),
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    volumeMounts: mounts,
    terminationMessagePath: '/dev/termination-log',
    imagePullPolicy: 'IfNotPresent',
    securityContext,
  };
  const containers = [container];
  if (prng.chance(0.25))
    containers.push({
      name: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.20.2',
      resources: { limits: { cpu: '2', memory: '1Gi' } },
      securityContext: { allowPrivilegeEscalation: false, runAsUser: 1337, capabilities: { drop: ['ALL'] } },
    });
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { app: o.name.split('-')[0] ?? 'app', 'pod-template-hash': prng.hex(10) },
      ...(o.ownerReplicaSet
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: o.ownerReplicaSet,
                uid: prng.uuid(),
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      volumes,
      containers,
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: o.serviceAccountName ?? 'default',
      ...(o.hostNetwork ? { hostNetwork: true } : {}),
      ...(o.hostPID ? { hostPID: true } : {}),
      ...(o.hostIPC ? { hostIPC: true } : {}),
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
    status: {},
  };
}

export interface Subject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
}

/** A (Cluster)RoleBinding as created by a client. */
export function bindingObject(
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  namespace: string | undefined,
  role: string,
  subjects: readonly Subject[],
): Record<string, unknown> {
  return {
    kind,
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    subjects: subjects.map((s) => ({
      kind: s.kind,
      ...(s.kind === 'ServiceAccount' ? {} : { apiGroup: 'rbac.authorization.k8s.io' }),
      name: s.name,
      ...(s.namespace ? { namespace: s.namespace } : {}),
    })),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: role.startsWith('cluster') ? 'ClusterRole' : 'Role',
      name: role,
    },
  };
}

export function configMapObject(prng: Prng, name: string, namespace: string): Record<string, unknown> {
  const data: Record<string, string> = {};
  const n = 1 + prng.int(4);
  for (let i = 0; i < n; i++)
    data[prng.pick(['app.yaml', 'LOG_LEVEL', 'FEATURE_FLAGS', 'Corefile', 'nginx.conf', 'settings.json'])] =
      prng.pick(['info', 'debug', 'enable_new_checkout=true\nrate_limit=500', 'server {\n  listen 8080;\n}']);
  return { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name, namespace }, data };
}

/** A ReplicaSet-style status write, the most common RequestResponse body in a busy cluster. */
export function statusPatch(prng: Prng): Record<string, unknown> {
  return {
    status: {
      conditions: [{ type: 'Ready', status: prng.chance(0.9) ? 'True' : 'False', lastProbeTime: null }],
      observedGeneration: 1 + prng.int(40),
    },
  };
}
