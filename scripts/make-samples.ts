// Generates the bundled SYNTHETIC samples under samples/aks-attack/ (auditscope-authored; no real
// tenant, user or address). Deterministic: run `node --import tsx scripts/make-samples.ts` and
// commit the output. The story is described in samples/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aksRecord } from '../src/detect/testing/envelopes.js';
import { completeActivityRecord, completeAuditEvent } from '../src/detect/testing/synthetic-event.js';
import type { K8sAudit } from '../src/model/event.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'aks-attack');
const sub = '5A1E0000-0000-4000-8000-00000000BEEF';
const rg = 'RG-SYNTHETIC-SHOP';
const aks = `/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/${rg}/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-SYNTHETIC-SHOP`;
const arc = `/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/${rg}/PROVIDERS/MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/ARC-SYNTHETIC-EDGE-01`;
const cluster = {
  aksResourceId: aks,
  eksLogGroup: '',
  eksAccount: '',
  gkeProject: '',
  gkeLocation: '',
  gkeCluster: '',
};

const attacker = { username: 'eve@contoso.onmicrosoft.com', groups: ['system:authenticated'] };
const attackerIp = '198.51.100.77';
const kubectl = 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46';
const dev = { username: 'dev@contoso.onmicrosoft.com', groups: ['system:authenticated'] };
const devIp = '203.0.113.24';

const at = (mmss: string): string => `2026-11-20T09:${mmss}.${String(mmss.charCodeAt(3) * 7919).slice(-6)}Z`;

const audit: K8sAudit[] = [];
const ev = (time: string, e: Record<string, unknown>): K8sAudit => {
  const full = completeAuditEvent({ ...e, stageTimestamp: time }, time);
  audit.push(full);
  return full;
};

// --- benign background traffic, every few minutes through the hour ------------------------------
for (let m = 0; m < 60; m += 4) {
  const mm = String(m).padStart(2, '0');
  ev(at(`${mm}:01`), {
    verb: 'update',
    level: 'Metadata',
    objectRef: {
      resource: 'leases',
      namespace: 'kube-system',
      name: 'kube-controller-manager',
      apiGroup: 'coordination.k8s.io',
      apiVersion: 'v1',
    },
    user: { username: 'aksService', groups: ['system:masters', 'system:authenticated'] },
    sourceIPs: ['10.224.0.4'],
    userAgent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/leader-election',
  });
  ev(at(`${mm}:07`), {
    verb: 'get',
    level: 'Metadata',
    requestURI: '/readyz',
    objectRef: null,
    user: { username: 'readinessChecker', groups: ['system:authenticated'] },
    sourceIPs: ['10.224.0.5'],
    userAgent: 'kube-probe/1.31',
  });
  ev(at(`${mm}:13`), {
    verb: 'get',
    level: 'Metadata',
    requestURI: '/metrics',
    objectRef: null,
    user: { username: 'hcpService', groups: ['system:authenticated'] },
    sourceIPs: ['10.224.0.6'],
    userAgent: 'Prometheus/2.54.1',
  });
  if (m % 8 === 0)
    ev(at(`${mm}:21`), {
      verb: 'create',
      objectRef: { resource: 'subjectaccessreviews', apiGroup: 'authorization.k8s.io', apiVersion: 'v1' },
      user: {
        username: 'system:serviceaccount:kube-system:metrics-server',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      },
      sourceIPs: ['10.244.1.12'],
      userAgent: 'metrics-server/v0.7.1 (linux/amd64) kubernetes/$Format',
    });
}
// a kubelet refreshing a pod's projected token, and a developer looking at their own app
ev(at('05:30'), {
  verb: 'create',
  objectRef: {
    resource: 'serviceaccounts',
    subresource: 'token',
    namespace: 'web',
    name: 'storefront',
    apiVersion: 'v1',
  },
  user: {
    username: 'system:node:aks-nodepool1-31718369-vmss000000',
    groups: ['system:nodes', 'system:authenticated'],
  },
  sourceIPs: ['10.224.0.33'],
  userAgent: 'kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46',
});
ev(at('06:10'), {
  verb: 'list',
  level: 'Metadata',
  objectRef: { resource: 'pods', namespace: 'web', apiVersion: 'v1' },
  user: dev,
  sourceIPs: [devIp],
  userAgent: kubectl,
});
ev(at('06:12'), {
  verb: 'get',
  level: 'Metadata',
  objectRef: {
    resource: 'pods',
    subresource: 'log',
    namespace: 'web',
    name: 'storefront-6f7d9c8b5-x2k4p',
    apiVersion: 'v1',
  },
  user: dev,
  sourceIPs: [devIp],
  userAgent: kubectl,
});
ev(at('25:40'), {
  verb: 'patch',
  objectRef: {
    resource: 'deployments',
    namespace: 'web',
    name: 'storefront',
    apiGroup: 'apps',
    apiVersion: 'v1',
  },
  user: dev,
  sourceIPs: [devIp],
  userAgent: kubectl,
  requestObject: {
    spec: {
      template: {
        spec: { containers: [{ name: 'storefront', image: 'contoso.azurecr.io/storefront:2.14.1' }] },
      },
    },
  },
});

