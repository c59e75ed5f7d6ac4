/**
 * SYNTHETIC DATA. Routine traffic of a busy AKS cluster (probes, leases, kubelets, controllers,
 * operators, people) and denied requests (401 unauthenticated, 403 forbidden).
 */
import {
  aksService,
  anonymous,
  apiserver,
  argocd,
  ciDeployer,
  controllers,
  coredns,
  defaultSa,
  hcpService,
  konnectivity,
  metricsServer,
  prometheus,
  readinessChecker,
  scheduler,
} from './synth-actors.js';
import { benignImage, configMapObject, podObject, statusPatch } from './synth-objects.js';
import { appNamespaces, namespaces, type Request, type Scenario, watchQuery } from './synth-request.js';

// ---- normal traffic -------------------------------------------------------------------------

const probe: Scenario = (g) => ({
  actor: readinessChecker,
  verb: 'get',
  uri: g.r.pick(['/readyz', '/livez', '/healthz']),
  code: 200,
  level: 'Metadata',
  tag: 'normal',
});
const metricsScrape: Scenario = () => ({
  actor: hcpService,
  verb: 'get',
  uri: '/metrics',
  code: 200,
  level: 'Metadata',
  tag: 'normal',
});
const leaderLease: Scenario = (g) =>
  g.req(aksService, g.r.chance(0.85) ? 'update' : 'get', {
    resource: 'leases',
    namespace: 'kube-system',
    name: g.r.pick([
      'kube-controller-manager',
      'kube-scheduler',
      'cloud-controller-manager',
      'cluster-autoscaler',
    ]),
    query: 'timeout=5s',
  });
const kubelet: Scenario = (g) => {
  const r = g.r;
  const node = r.pick(g.nodes);
  const nodeName = node.username.slice('system:node:'.length);
  const x = r.int(10);
  if (x < 4)
    return g.req(node, 'update', {
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: nodeName,
      query: 'timeout=10s',
    });
  if (x < 6) return g.req(node, 'patch', { resource: 'nodes', name: nodeName, subresource: 'status' });
  if (x < 8)
    return g.req(
      node,
      'patch',
      { resource: 'pods', namespace: r.pick(namespaces), name: g.podName(), subresource: 'status' },
      {
        level: 'Request',
        requestObject: statusPatch(r),
      },
    );
  if (x < 9)
    return g.req(node, 'get', {
      resource: r.pick(['secrets', 'configmaps']),
      namespace: r.pick(appNamespaces),
      name: `${r.pick(['app', 'db', 'tls'])}-${r.suffix(5)}`,
    });
  return g.req(node, 'watch', {
    resource: r.pick(['configmaps', 'secrets', 'services']),
    namespace: r.pick(namespaces),
    query: watchQuery(r),
  });
};
const controller: Scenario = (g) => {
  const r = g.r;
  const actor = r.pick(controllers);
  const ns = r.pick(namespaces);
  const x = r.int(12);
  if (x < 3)
    return g.req(actor, 'watch', {
      resource: r.pick(['pods', 'replicasets', 'deployments', 'jobs', 'endpointslices']),
      query: watchQuery(r),
    });
  if (x < 5)
    return g.req(actor, 'list', {
      resource: r.pick(['pods', 'replicasets', 'namespaces']),
      namespace: ns,
      query: 'limit=500&resourceVersion=0',
    });
  if (x < 7)
    return g.req(actor, 'update', {
      resource: r.pick(['replicasets', 'deployments', 'endpointslices']),
      namespace: ns,
      name: `${r.pick(['checkout', 'frontend', 'cart'])}-${r.hex(9)}`,
      subresource: r.chance(0.5) ? 'status' : undefined,
    });
  if (x < 9) {
    const name = g.podName();
    return g.req(
      actor,
      'create',
      { resource: 'pods', namespace: ns === 'kube-system' ? 'payments' : ns },
      {
        level: 'Request',
        requestObject: podObject(r, {
          name,
          namespace: ns === 'kube-system' ? 'payments' : ns,
          image: benignImage(r),
          ownerReplicaSet: name.split('-').slice(0, 2).join('-'),
        }),
      },
    );
  }
  if (x < 10) return g.req(actor, 'delete', { resource: 'pods', namespace: ns, name: g.podName() });
  return g.req(actor, 'get', {
    resource: r.pick(['replicasets', 'deployments', 'serviceaccounts']),
    namespace: ns,
    name: `${r.pick(['checkout', 'frontend', 'default'])}-${r.hex(6)}`,
  });
};
const metrics: Scenario = (g) =>
  g.r.chance(0.5)
    ? g.req(metricsServer, 'get', { resource: 'nodes', name: g.r.pick(g.nodes).username.slice(12) })
    : g.req(metricsServer, 'list', { resource: 'pods', query: 'limit=500&resourceVersion=0' });
const dns: Scenario = (g) =>
  g.req(coredns, 'watch', {
    resource: g.r.pick(['endpointslices', 'services', 'namespaces']),
    query: watchQuery(g.r),
  });
const schedule: Scenario = (g) =>
  g.r.chance(0.6)
    ? g.req(scheduler, 'create', {
        resource: 'pods',
        namespace: g.r.pick(appNamespaces),
        name: g.podName(),
        subresource: 'binding',
      })
    : g.req(scheduler, 'watch', {
        resource: g.r.pick(['pods', 'nodes', 'persistentvolumes']),
        query: watchQuery(g.r),
      });
const apiserverSelf: Scenario = (g) =>
  g.req(g.r.chance(0.8) ? apiserver : konnectivity, 'get', {
    resource: 'endpoints',
    namespace: 'default',
    name: 'kubernetes',
  });
