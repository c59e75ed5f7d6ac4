import type { Compare, Expr, Pattern } from '../ir/expr.js';
import type { EcsDatasetName } from './elastic-emit.js';

/**
 * Writes an Elastic query's IR (ECS field names, Elasticsearch semantics) as a Sigma detection:
 * every test becomes its own selection and the boolean structure becomes the condition, so the
 * Sigma rule is the same formula. ECS keyword matching is case-sensitive, so string tests carry
 * `|cased`; ECS fields are mapped back to the audit Event / Activity names Sigma rules use, and
 * ECS fields derived from others (`event.outcome`) are rewritten to their source field.
 */
export interface SigmaEmit {
  readonly detection: Record<string, unknown>;
  readonly problems: readonly string[];
}

const K8S_ECS: Readonly<Record<string, string>> = {
  'event.action': 'verb',
  'user.name': 'user.username',
  'user.id': 'user.uid',
  'user_agent.original': 'userAgent',
  'source.ip': 'sourceIPs',
  'client.ip': 'sourceIPs',
  'orchestrator.namespace': 'objectRef.namespace',
  'orchestrator.resource.type': 'objectRef.resource',
  'orchestrator.resource.name': 'objectRef.name',
  'orchestrator.api_version': 'apiVersion',
};

const AZURE_ECS: Readonly<Record<string, string>> = {
  'event.action': 'operationName',
  'azure.activitylogs.operation_name': 'operationName',
  'azure.activitylogs.result_type': 'resultType',
  'azure.activitylogs.result_signature': 'resultSignature',
  'azure.activitylogs.event_category': 'CategoryValue',
  'azure.correlation_id': 'correlationId',
};

/** Prefix of a field that `rewriteDerived` already wrote in Sigma's names. */
const SIGMA = 'sigma:';

/** The Sigma name of an ECS field in a dataset, or undefined. */
export function sigmaFieldOfEcs(ds: EcsDatasetName, f: string): string | undefined {
  if (f.startsWith(SIGMA)) return f.slice(SIGMA.length);
  if (ds === 'azure.activitylogs') return AZURE_ECS[f];
  const m = K8S_ECS[f];
  if (m) return m;
  if (!f.startsWith('kubernetes.audit.')) return undefined;
  const rest = f.slice('kubernetes.audit.'.length);
  if (rest.startsWith('aks_metadata.') || rest.startsWith('protoPayload.')) return undefined;
  // ECS writes annotation keys with '_' for '.': authorization_k8s_io/decision
  if (rest.startsWith('annotations.'))
    return `annotations.${rest.slice('annotations.'.length).replaceAll('_', '.')}`;
  return rest;
}

/** Replaces `event.dataset` and `event.outcome` tests by what they mean in the dataset, then simplifies. */
export function rewriteDerived(e: Expr, ds: EcsDatasetName): Expr {
  const r = (x: Expr): Expr => rewriteDerived(x, ds);
  switch (e.kind) {
    case 'And':
    case 'Or':
      return simplify({ ...e, args: e.args.map(r) });
    case 'Not': {
      const a = r(e.arg);
      return a.kind === 'Const' ? { kind: 'Const', value: !a.value } : { ...e, arg: a };
    }
    case 'Compare':
      if ((e.field === 'event.dataset' || e.field === 'data_stream.dataset') && e.op === 'eq' && !e.all)
        return {
          kind: 'Const',
          value: e.values.some((v) => typeof v !== 'number' && globMatches(v, ds, e.cased)),
        };
      if (e.field === 'event.outcome' && e.op === 'eq' && !e.all) return outcome(e, ds);
      return e;
    case 'Exists':
      return e.field === 'event.dataset' || e.field === 'data_stream.dataset'
        ? { kind: 'Const', value: true }
        : e;
    default:
      return e;
  }
}

function outcome(e: Compare, ds: EcsDatasetName): Expr {
  // kubernetes: allow -> success, forbid -> failure; azure: resultType success/failure (any case) lower-cased
  const wanted = e.values.flatMap((v) => {
    if (typeof v === 'number' || v.parts.length !== 1) return [];
    const t = v.parts[0] as string;
    const x = e.cased ? t : t.toLowerCase();
    return x === 'success' || x === 'failure' ? [x] : [];
  });
  if (wanted.length === 0) return { kind: 'Const', value: false };
  if (ds === 'azure.activitylogs')
    return {
      kind: 'Compare',
      field: `${SIGMA}resultType`,
      op: 'eq',
      values: wanted.map((w) => ({ parts: [w] })),
      cased: false,
      all: false,
    };
  return {
    kind: 'Compare',
    field: `${SIGMA}annotations.authorization.k8s.io/decision`,
    op: 'eq',
    values: wanted.map((w) => ({ parts: [w === 'success' ? 'allow' : 'forbid'] })),
    cased: true,
    all: false,
  };
}

function globMatches(p: Pattern, text: string, cased: boolean): boolean {
  const re = p.parts
    .map((x) =>
      typeof x === 'string' ? x.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&') : x.wildcard === '*' ? '.*' : '.',
    )
    .join('');
  return new RegExp(`^${re}$`, cased ? 's' : 'is').test(text);
}

