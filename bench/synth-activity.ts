/**
 * SYNTHETIC DATA. Azure Activity Log records (storage-blob JSON Lines shape, as the Activity Log
 * schema "from storage account and event hubs" describes) for a subscription running AKS and
 * Arc-connected clusters: routine Azure operations, AKS credential and run-command actions, Arc
 * Kubernetes data-plane operations, and a small fraction of the operations rules look for.
 */
import { type Prng, Weighted } from './prng.js';
import { isoMicros } from './synth-event.js';

interface Op {
  readonly op: string;
  readonly category: 'Administrative' | 'Write' | 'Action' | 'Delete';
  /** Resource path under the subscription; `{rg}` and `{cluster}` are filled in. */
  readonly path: string;
  readonly tag: string;
}

const arc = 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS';
const aks = 'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS';

const routine: readonly (readonly [number, Op])[] = [
  [
    30,
    {
      op: 'Microsoft.Compute/virtualMachineScaleSets/write',
      category: 'Administrative',
      path: 'PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINESCALESETS/AKS-NODEPOOL1-VMSS',
      tag: 'normal',
    },
  ],
  [
    20,
    {
      op: 'Microsoft.Storage/storageAccounts/listKeys/action',
      category: 'Action',
      path: 'PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/STAKSLOGS',
      tag: 'normal',
    },
  ],
  [
    15,
    {
      op: 'Microsoft.Network/networkSecurityGroups/write',
      category: 'Administrative',
      path: 'PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/AKS-AGENTPOOL-NSG',
      tag: 'normal',
    },
  ],
  [
    15,
    {
      op: `${aks}/LISTCLUSTERUSERCREDENTIAL/ACTION`,
      category: 'Action',
      path: `PROVIDERS/${aks}/{cluster}`,
      tag: 'normal',
    },
  ],
  [10, { op: `${aks}/WRITE`, category: 'Administrative', path: `PROVIDERS/${aks}/{cluster}`, tag: 'normal' }],
  [
    12,
    {
      op: `${arc}/PODS/WRITE`,
      category: 'Administrative',
      path: `PROVIDERS/${arc}/{cluster}/pods/checkout-7d9f`,
      tag: 'normal',
    },
  ],
  [
    10,
    {
      op: `${arc}/CONFIGMAPS/WRITE`,
      category: 'Administrative',
      path: `PROVIDERS/${arc}/{cluster}/configmaps/app-config`,
      tag: 'normal',
    },
  ],
  [
    8,
    {
      op: 'Microsoft.Insights/diagnosticSettings/write',
      category: 'Administrative',
      path: `PROVIDERS/${aks}/{cluster}`,
      tag: 'normal',
    },
  ],
  [
    5,
    {
      op: 'Microsoft.Authorization/roleAssignments/write',
      category: 'Administrative',
      path: 'PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/{guid}',
      tag: 'normal',
    },
  ],
];
const suspicious: readonly (readonly [number, Op])[] = [
  [
    3,
    {
      op: `${arc}/EVENTS.K8S.IO/EVENTS/DELETE`,
      category: 'Delete',
      path: `PROVIDERS/${arc}/{cluster}`,
      tag: 'events-delete',
    },
  ],
  [
    3,
    {
      op: `${arc}/PODS/DELETE`,
      category: 'Delete',
      path: `PROVIDERS/${arc}/{cluster}/pods/payments-api-5c8`,
      tag: 'pods-delete',
    },
  ],
  [
    2,
    {
      op: `${arc}/RBAC.AUTHORIZATION.K8S.IO/ROLEBINDINGS/WRITE`,
      category: 'Administrative',
      path: `PROVIDERS/${arc}/{cluster}/rbac.authorization.k8s.io/rolebindings/malicious-binding`,
      tag: 'rolebinding-write',
    },
  ],
  [
    2,
    {
      op: `${arc}/SECRETS/DELETE`,
      category: 'Delete',
      path: `PROVIDERS/${arc}/{cluster}/secrets/db-password`,
      tag: 'secrets-delete',
    },
  ],
  [
    2,
    {
      op: `${arc}/ADMISSIONREGISTRATION.K8S.IO/MUTATINGWEBHOOKCONFIGURATIONS/WRITE`,
      category: 'Administrative',
      path: `PROVIDERS/${arc}/{cluster}`,
      tag: 'webhook-change',
    },
  ],
  [
    2,
    {
      op: `${arc}/BATCH/CRONJOBS/WRITE`,
      category: 'Administrative',
      path: `PROVIDERS/${arc}/{cluster}`,
      tag: 'cronjob-create',
    },
  ],
  [
    2,
    {
      op: `${arc}/SERVICEACCOUNTS/DELETE`,
      category: 'Delete',
      path: `PROVIDERS/${arc}/{cluster}/serviceaccounts/builder`,
      tag: 'serviceaccount-delete',
    },
  ],
  [
    2,
    {
      op: `${aks}/LISTCLUSTERADMINCREDENTIAL/ACTION`,
      category: 'Action',
      path: `PROVIDERS/${aks}/{cluster}`,
      tag: 'admin-credential',
    },
  ],
  [
    1,
    {
      op: `${aks}/RUNCOMMAND/ACTION`,
      category: 'Action',
      path: `PROVIDERS/${aks}/{cluster}`,
      tag: 'run-command',
    },
  ],
  [1, { op: `${arc}/DELETE`, category: 'Delete', path: `PROVIDERS/${arc}/{cluster}`, tag: 'cluster-delete' }],
];

