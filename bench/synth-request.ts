/**
 * SYNTHETIC DATA. The shape of one generated API request and how its URI and objectRef are
 * written (as the API server does), shared by the normal-traffic and attack-like scenarios.
 */
import type { Prng } from './prng.js';
import type { Actor } from './synth-actors.js';

/** One generated request, before it is wrapped in a delivery format. */
export interface Request {
  actor: Actor;
  verb: string;
  uri: string;
  objectRef?: Record<string, string>;
  code: number;
  level: 'Metadata' | 'Request' | 'RequestResponse';
  requestObject?: unknown;
  responseObject?: unknown;
  reason?: string;
  impersonate?: { username: string; groups: string[] };
  /** Scenario label: `normal`, `denied-401`, `denied-403`, or the attack's name. */
  tag: string;
}

const apiGroupOf: Record<string, string> = {
  deployments: 'apps',
  replicasets: 'apps',
  daemonsets: 'apps',
  statefulsets: 'apps',
  leases: 'coordination.k8s.io',
  cronjobs: 'batch',
  jobs: 'batch',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  endpointslices: 'discovery.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  selfsubjectrulesreviews: 'authorization.k8s.io',
  selfsubjectaccessreviews: 'authorization.k8s.io',
  ingresses: 'networking.k8s.io',
  networkpolicies: 'networking.k8s.io',
};
const clusterScoped = new Set([
  'nodes',
  'namespaces',
  'clusterrolebindings',
  'clusterroles',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'selfsubjectrulesreviews',
  'selfsubjectaccessreviews',
  'persistentvolumes',
]);

export const namespaces = [
  'default',
  'kube-system',
  'kube-node-lease',
  'gatekeeper-system',
  'calico-system',
  'monitoring',
  'ingress-nginx',
  'argocd',
  'payments',
  'checkout',
  'frontend',
  'backend',
  'data',
  'dev-team-a',
  'ci',
] as const;
export const appNamespaces = [
  'payments',
  'checkout',
  'frontend',
  'backend',
  'data',
  'dev-team-a',
  'default',
] as const;

export interface Target {
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query?: string;
}

/** The request URI and objectRef for a resource request, as the API server writes them. */
export function refOf(t: Target): { uri: string; objectRef: Record<string, string> } {
  const group = apiGroupOf[t.resource] ?? '';
  const version = 'v1';
  const ns = clusterScoped.has(t.resource) ? undefined : t.namespace;
  let uri = group ? `/apis/${group}/${version}` : `/api/${version}`;
  if (ns) uri += `/namespaces/${ns}`;
  uri += `/${t.resource}`;
  if (t.name) uri += `/${t.name}`;
  if (t.subresource) uri += `/${t.subresource}`;
  if (t.query) uri += `?${t.query}`;
  const objectRef: Record<string, string> = { resource: t.resource };
  if (ns) objectRef.namespace = ns;
  if (t.name) objectRef.name = t.name;
  if (group) objectRef.apiGroup = group;
  objectRef.apiVersion = version;
  if (t.subresource) objectRef.subresource = t.subresource;
  return { uri, objectRef };
}

export function watchQuery(r: Prng): string {
  return `allowWatchBookmarks=true&resourceVersion=${30000000 + r.int(5000000)}&timeout=${5 + r.int(5)}m${r.int(60)}s&timeoutSeconds=${300 + r.int(300)}&watch=true`;
}

/** What a scenario may use from the synthesizer (see AuditSynth). */
export interface Synth {
  readonly r: Prng;
  readonly people: readonly Actor[];
  readonly nodes: readonly Actor[];
  podName(prefix?: string): string;
  req(actor: Actor, verb: string, t: Target, extra?: Partial<Request>): Request;
}

/** A scenario: one kind of request, drawn with the synthesizer's PRNG. */
export type Scenario = (g: Synth) => Request;