function simplify(e: Extract<Expr, { kind: 'And' | 'Or' }>): Expr {
  const isAnd = e.kind === 'And';
  const args: Expr[] = [];
  for (const a of e.args) {
    if (a.kind === 'Const') {
      if (a.value === isAnd) continue; // neutral
      return { kind: 'Const', value: !isAnd };
    }
    args.push(a);
  }
  if (args.length === 0) return { kind: 'Const', value: isAnd };
  return args.length === 1 ? args[0]! : { ...e, args };
}

/** Sigma string escaping: `*`, `?` and `\` are written with a backslash. */
const sigmaEscape = (s: string): string => s.replace(/[\\*?]/g, '\\$&');
const sigmaPattern = (p: Pattern): string =>
  p.parts.map((x) => (typeof x === 'string' ? sigmaEscape(x) : x.wildcard)).join('');

/**
 * @example emitSigmaDetection(expr, 'kubernetes.audit_logs').detection.condition
 */
export function emitSigmaDetection(expr: Expr, ds: EcsDatasetName): SigmaEmit {
  const problems: string[] = [];
  const detection: Record<string, unknown> = {};
  let n = 0;
  const sel = (body: unknown): string => {
    const name = `selection_${++n}`;
    detection[name] = body;
    return name;
  };
  const fieldOf = (f: string): string => {
    const s = sigmaFieldOfEcs(ds, f);
    if (!s)
      problems.push(
        `ECS field '${f}' has no Sigma ${ds === 'azure.activitylogs' ? 'Activity Log' : 'Kubernetes audit'} field`,
      );
    return s ?? f;
  };
  /** One test as a detection item `key: value`, or undefined for a boolean node. */
  const item = (e: Expr): [string, unknown] | undefined => {
    switch (e.kind) {
      case 'Exists':
        return [`${fieldOf(e.field)}|exists`, true];
      case 'IsNull':
        return [fieldOf(e.field), null];
      case 'Regex': {
        const mods = [
          're',
          ...(e.flags.i ? ['i'] : []),
          ...(e.flags.m ? ['m'] : []),
          ...(e.flags.s ? ['s'] : []),
        ];
        return [`${fieldOf(e.field)}|${mods.join('|')}`, e.pattern];
      }
      case 'Cidr':
        return [`${fieldOf(e.field)}|cidr`, e.cidrs.length === 1 ? e.cidrs[0] : [...e.cidrs]];
      case 'FieldRef': {
        const mods = ['fieldref', ...(e.op !== 'eq' ? [e.op] : []), ...(e.cased ? ['cased'] : [])];
        return [`${fieldOf(e.field)}|${mods.join('|')}`, fieldOf(e.other)];
      }
      case 'Compare': {
        if (e.timePart) problems.push(`time part '${e.timePart}' is not converted`);
        const num = e.op === 'lt' || e.op === 'lte' || e.op === 'gt' || e.op === 'gte';
        const mods = [
          ...(e.op !== 'eq' ? [e.op] : []),
          ...(e.cased && !num ? ['cased'] : []),
          ...(e.all ? ['all'] : []),
        ];
        const vals = e.values.map((v) => (typeof v === 'number' ? v : sigmaPattern(v)));
        return [[fieldOf(e.field), ...mods].join('|'), vals.length === 1 ? vals[0] : vals];
      }
      default:
        return undefined;
    }
  };
  const walk = (e: Expr, top: boolean): string => {
    switch (e.kind) {
      case 'And': {
        // tests on distinct keys share one selection (a map is an AND)
        const map: Record<string, unknown> = {};
        const rest: string[] = [];
        for (const a of e.args) {
          const it = item(a);
          if (it && !(it[0] in map)) map[it[0]] = it[1];
          else rest.push(walk(a, false));
        }
        const parts = [...(Object.keys(map).length ? [sel(map)] : []), ...rest];
        const s = parts.join(' and ');
        return top || parts.length === 1 ? s : `(${s})`;
      }
      case 'Or': {
        // equal-shaped tests of one field share one selection (a value list is an OR)
        const merged = new Map<string, unknown[]>();
        const rest: string[] = [];
        for (const a of e.args) {
          const it = a.kind === 'Compare' && !a.all ? item(a) : undefined;
          if (!it) {
            rest.push(walk(a, false));
            continue;
          }
          const list = merged.get(it[0]) ?? [];
          list.push(...(Array.isArray(it[1]) ? it[1] : [it[1]]));
          merged.set(it[0], list);
        }
        const parts = [...[...merged].map(([k, v]) => sel({ [k]: v.length === 1 ? v[0] : v })), ...rest];
        const s = parts.join(' or ');
        return top || parts.length === 1 ? s : `(${s})`;
      }
      case 'Not':
        return `not ${walk(e.arg, false)}`;
      case 'Const':
        problems.push(`a constant ${e.value} test has no Sigma form`);
        return 'false';
      case 'Keyword':
        return sel(e.all ? { '|all': e.values.map(sigmaPattern) } : e.values.map(sigmaPattern));
      default: {
        const it = item(e);
        return it ? sel({ [it[0]]: it[1] }) : 'false';
      }
    }
  };
  const simplified = rewriteDerived(expr, ds);
  if (simplified.kind === 'Const') {
    problems.push(`the query is always ${simplified.value} in ${ds}: no Sigma detection`);
    return { detection: { condition: 'false' }, problems };
  }
  detection.condition = walk(simplified, true);
  return { detection, problems };
}