const gitops: Scenario = (g) => {
  const r = g.r;
  const ns = r.pick(appNamespaces);
  if (r.chance(0.7))
    return g.req(argocd, r.pick(['list', 'watch']), {
      resource: r.pick(['deployments', 'services', 'configmaps', 'ingresses']),
      query: watchQuery(r),
    });
  return g.req(
    argocd,
    'patch',
    {
      resource: 'deployments',
      namespace: ns,
      name: r.pick(['checkout', 'frontend', 'cart', 'payments-api']),
    },
    {
      level: 'Request',
      requestObject: {
        spec: { template: { metadata: { annotations: { 'argocd.argoproj.io/refresh': r.hex(8) } } } },
      },
    },
  );
};
const promScrape: Scenario = (g) =>
  g.req(prometheus, g.r.pick(['list', 'watch']), {
    resource: g.r.pick(['pods', 'endpoints', 'services', 'nodes']),
    query: watchQuery(g.r),
  });
const human: Scenario = (g) => {
  const r = g.r;
  const actor = r.pick(g.people);
  const ns = r.pick(appNamespaces);
  const x = r.int(20);
  if (x < 6)
    return g.req(actor, 'list', {
      resource: r.pick(['pods', 'deployments', 'services', 'configmaps', 'events']),
      namespace: ns,
      query: 'limit=500',
    });
  if (x < 10) return g.req(actor, 'get', { resource: 'pods', namespace: ns, name: g.podName() });
  if (x < 12)
    return g.req(actor, 'get', {
      resource: 'pods',
      namespace: ns,
      name: g.podName(),
      subresource: 'log',
      query: 'container=app&tailLines=200',
    });
  if (x < 14) {
    const name = `${r.pick(['checkout', 'frontend', 'cart'])}-config`;
    return g.req(
      actor,
      r.chance(0.5) ? 'create' : 'update',
      { resource: 'configmaps', namespace: ns, name },
      {
        level: 'RequestResponse',
        requestObject: configMapObject(r, name, ns),
        responseObject: configMapObject(r, name, ns),
      },
    );
  }
  if (x < 15) {
    const name = g.podName('debug');
    return g.req(
      actor,
      'create',
      { resource: 'pods', namespace: ns },
      {
        level: 'RequestResponse',
        requestObject: podObject(r, {
          name,
          namespace: ns,
          image: 'mcr.microsoft.com/cbl-mariner/busybox:2.0',
          command: ['sleep', '3600'],
        }),
      },
    );
  }
  if (x < 16)
    return g.req(
      actor,
      'patch',
      { resource: 'deployments', namespace: ns, name: r.pick(['checkout', 'frontend']) },
      { level: 'RequestResponse', requestObject: { spec: { replicas: 1 + r.int(6) } } },
    );
  if (x < 17)
    return g.req(
      actor,
      'create',
      { resource: 'selfsubjectaccessreviews' },
      {
        level: 'RequestResponse',
        requestObject: {
          kind: 'SelfSubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          spec: { resourceAttributes: { namespace: ns, verb: 'get', resource: 'pods' } },
        },
      },
    );
  return g.req(actor, 'get', { resource: 'namespaces', name: ns });
};
const ci: Scenario = (g) => {
  const r = g.r;
  const ns = r.pick(appNamespaces);
  const resource = r.pick(['deployments', 'configmaps', 'secrets', 'services']);
  const name = `${r.pick(['checkout', 'frontend', 'payments-api'])}${resource === 'secrets' ? '-tls' : ''}`;
  return g.req(
    ciDeployer,
    r.pick(['get', 'patch', 'update']),
    { resource, namespace: ns, name },
    { level: 'Request' },
  );
};
const eventsCreate: Scenario = (g) =>
  g.req(g.r.chance(0.5) ? g.r.pick(g.nodes) : g.r.pick(controllers), 'create', {
    resource: 'events',
    namespace: g.r.pick(namespaces),
  });
const appSa: Scenario = (g) =>
  g.req(defaultSa, 'get', { resource: 'configmaps', namespace: 'payments', name: 'payments-config' });

// ---- denied ---------------------------------------------------------------------------------

export const unauthenticated: Scenario = (g) => {
  const r = g.r;
  return {
    actor: { ...anonymous, username: '', groups: [] },
    verb: r.pick(['get', 'list']),
    uri: r.pick(['/', '/api', '/apis', '/version', '/api/v1/namespaces/kube-system/secrets', '/api/v1/pods']),
    code: 401,
    level: 'Metadata',
    tag: 'denied-401',
  };
};

export function forbid(req: Request): Request {
  const o = req.objectRef ?? {};
  const { requestObject: _a, responseObject: _b, ...rest } = req;
  return {
    ...rest,
    code: 403,
    reason: `${o.resource ?? 'resource'} is forbidden: User "${req.actor.username}" cannot ${req.verb} resource "${o.resource}" in API group "${o.apiGroup ?? ''}"${o.namespace ? ` in the namespace "${o.namespace}"` : ' at the cluster scope'}`,
    tag: 'denied-403',
  };
}

/** Routine scenarios with their weights (relative frequencies). */
export const normalScenarios: readonly (readonly [number, Scenario])[] = [
  [90, probe],
  [25, metricsScrape],
  [110, leaderLease],
  [190, kubelet],
  [170, controller],
  [35, metrics],
  [35, dns],
  [35, schedule],
  [25, apiserverSelf],
  [40, gitops],
  [25, promScrape],
  [45, human],
  [15, ci],
  [25, eventsCreate],
  [6, appSa],
];