const callers = [
  'alice@contoso.com',
  'bob@contoso.com',
  'carol.ops@contoso.onmicrosoft.com',
  'svc-terraform',
];

/**
 * Generates Activity Log records; one instance per file.
 * @example const s = new ActivitySynth(new Prng(1)); const { record, tag } = s.next(Date.now() * 1000);
 */
export class ActivitySynth {
  private readonly normal = new Weighted(routine);
  private readonly attack = new Weighted(suspicious);
  private readonly sub: string;
  private readonly tenant: string;

  constructor(
    private readonly r: Prng,
    private readonly attackRate = 0.04,
  ) {
    this.sub = r.uuid();
    this.tenant = r.uuid();
  }

  next(us: number): { record: Record<string, unknown>; tag: string } {
    const r = this.r;
    const op = r.chance(this.attackRate) ? this.attack.pick(r) : this.normal.pick(r);
    const rg = r.pick(['RG-AKS-PROD-WEU', 'RG-ARC-EDGE']);
    const cluster = op.op.startsWith(arc) ? r.pick(['ARC-EDGE-01', 'ARC-STORE-17']) : 'AKS-PROD-WEU';
    const resourceId = `/SUBSCRIPTIONS/${this.sub.toUpperCase()}/RESOURCEGROUPS/${rg}/${op.path.replace('{cluster}', cluster).replace('{guid}', r.uuid())}`;
    const human = r.chance(0.7);
    const caller = human ? r.pick(callers) : r.uuid();
    const failed = r.chance(0.06);
    const start = r.chance(0.5);
    const record: Record<string, unknown> = {
      RoleLocation: 'West Europe',
      callerIpAddress: human
        ? `${r.pick(['20.62.', '52.170.', '203.0.113.'])}${r.int(256)}.${1 + r.int(254)}`
        : '52.174.2.10',
      category: op.category,
      correlationId: r.uuid(),
      durationMs: start ? 0 : r.int(2000),
      identity: {
        authorization: {
          action: op.op,
          evidence: {
            principalId: r.uuid(),
            principalType: human ? 'User' : 'ServicePrincipal',
            role: r.pick([
              'Owner',
              'Contributor',
              'Azure Kubernetes Service Cluster Admin Role',
              'Azure Arc Kubernetes Admin',
            ]),
            roleAssignmentScope: `/subscriptions/${this.sub}`,
          },
          scope: resourceId.toLowerCase(),
        },
        claims: {
          aud: 'https://management.core.windows.net/',
          iss: `https://sts.windows.net/${this.tenant}/`,
          appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
          ...(human
            ? {
                'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': caller,
                name: caller.split('@')[0],
              }
            : {}),
          'http://schemas.microsoft.com/identity/claims/tenantid': this.tenant,
        },
      },
      level: failed ? 'Error' : 'Information',
      location: 'westeurope',
      operationName: op.op.toUpperCase(),
      properties: {
        eventCategory: 'Administrative',
        entity: resourceId,
        message: op.op,
        hierarchy: `${this.tenant}/${this.sub}`,
        ...(start ? {} : { statusCode: failed ? 'Forbidden' : 'OK' }),
        serviceRequestId: r.uuid(),
      },
      resourceId,
      resultSignature: start ? 'Started.' : failed ? 'Failed.Forbidden' : 'Succeeded.OK',
      resultType: start ? 'Start' : failed ? 'Failure' : 'Success',
      tenantId: this.tenant,
      time: isoMicros(us, 6).replace(/Z$/, '0Z'),
    };
    return { record, tag: op.tag };
  }
}
