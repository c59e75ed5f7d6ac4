/**
 * Where pod specs sit inside a request body: a Pod (`spec`), a workload with a pod template
 * (Deployment, ReplicaSet, DaemonSet, StatefulSet, Job: `spec.template.spec`) or a CronJob
 * (`spec.jobTemplate.spec.template.spec`). Patch bodies have the same shape, partially. The legacy
 * Sigma names `capabilities`, `privileged` and `hostPath` read values anywhere in these specs.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Every pod spec found in a request/response body.
 * @example podSpecsOf({ kind: 'Pod', spec: { containers: [] } }).length === 1
 */
export function podSpecsOf(body: unknown): Obj[] {
  if (!isObj(body)) return [];
  const spec = body.spec;
  if (!isObj(spec)) return [];
  const out: Obj[] = [];
  if (
    'containers' in spec ||
    'volumes' in spec ||
    'initContainers' in spec ||
    'ephemeralContainers' in spec
  ) {
    out.push(spec);
  }
  const tpl = spec.template;
  if (isObj(tpl) && isObj(tpl.spec)) out.push(tpl.spec);
  const job = spec.jobTemplate;
  if (isObj(job) && isObj(job.spec) && isObj(job.spec.template) && isObj(job.spec.template.spec)) {
    out.push(job.spec.template.spec);
  }
  return out;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/**
 * Every container (regular, init, ephemeral) of every pod spec in a body.
 * @example containersOf(deploymentBody).map((c) => c.name)
 */
export function containersOf(body: unknown): Obj[] {
  const out: Obj[] = [];
  for (const spec of podSpecsOf(body)) {
    for (const list of CONTAINER_LISTS) {
      const cs = spec[list];
      if (Array.isArray(cs)) for (const c of cs) if (isObj(c)) out.push(c);
    }
  }
  return out;
}

function collect(items: unknown[]): unknown[] | undefined {
  return items.length ? items : undefined;
}

/**
 * Added Linux capabilities of every container (`securityContext.capabilities.add`), e.g. `['SYS_ADMIN']`.
 * @example capabilitiesOf(podBody) // ['NET_ADMIN']
 */
export function capabilitiesOf(body: unknown): unknown[] | undefined {
  const out: unknown[] = [];
  for (const c of containersOf(body)) {
    const sc = c.securityContext;
    if (!isObj(sc) || !isObj(sc.capabilities)) continue;
    const add = sc.capabilities.add;
    if (Array.isArray(add)) out.push(...add);
  }
  return collect(out);
}

/**
 * `securityContext.privileged` of every container that sets it (booleans as written).
 * @example privilegedOf(podBody) // [true]
 */
export function privilegedOf(body: unknown): unknown[] | undefined {
  const out: unknown[] = [];
  for (const c of containersOf(body)) {
    const sc = c.securityContext;
    if (isObj(sc) && sc.privileged !== undefined && sc.privileged !== null) out.push(sc.privileged);
  }
  return collect(out);
}

/**
 * The host paths of every `hostPath` volume (`volumes[].hostPath.path`).
 * @example hostPathsOf(podBody) // ['/etc']
 */
export function hostPathsOf(body: unknown): unknown[] | undefined {
  const out: unknown[] = [];
  for (const spec of podSpecsOf(body)) {
    const vols = spec.volumes;
    if (!Array.isArray(vols)) continue;
    for (const v of vols) {
      if (!isObj(v) || !isObj(v.hostPath)) continue;
      out.push(v.hostPath.path ?? '');
    }
  }
  return collect(out);
}
