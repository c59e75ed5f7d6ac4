/**
 * SYNTHETIC DATA. The cast of a busy AKS cluster: who talks to the API server, from where, with
 * which client. Names follow what real AKS blobs show (aksService, readinessChecker with
 * kube-probe, hcpService with Prometheus, metrics-server, kube-system controllers, nodes, Entra
 * users by UPN) but every identifier here is invented.
 */
import type { Prng } from './prng.js';

export interface Actor {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  readonly userAgents: readonly string[];
  /** Source IP prefixes this actor connects from (the last octet is random). */
  readonly ipPrefixes: readonly string[];
}

const k8sVersion = 'v1.29.10';
const build = 'kubernetes/f0c1ea8';

export function serviceAccount(ns: string, name: string, userAgents: readonly string[]): Actor {
  return {
    username: `system:serviceaccount:${ns}:${name}`,
    uid: `sa-${ns}-${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
    userAgents,
    ipPrefixes: ['10.244.0.', '10.244.1.', '10.244.2.'],
  };
}

function controllerUa(name: string): string {
  return `kube-controller-manager/${k8sVersion} (linux/amd64) ${build}/system:serviceaccount:kube-system:${name}`;
}

export const aksService: Actor = {
  username: 'aksService',
  groups: ['system:masters', 'system:authenticated'],
  userAgents: [
    `kube-controller-manager/${k8sVersion} (linux/amd64) ${build}/leader-election`,
    `kube-scheduler/${k8sVersion} (linux/amd64) ${build}/leader-election`,
    `cloud-controller-manager/${k8sVersion} (linux/amd64) ${build}/leader-election`,
  ],
  ipPrefixes: ['172.31.20.', '172.31.21.'],
};

export const readinessChecker: Actor = {
  username: 'readinessChecker',
  uid: '1',
  groups: ['system:authenticated'],
  userAgents: ['kube-probe/1.29'],
  ipPrefixes: ['10.200.0.'],
};

export const hcpService: Actor = {
  username: 'hcpService',
  groups: ['system:authenticated'],
  userAgents: ['Prometheus/2.54.1'],
  ipPrefixes: ['10.200.0.'],
};

export const apiserver: Actor = {
  username: 'system:apiserver',
  uid: '47e73aca-e00f-44f7-8b36-4befe62d009d',
  groups: ['system:masters'],
  userAgents: [`kube-apiserver/${k8sVersion} (linux/amd64) ${build}`],
  ipPrefixes: ['127.0.0.'],
};

export const scheduler: Actor = {
  username: 'system:kube-scheduler',
  groups: ['system:authenticated'],
  userAgents: [`kube-scheduler/${k8sVersion} (linux/amd64) ${build}/scheduler`],
  ipPrefixes: ['172.31.20.'],
};

export const controllerNames = [
  'replicaset-controller',
  'deployment-controller',
  'endpointslice-controller',
  'generic-garbage-collector',
  'namespace-controller',
  'job-controller',
  'cronjob-controller',
  'daemon-set-controller',
  'resourcequota-controller',
] as const;

export const controllers: readonly Actor[] = controllerNames.map((n) =>
  serviceAccount('kube-system', n, [controllerUa(n)]),
);

export const metricsServer = serviceAccount('kube-system', 'metrics-server', [
  'metrics-server/v0.6.3 (linux/amd64) kubernetes/$Format',
]);
export const coredns = serviceAccount('kube-system', 'coredns', [
  'coredns/v1.9.4 (linux/amd64) kubernetes/$Format',
]);
export const konnectivity = serviceAccount('kube-system', 'konnectivity-agent', ['Go-http-client/2.0']);
export const argocd = serviceAccount('argocd', 'argocd-application-controller', [
  'argocd-application-controller/v2.9.3 (linux/amd64) kubernetes/$Format',
]);
export const prometheus = serviceAccount('monitoring', 'prometheus-k8s', ['Prometheus/2.47.0']);
export const ciDeployer = serviceAccount('ci', 'deployer', [
  'Helm/3.14.2',
  'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
]);
export const defaultSa = serviceAccount('payments', 'default', ['python-requests/2.31.0', 'curl/8.4.0']);

export function nodeActor(name: string): Actor {
  return {
    username: `system:node:${name}`,
    groups: ['system:nodes', 'system:authenticated'],
    userAgents: [`kubelet/${k8sVersion} (linux/amd64) ${build}`],
    ipPrefixes: ['10.224.0.'],
  };
}

const humanUas = [
  'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
  'kubectl/v1.28.3 (darwin/arm64) kubernetes/a8a1abc',
  'kubectl.exe/v1.29.1 (windows/amd64) kubernetes/bc401b9',
  'k9s/v0.31.7 (linux/amd64) kubernetes/$Format',
  'Lens/2024.2.1',
];

function entraUser(upn: string, prng: Prng): Actor {
  return {
    username: upn,
    groups: [prng.uuid(), 'system:authenticated'],
    extra: { oid: [prng.uuid()], scp: ['user_impersonation'] },
    userAgents: humanUas,
    ipPrefixes: ['20.62.', '52.170.', '40.112.'],
  };
}

/** People: the AKS local admin, and Entra users (UPN, one by object id as AKS sometimes shows). */
export function humans(prng: Prng): Actor[] {
  const oid = prng.uuid();
  return [
    {
      username: 'masterclient',
      groups: ['system:masters', 'system:authenticated'],
      userAgents: humanUas,
      ipPrefixes: ['20.62.', '52.170.'],
    },
    entraUser('alice@contoso.com', prng),
    entraUser('bob@contoso.com', prng),
    entraUser('carol.ops@contoso.onmicrosoft.com', prng),
    entraUser('dev.intern@fabrikam.com', prng),
    { ...entraUser(oid, prng), username: oid },
  ];
}

/** Clients an attacker tends to use from outside (scripting HTTP libraries, raw curl). */
export const attackerUas = [
  'curl/8.4.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'kubectl/v1.20.0 (linux/amd64) kubernetes/af46c47',
];
export const attackerIps = ['203.0.113.', '198.51.100.', '185.220.101.'];

export const anonymous: Actor = {
  username: 'system:anonymous',
  groups: ['system:unauthenticated'],
  userAgents: ['curl/8.4.0', 'Go-http-client/1.1', 'python-requests/2.31.0', 'masscan/1.3'],
  ipPrefixes: attackerIps,
};

export function ipOf(actor: Actor, prng: Prng): string {
  const prefix = prng.pick(actor.ipPrefixes);
  const dots = prefix.split('.').length - 1;
  return dots === 3 ? `${prefix}${1 + prng.int(254)}` : `${prefix}${prng.int(256)}.${1 + prng.int(254)}`;
}
