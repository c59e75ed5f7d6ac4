import { parseArmResourceId } from '../views/azure-fields.js';

/**
 * `auditscope collect --plan`: the exact commands and queries that fetch the logs auditscope
 * reads, for one kind of cluster. Printed only, never run (auditscope makes no network calls);
 * placeholders in angle brackets are what the responder fills in.
 */

export type ClusterType = 'aks' | 'eks' | 'gke' | 'arc';
export const CLUSTER_TYPES: readonly ClusterType[] = ['aks', 'eks', 'gke', 'arc'];

export interface PlanOptions {
  /** ARM id of the AKS / Arc cluster; fills subscription, group and name. */
  readonly resourceId?: string;
  /** Cluster name (EKS/GKE), when no resource id. */
  readonly cluster?: string;
  readonly region?: string;
  readonly project?: string;
  /** Storage account of the AKS diagnostic setting. */
  readonly storageAccount?: string;
  /** Log Analytics workspace id (GUID). */
  readonly workspace?: string;
  /** Window (ISO-8601); default the last 30 days. */
  readonly from?: string;
  readonly to?: string;
  readonly out?: string;
}

export interface PlanStep {
  readonly title: string;
  /** Shell commands, one per line, runnable as written once placeholders are filled. */
  readonly commands: readonly string[];
  readonly notes?: readonly string[];
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The steps of a plan.
 * @example collectPlan('aks', { resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c' })
 */
export function collectPlan(type: ClusterType, o: PlanOptions): PlanStep[] {
  const from = o.from ?? '<FROM, e.g. 2026-11-01T00:00:00Z>';
  const to = o.to ?? '<TO, e.g. 2026-11-20T12:00:00Z>';
  const out = o.out ?? './evidence';
  const arm = parseArmResourceId(o.resourceId);
  const sub = arm.subscriptionId ?? '<SUBSCRIPTION_ID>';
  const rg = arm.resourceGroup ?? '<RESOURCE_GROUP>';
  const name = arm.name ?? o.cluster ?? '<CLUSTER_NAME>';
  const kubectl: PlanStep = {
    title: 'Kubernetes events snapshot (events expire after --event-ttl, 1 hour by default: take it first)',
    commands: [
      `mkdir -p ${out}/kubectl`,
      `kubectl get events -A -o json > ${out}/kubectl/events-$(date -u +%Y%m%dT%H%M%SZ).json`,
    ],
  };
  const activity = (provider: string): PlanStep => ({
    title: 'Azure Activity Log of the cluster (control-plane operations, incl. Arc data-plane writes)',
    commands: [
      `mkdir -p ${out}/activity`,
      `az monitor activity-log list --subscription ${sub} --resource-group ${rg} --start-time ${from} --end-time ${to} --max-events 50000 -o json > ${out}/activity/activity-log.json`,
    ],
    notes: [
      `Filter later with --resource-id /subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${name} when the group holds other resources; the Activity Log keeps 90 days.`,
    ],
  });
  const aksKql = (table: string): string =>
    `${table} | where TimeGenerated between (datetime(${from}) .. datetime(${to}))${arm.name ? ` | where _ResourceId =~ ${JSON.stringify(o.resourceId!.toLowerCase())}` : ''}`;
  const workspace = o.workspace ?? '<WORKSPACE_ID>';
  switch (type) {
    case 'aks':
      return [
        kubectl,
        {
          title:
            "AKS audit blobs from the diagnostic setting's storage account (container insights-logs-kube-audit, one PT1H.json per hour)",
          commands: [
            `mkdir -p ${out}/insights-logs-kube-audit`,
            `az storage blob download-batch --account-name ${o.storageAccount ?? '<STORAGE_ACCOUNT>'} --auth-mode login --source insights-logs-kube-audit --destination ${out}/insights-logs-kube-audit --pattern ${q(`resourceId=/SUBSCRIPTIONS/${sub.toUpperCase()}/RESOURCEGROUPS/${rg.toUpperCase()}/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/${name.toUpperCase()}/*`)}`,
          ],
          notes: [
            'One blob: az storage blob download --account-name <STORAGE_ACCOUNT> --auth-mode login --container-name insights-logs-kube-audit --name "resourceId=/SUBSCRIPTIONS/.../y=2026/m=11/d=20/h=09/m=00/PT1H.json" --file PT1H.json',
            'Also fetch insights-logs-kube-audit-admin if only that category is enabled.',
          ],
        },
        {
          title: 'AKSAudit from Log Analytics (resource-specific diagnostic setting)',
          commands: [
            `mkdir -p ${out}/log-analytics`,
            `az monitor log-analytics query --workspace ${workspace} --analytics-query ${q(aksKql('AKSAudit'))} -o json > ${out}/log-analytics/aksaudit.json`,
          ],
          notes: [
            'Legacy AzureDiagnostics mode: AzureDiagnostics | where Category == "kube-audit" | where TimeGenerated between (...).',
            'A query returns at most 500,000 rows: split long windows by day.',
          ],
        },
        activity('Microsoft.ContainerService/managedClusters'),
      ];
    case 'arc':
      return [
        kubectl,
        {
          title: 'Arc-enabled cluster audit from Log Analytics (ArcK8sAudit)',
          commands: [
            `mkdir -p ${out}/log-analytics`,
            `az monitor log-analytics query --workspace ${workspace} --analytics-query ${q(aksKql('ArcK8sAudit'))} -o json > ${out}/log-analytics/arck8saudit.json`,
          ],
          notes: [
            'Self-managed Arc clusters write no managed audit log: collect the kube-apiserver --audit-log-path files from the control-plane nodes as well.',
          ],
        },
        activity('Microsoft.Kubernetes/connectedClusters'),
      ];
    case 'eks': {
      const region = o.region ?? '<REGION>';
      const startMs = o.from ? String(Date.parse(o.from)) : '<FROM_EPOCH_MS>';
      const endMs = o.to ? String(Date.parse(o.to)) : '<TO_EPOCH_MS>';
      return [
        kubectl,
        {
          title:
            'EKS control-plane audit from CloudWatch Logs (log group /aws/eks/<cluster>/cluster, streams kube-apiserver-audit-*)',
          commands: [
            `mkdir -p ${out}/cloudwatch`,
            `aws logs filter-log-events --region ${region} --log-group-name /aws/eks/${name}/cluster --log-stream-name-prefix kube-apiserver-audit- --start-time ${startMs} --end-time ${endMs} --output json > ${out}/cloudwatch/kube-apiserver-audit.json`,
          ],
          notes: [
            'The CLI pages through every result by itself; audit logging must have been enabled (aws eks describe-cluster --name ' +
              name +
              ' --query cluster.logging).',
          ],
        },
      ];
    }
    case 'gke': {
      const project = o.project ?? '<PROJECT_ID>';
      const filter = `protoPayload.serviceName="k8s.io" AND resource.type="k8s_cluster" AND resource.labels.cluster_name="${name}" AND timestamp>="${from}" AND timestamp<="${to}"`;
      return [
        kubectl,
        {
          title: 'GKE Kubernetes audit logs from Cloud Logging (Admin Activity and Data Access)',
          commands: [
            `mkdir -p ${out}/gcp`,
            `gcloud logging read ${q(filter)} --project ${project} --format json > ${out}/gcp/k8s-io-audit.json`,
          ],
          notes: [
            'Data Access (get/list/watch) entries exist only when Data Access audit logs are enabled for the Kubernetes Engine API.',
          ],
        },
      ];
    }
  }
}

/** The plan as printable text (comments and commands, a shell script). */
export function formatPlan(type: ClusterType, steps: readonly PlanStep[], o: PlanOptions): string {
  const lines = [
    `# auditscope collect plan for a ${type.toUpperCase()} cluster${o.resourceId ? ` (${o.resourceId})` : ''}`,
    '# Nothing here was run: review, fill the <PLACEHOLDERS>, run, then bundle the results with',
    `#   auditscope collect ${o.out ?? './evidence'} --out bundle.tar.gz --case <CASE_ID>`,
    '',
  ];
  steps.forEach((s, i) => {
    lines.push(`# ${i + 1}. ${s.title}`);
    for (const n of s.notes ?? []) lines.push(`#    ${n}`);
    lines.push(...s.commands, '');
  });
  return lines.join('\n');
}
