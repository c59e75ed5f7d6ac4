import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResourceName } from './gke.js';
import { armCluster, isArc } from './resource-id.js';

test('ARM ids in any case give subscription, group and cluster; the id is cut after the cluster', () => {
  const upper = armCluster(
    '/SUBSCRIPTIONS/0B62A232-1111/RESOURCEGROUPS/MIKE-AZURE/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/MIKE-AZURE-AKS',
  );
  assert.deepEqual(
    { ...upper },
    {
      id: '/SUBSCRIPTIONS/0B62A232-1111/RESOURCEGROUPS/MIKE-AZURE/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/MIKE-AZURE-AKS',
      name: 'MIKE-AZURE-AKS',
      resourceGroup: 'MIKE-AZURE',
      subscriptionId: '0B62A232-1111',
    },
  );
  const arc = armCluster(
    '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc-cluster-01/rbac.authorization.k8s.io/rolebindings/x',
  );
  assert.equal(arc.name, 'arc-cluster-01');
  assert.equal(
    arc.id,
    '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc-cluster-01',
  );
  assert.equal(isArc('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/EXEC/ACTION'), true);
  assert.equal(isArc('Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'), false);
  assert.deepEqual({ ...armCluster('/subscriptions/s2') }, { id: '/subscriptions/s2', subscriptionId: 's2' });
});

test('GKE resourceName forms', () => {
  assert.deepEqual(parseResourceName('core/v1/namespaces/default/pods/web/exec'), {
    apiGroup: '',
    apiVersion: 'v1',
    namespace: 'default',
    resource: 'pods',
    name: 'web',
    subresource: 'exec',
  });
  assert.deepEqual(parseResourceName('rbac.authorization.k8s.io/v1/clusterrolebindings/admin'), {
    apiGroup: 'rbac.authorization.k8s.io',
    apiVersion: 'v1',
    resource: 'clusterrolebindings',
    name: 'admin',
  });
  assert.deepEqual(parseResourceName('core/v1/namespaces/default/pods'), {
    apiGroup: '',
    apiVersion: 'v1',
    namespace: 'default',
    resource: 'pods',
  });
  assert.equal(parseResourceName('readyz'), undefined);
  assert.equal(parseResourceName('HNAP1'), undefined);
});