// --- the attack --------------------------------------------------------------------------------
const a = (time: string, e: Record<string, unknown>) =>
  ev(time, { user: attacker, sourceIPs: [attackerIp], userAgent: kubectl, ...e });
// 1. reconnaissance
a(at('02:10'), {
  verb: 'create',
  objectRef: { resource: 'selfsubjectrulesreviews', apiGroup: 'authorization.k8s.io', apiVersion: 'v1' },
  requestObject: { kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } },
});
a(at('03:05'), {
  verb: 'list',
  level: 'Metadata',
  requestURI: '/api/v1/secrets?limit=500',
  objectRef: { resource: 'secrets', apiVersion: 'v1' },
});
a(at('04:15'), {
  verb: 'list',
  level: 'Metadata',
  requestURI: '/api/v1/namespaces/default/events?limit=500',
  objectRef: { resource: 'events', namespace: 'default', apiVersion: 'v1' },
});
// 2. privileged pod with the node's root filesystem and PID namespace
const podSpec = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'priv-shell', namespace: 'default' },
  spec: {
    hostPID: true,
    containers: [
      {
        name: 'shell',
        image: 'docker.io/library/alpine:3.20',
        command: ['sleep', 'infinity'],
        securityContext: { privileged: true },
        volumeMounts: [{ name: 'host', mountPath: '/host' }],
      },
    ],
    volumes: [{ name: 'host', hostPath: { path: '/' } }],
  },
};
a(at('10:00'), {
  verb: 'create',
  objectRef: { resource: 'pods', namespace: 'default', name: 'priv-shell', apiVersion: 'v1' },
  requestObject: podSpec,
  responseObject: { ...podSpec, status: { phase: 'Pending' } },
});
ev(at('10:01'), {
  verb: 'create',
  objectRef: {
    resource: 'pods',
    subresource: 'binding',
    namespace: 'default',
    name: 'priv-shell',
    apiVersion: 'v1',
  },
  user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] },
  sourceIPs: ['10.224.0.4'],
  userAgent: 'kube-scheduler/v1.31.2 (linux/amd64) kubernetes/5864a46/scheduler',
});
// 3. exec into it (kubectl 1.31 uses WebSockets: verb get, 101 Switching Protocols)
a(at('12:30'), {
  verb: 'get',
  level: 'Metadata',
  stage: 'ResponseStarted',
  requestURI:
    '/api/v1/namespaces/default/pods/priv-shell/exec?command=chroot&command=%2Fhost&command=sh&container=shell&stdin=true&stdout=true&tty=true',
  objectRef: {
    resource: 'pods',
    subresource: 'exec',
    namespace: 'default',
    name: 'priv-shell',
    apiVersion: 'v1',
  },
  responseStatus: { code: 101 },
});
// 4. persistence: a service account bound to cluster-admin
a(at('14:50'), {
  verb: 'create',
  objectRef: { resource: 'serviceaccounts', namespace: 'default', name: 'backup', apiVersion: 'v1' },
  requestObject: { kind: 'ServiceAccount', metadata: { name: 'backup', namespace: 'default' } },
});
a(at('15:00'), {
  verb: 'create',
  objectRef: {
    resource: 'clusterrolebindings',
    name: 'backup-operator',
    apiGroup: 'rbac.authorization.k8s.io',
    apiVersion: 'v1',
  },
  requestObject: {
    kind: 'ClusterRoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'backup-operator' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'backup', namespace: 'default' }],
  },
});
// 5. covering tracks
a(at('20:00'), {
  verb: 'deletecollection',
  objectRef: { resource: 'events', namespace: 'default', apiVersion: 'v1' },
});

