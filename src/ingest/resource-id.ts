import type { ClusterRef } from '../model/event.js';

/**
 * Azure Resource Manager resource ids, parsed case-insensitively (Azure writes them in any case:
 * `/SUBSCRIPTIONS/…/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-1`,
 * `/subscriptions/…/resourceGroups/…`), keeping the original text for display.
 *
 * Records of one cluster repeat the same id, so results are cached (bounded).
 */

const cache = new Map<string, ClusterRef>();
const cacheLimit = 4096;
let lastId = '';
let lastRef: ClusterRef = {};
let lastArcText = '';
let lastArc = false;

/**
 * The cluster (or, for other resources, the top-level resource) an ARM id names.
 * For `managedClusters` / `connectedClusters` the id is cut after the cluster name.
 * @example armCluster('/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1/pods/x')
 * // { id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1', name: 'arc1', resourceGroup: 'rg', subscriptionId: 's1' }
 */
export function armCluster(resourceId: string): ClusterRef {
  // One-entry cache first: consecutive records of a blob share the id, and comparing two equal
  // strings is cheaper than hashing a fresh one for the map.
  if (resourceId === lastId) return lastRef;
  let c = cache.get(resourceId);
  if (c) {
    lastId = resourceId;
    lastRef = c;
    return c;
  }
  if (c) return c;
  c = parse(resourceId);
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(resourceId, c);
  lastId = resourceId;
  lastRef = c;
  return c;
}

function parse(id: string): ClusterRef {
  const parts = id.split('/');
  let subscriptionId: string | undefined;
  let resourceGroup: string | undefined;
  let name: string | undefined;
  let cut = -1;
  for (let i = 1; i < parts.length - 1; i++) {
    const key = parts[i]!.toLowerCase();
    const value = parts[i + 1]!;
    if (key === 'subscriptions' && subscriptionId === undefined) subscriptionId = value;
    else if (key === 'resourcegroups' && resourceGroup === undefined) resourceGroup = value;
    else if (key === 'providers' && i + 3 < parts.length) {
      // providers/<namespace>/<type>/<name>
      name = parts[i + 3];
      cut = i + 3;
      break;
    }
  }
  const out: { id: string; name?: string; resourceGroup?: string; subscriptionId?: string } = {
    id: cut > 0 ? parts.slice(0, cut + 1).join('/') : id,
  };
  if (name) out.name = name;
  if (resourceGroup) out.resourceGroup = resourceGroup;
  if (subscriptionId) out.subscriptionId = subscriptionId;
  return Object.freeze(out);
}

/** True when the ARM id or operation names an Azure Arc-enabled Kubernetes cluster. */
export function isArc(text: string | undefined): boolean {
  if (text === undefined) return false;
  if (text === lastArcText) return lastArc;
  // Cheap negative first (no allocation): most ids and operations do not mention "connected".
  if (text.indexOf('nnected') < 0 && text.indexOf('NNECTED') < 0) return false;
  lastArcText = text;
  lastArc = text.toLowerCase().includes('microsoft.kubernetes/connectedclusters');
  return lastArc;
}
