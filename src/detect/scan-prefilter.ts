import type { PrefilterClause, PrefilterPlan } from '../engine/prefilter.js';
import type { Expr } from '../ir/expr.js';
import { necessaryValues } from '../engine/rule-index.js';
import { toNumber } from '../engine/compile-expr.js';
import type { SigmaUserFieldMapping } from '../views/sigma-fields.js';
import { sigmaTarget } from '../views/sigma-fields.js';
import type { Detection } from './detection.js';
import { SigmaRuleDetection } from './sigma/sigma-detection.js';

/**
 * The byte prefilter plan of a rule set (engine/prefilter.ts): one clause of necessary conditions
 * per rule that could match an audit Event of the shapes the prefilter reads (raw API-server
 * Events, AKS diagnostic records: audit-kind events from providers k8s, aks, arc), or undefined
 * when some rule could match anything (then every line is parsed).
 *
 * - A rule whose index hint limits it to other event kinds (Activity records) adds no clause, nor
 *   does a Sigma rule for `gcp/gcp.audit` (routed to GKE events only, never read by the prefilter).
 * - A single-event Sigma rule for `kubernetes/audit` adds its index hint (verbs, resources) and the
 *   necessary values of `objectRef.subresource` and `responseStatus.code` from its compiled IR, for
 *   fields the user mapping (`mappings`) does not redirect. Filters only narrow a rule, so they are
 *   ignored, safely.
 * - Any other rule (correlations, Elastic, Kusto: they may count events no condition names) adds
 *   its index hint's verbs/resources; without either, it disables the prefilter.
 * @example const plan = prefilterPlan(loaded.detections); const filter = compilePrefilter(plan);
 */
export function prefilterPlan(
  detections: readonly Detection[],
  mappings: readonly SigmaUserFieldMapping[] = [],
): PrefilterPlan | undefined {
  const overridden = new Set<string>();
  for (const m of mappings) for (const k of Object.keys(m.fieldmappings)) overridden.add(k);
  const free = (names: string[]) => {
    const s = new Set(names.filter((n) => !overridden.has(n)));
    return (f: string) => s.has(f);
  };
  const isSub = free(['objectRef.subresource', 'subresource']);
  const isCode = free(['responseStatus.code']);
  const isUser = free(['user.username', 'username']);
  const isAgent = free(['userAgent']);
  const isImpersonated = (f: string) =>
    !overridden.has(f) && (f === 'impersonatedUser' || f.startsWith('impersonatedUser.'));
  const clauses: PrefilterClause[] = [];
  for (const d of detections) {
    const hint = d.index;
    if (hint?.kinds && !hint.kinds.includes('audit')) continue;
    if (d instanceof SigmaRuleDetection) {
      const target = sigmaTarget(d.ast.logsource);
      if (target === 'azure/activitylogs' || target === 'gcp/gcp.audit') continue;
      const e = d.compiled.expr;
      const subresources = necessaryValues(e, isSub);
      const codes = necessaryValues(e, isCode);
      const users = necessaryValues(e, isUser);
      const userPrefixes = necessaryPrefixes(e, isUser);
      const agentPrefixes = necessaryPrefixes(e, isAgent);
      clauses.push({
        ...clause(hint?.verbs, hint?.resources, subresources, codes && withNumbers(codes)),
        ...(users ? { users: withNumbers(users) } : {}),
        ...(userPrefixes ? { userPrefixes } : {}),
        ...(agentPrefixes ? { agentPrefixes } : {}),
        ...(requiresField(e, isImpersonated) ? { impersonated: true } : {}),
      });
      continue;
    }
    if (!hint?.verbs && !hint?.resources) return undefined;
    clauses.push(clause(hint.verbs, hint.resources, undefined, undefined));
  }
  return { clauses };
}

/**
 * Lower-cased prefixes one of which a matching event's field must start with: the literal start of
 * each `startswith` / `eq` value (a value equal to `x` starts with `x`), undefined when some value
 * starts with a wildcard or the field is not constrained. And: a constrained argument's; Or: all
 * of them when every argument is constrained.
 * @example necessaryPrefixes(expr, (f) => f === 'userAgent') // ['kubectl/', 'curl/']
 */
export function necessaryPrefixes(e: Expr, isKey: (field: string) => boolean): string[] | undefined {
  switch (e.kind) {
    case 'Compare': {
      if (!isKey(e.field) || (e.op !== 'eq' && e.op !== 'startswith') || e.timePart || e.all)
        return undefined;
      const out: string[] = [];
      for (const v of e.values) {
        const first = typeof v === 'number' ? String(v) : v.parts[0];
        if (typeof first !== 'string' || first === '') return undefined;
        out.push(first.toLowerCase());
      }
      return out;
    }
    case 'And':
      for (const a of e.args) {
        const p = necessaryPrefixes(a, isKey);
        if (p) return p;
      }
      return undefined;
    case 'Or': {
      const out: string[] = [];
      for (const a of e.args) {
        const p = necessaryPrefixes(a, isKey);
        if (!p) return undefined;
        out.push(...p);
      }
      return out;
    }
    case 'Const':
      return e.value ? undefined : [];
    default:
      return undefined;
  }
}

/** True when every event the expression matches has a value in some field `isKey` names. */
export function requiresField(e: Expr, isKey: (field: string) => boolean): boolean {
  switch (e.kind) {
    case 'Compare':
    case 'Exists':
      return isKey(e.field);
    case 'And':
      return e.args.some((a) => requiresField(a, isKey));
    case 'Or':
      return e.args.length > 0 && e.args.every((a) => requiresField(a, isKey));
    default:
      return false;
  }
}

function clause(
  verbs: readonly string[] | undefined,
  resources: readonly string[] | undefined,
  subresources: ReadonlySet<string> | undefined,
  codes: ReadonlySet<string> | undefined,
): PrefilterClause {
  const low = (xs: Iterable<string> | undefined) =>
    xs ? new Set([...xs].map((x) => x.toLowerCase())) : undefined;
  const v = low(verbs);
  const r = low(resources);
  const s = low(subresources);
  const c = low(codes);
  return {
    ...(v ? { verbs: v } : {}),
    ...(r ? { resources: r } : {}),
    ...(s ? { subresources: s } : {}),
    ...(c ? { codes: c } : {}),
  };
}

/** A code needle also equals the numerically equal event number (`'0401'` matches 401), as in compile-expr. */
function withNumbers(codes: ReadonlySet<string>): Set<string> {
  const out = new Set(codes);
  for (const c of codes) {
    const n = toNumber(c);
    if (!Number.isNaN(n)) out.add(String(n));
  }
  return out;
}