audit.sort((x, y) => Date.parse(x.stageTimestamp!) - Date.parse(y.stageTimestamp!));

// --- Azure Activity Log: the same user on the Arc-connected store cluster -----------------------
const claims = (upn: string, name: string) => ({
  claims: {
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': upn,
    name,
    'http://schemas.microsoft.com/identity/claims/objectidentifier': upn.startsWith('eve')
      ? '0e7e0000-0000-4000-8000-0000000000e5'
      : 'de700000-0000-4000-8000-0000000000d1',
  },
});
const act = (time: string, r: Record<string, unknown>) => completeActivityRecord(r, time);
const activity = [
  act(at('01:02'), {
    operationName: 'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/LISTCLUSTERUSERCREDENTIAL/ACTION',
    resourceId: aks,
    category: 'Action',
    callerIpAddress: attackerIp,
    identity: claims(attacker.username, 'Eve'),
  }),
  act(at('05:45'), {
    operationName: 'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/LISTCLUSTERUSERCREDENTIAL/ACTION',
    resourceId: aks,
    category: 'Action',
    callerIpAddress: devIp,
    identity: claims(dev.username, 'Dev'),
  }),
  act(at('21:10'), {
    operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/READ',
    resourceId: `${arc}/EVENTS.K8S.IO/EVENTS/DEFAULT`,
    category: 'Administrative',
    callerIpAddress: attackerIp,
    identity: claims(attacker.username, 'Eve'),
  }),
  act(at('22:30'), {
    operationName: 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/DELETE',
    resourceId: `${arc}/EVENTS.K8S.IO/EVENTS/DEFAULT/STORE-API.17A9C3E1D2B4F5A6`,
    category: 'Delete',
    callerIpAddress: attackerIp,
    identity: claims(attacker.username, 'Eve'),
  }),
  act(at('30:00'), {
    operationName: 'MICROSOFT.RESOURCES/DEPLOYMENTS/WRITE',
    resourceId: `/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/${rg}/PROVIDERS/MICROSOFT.RESOURCES/DEPLOYMENTS/STOREFRONT-INFRA`,
    category: 'Administrative',
    callerIpAddress: devIp,
    identity: claims(dev.username, 'Dev'),
  }),
].sort((x, y) => String(x.time).localeCompare(String(y.time)));

// --- write the storage-account layouts ----------------------------------------------------------
const hourPath = 'y=2026/m=11/d=20/h=09/m=00/PT1H.json';
const write = (rel: string, lines: readonly unknown[]) => {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
};
write(
  `insights-logs-kube-audit/resourceId=${aks}/${hourPath}`,
  audit.map((e) => aksRecord(e, 'kube-audit', cluster)),
);
// kube-audit-admin repeats every write (no get/list): a second feed of the same requests.
write(
  `insights-logs-kube-audit-admin/resourceId=${aks}/${hourPath}`,
  audit
    .filter((e) => e.verb !== 'get' && e.verb !== 'list' && e.verb !== 'watch')
    .map((e) => aksRecord(e, 'kube-audit-admin', cluster)),
);
write(`insights-activity-logs/resourceId=/SUBSCRIPTIONS/${sub}/${hourPath}`, activity);
process.stdout.write(
  `wrote ${audit.length} audit records and ${activity.length} activity records under ${root}\n`,
);
