import { assertNever, type Compare, type Expr, isLiteral, type Pattern, patternText } from '../ir/expr.js';
import { canMatchEmpty, hasCasedLetters } from './glob-regex.js';
import type { SourceField } from './source-fields.js';

/**
 * Writes the Expr IR of a Sigma detection as an Elastic query over ECS fields
 * (`kubernetes.audit.*` of the `kubernetes.audit_logs` dataset, `azure.activitylogs.*`).
 *
 * Elasticsearch matches keyword fields case-sensitively in the Kibana query language, with no
 * case-insensitive form, while Sigma is case-insensitive. A test whose value has letters can only
 * keep Sigma's meaning in EQL, where `:` is case-insensitive (with `*`/`?` wildcards): so `auto`
 * writes kuery when every test is case-exact and EQL otherwise, and `kuery` reports such a rule.
 */
export type ElasticLanguage = 'kuery' | 'eql';

export interface ElasticEmit {
  readonly language: ElasticLanguage;
  readonly query: string;
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

export type EcsDatasetName = 'kubernetes.audit_logs' | 'azure.activitylogs';

const POD_SPECS = ['spec', 'spec.template.spec', 'spec.jobTemplate.spec.template.spec'];
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

const ACTIVITY_ECS: Readonly<Record<string, string>> = {
  operationName: 'azure.activitylogs.operation_name',
  resultType: 'azure.activitylogs.result_type',
  resultSignature: 'azure.activitylogs.result_signature',
  categoryValue: 'azure.activitylogs.event_category',
  level: 'azure.activitylogs.level',
  correlationId: 'azure.correlation_id',
  resourceId: 'azure.resource.id',
};

/**
 * The ECS fields a neutral field reads (several: any of them), or why there are none.
 * @example ecsFields({ kind: 'audit', keys: ['verb'] }) // ['kubernetes.audit.verb']
 */
export function ecsFields(
  f: SourceField,
): { fields: string[]; notes: string[]; lowercase?: boolean } | string {
  if (f.kind === 'activity') {
    const e = ACTIVITY_ECS[f.name];
    return e ? { fields: [e], notes: [] } : `Activity Log field '${f.name}' has no ECS field auditscope maps`;
  }
  if (f.kind === 'podspec') {
    const ro = 'kubernetes.audit.requestObject';
    if (f.name === 'hostPath')
      return {
        fields: POD_SPECS.map((s) => `${ro}.${s}.volumes.hostPath.path`),
        notes: ["'hostPath' reads hostPath.path; a hostPath volume without a path has no value in ECS"],
      };
    const leaf =
      f.name === 'capabilities' ? 'securityContext.capabilities.add' : 'securityContext.privileged';
    return {
      fields: POD_SPECS.flatMap((s) => CONTAINER_LISTS.map((l) => `${ro}.${s}.${l}.${leaf}`)),
      notes: [],
    };
  }
  const [first, second] = f.keys;
  if ((first === 'requestObject' || first === 'responseObject') && second === 'metadata')
    return `ECS removes ${first}.metadata (Elastic's kubernetes.audit_logs pipeline)`;
  const keys =
    first === 'annotations' ? f.keys.map((k, i) => (i === 1 ? k.replaceAll('.', '_') : k)) : f.keys;
  const lowercase = LOWER_CASE_FIELDS.has(f.keys.join('.'));
  return { fields: [`kubernetes.audit.${keys.join('.')}`], notes: [], ...(lowercase ? { lowercase } : {}) };
}

/**
 * Audit Event fields whose values are lower-case by Kubernetes' own rules: API verbs, resource
 * and subresource names (CRD plurals must be lower-case), namespaces (DNS-1123 labels), API groups
 * (DNS subdomains) and versions. A case-insensitive test of one of them is the case-sensitive test
 * of the lower-cased value, which the Kibana query language can write.
 */
const LOWER_CASE_FIELDS = new Set([
  'verb',
  'objectRef.resource',
  'objectRef.subresource',
  'objectRef.namespace',
  'objectRef.apiGroup',
  'objectRef.apiVersion',
]);

interface Ctx {
  readonly lang: ElasticLanguage;
  readonly field: (name: string) => SourceField | string;
  readonly problems: string[];
  readonly notes: string[];
  /** kuery only: tests that need case-insensitive matching. */
  readonly caseless: string[];
  /** kuery only: fields lower-case by Kubernetes rules, tested case-sensitively on the lower-cased value. */
  readonly lowered: string[];
}

/**
 * @example emitElastic(expr, 'auto', (f) => sourceField(ls, f), 'kubernetes.audit_logs').query
 */
export function emitElastic(
  expr: Expr,
  mode: ElasticLanguage | 'auto',
  field: (name: string) => SourceField | string,
  dataset: EcsDatasetName,
): ElasticEmit {
  const run = (lang: ElasticLanguage) => {
    const ctx: Ctx = { lang, field, problems: [], notes: [], caseless: [], lowered: [] };
    const body = emit(expr, ctx);
    const ds = lang === 'kuery' ? `event.dataset:${dataset}` : `event.dataset == "${dataset}"`;
    const query = lang === 'kuery' ? `${ds} and ${paren(body)}` : `any where ${ds} and ${paren(body)}`;
    return { ctx, query };
  };
  let r = run(mode === 'eql' ? 'eql' : 'kuery');
  if (mode === 'auto' && r.ctx.caseless.length) {
    const k = r.ctx.caseless;
    r = run('eql');
    r.ctx.notes.push(
      `written in EQL: the Kibana query language matches keyword fields case-sensitively, and Sigma's case-insensitive test of ${k.slice(0, 3).join(', ')}${k.length > 3 ? ', ...' : ''} needs EQL's ':'`,
    );
  } else if (r.ctx.lang === 'kuery' && r.ctx.lowered.length)
    r.ctx.notes.push(
      `${r.ctx.lowered.join(', ')}: lower-case in every audit event by Kubernetes naming rules, so the Kibana query's case-sensitive test of the lower-cased value is Sigma's case-insensitive one`,
    );
  if (mode === 'kuery')
    for (const c of r.ctx.caseless)
      r.ctx.problems.push(
        `case-insensitive test of ${c} cannot be written in the Kibana query language (use --elastic-language eql)`,
      );
  return { language: r.ctx.lang, query: r.query, problems: r.ctx.problems, notes: [...new Set(r.ctx.notes)] };
}

const paren = (s: string): string => (s.startsWith('(') ? s : `(${s})`);

function emit(e: Expr, ctx: Ctx): string {
  switch (e.kind) {
    case 'And':
    case 'Or': {
      if (e.args.length === 0) return constant(e.kind === 'And', ctx);
      const parts = e.args.map((a) => emit(a, ctx));
      return parts.length === 1 ? parts[0]! : `(${parts.join(e.kind === 'And' ? ' and ' : ' or ')})`;
    }
    case 'Not':
      return `not ${paren(emit(e.arg, ctx))}`;
    case 'Const':
      return constant(e.value, ctx);
    case 'Keyword':
      ctx.problems.push('keyword search over every value is not converted to Elastic');
      return constant(false, ctx);
    case 'FieldRef':
      ctx.problems.push(`field reference '${e.field}' = '${e.other}' is not converted to Elastic`);
      return constant(false, ctx);
    case 'Regex':
      ctx.problems.push(
        `regular expression on '${e.field}': Elastic regexes are anchored Lucene syntax, not Sigma's; not converted`,
      );
      return constant(false, ctx);
    case 'Exists':
    case 'IsNull':
    case 'Compare':
    case 'Cidr':
      return atom(e, ctx);
    default:
      return assertNever(e);
  }
}

function constant(v: boolean, ctx: Ctx): string {
  if (ctx.lang === 'eql') return v ? 'true' : 'false';
  return v ? 'event.dataset:*' : 'not event.dataset:*';
}

type Atom = Extract<Expr, { kind: 'Exists' | 'IsNull' | 'Compare' | 'Cidr' }>;

function atom(e: Atom, ctx: Ctx): string {
  const sf = ctx.field(e.field);
  if (typeof sf === 'string') {
    ctx.problems.push(sf);
    return constant(false, ctx);
  }
  const m = ecsFields(sf);
  if (typeof m === 'string') {
    ctx.problems.push(m);
    return constant(false, ctx);
  }
  ctx.notes.push(...m.notes);
  const fs = m.fields;
  if (e.kind === 'IsNull') {
    ctx.notes.push(`ECS drops empty strings: an empty '${e.field}' counts as missing (null) in Elastic`);
    const xs = fs.map((f) => (ctx.lang === 'eql' ? `${name(f, ctx)} == null` : `not ${f}:*`));
    return xs.length === 1 ? xs[0]! : `(${xs.join(' and ')})`;
  }
  if (e.kind === 'Compare' && e.all && e.values.length > 1 && fs.length > 1) {
    ctx.problems.push(`'|all' over '${e.field}', which reads several ECS fields, is not converted`);
    return constant(false, ctx);
  }
  const xs = fs.map((f) => one(e, f, ctx, m.lowercase === true));
  return xs.length === 1 ? xs[0]! : `(${xs.join(' or ')})`;
}

const EQL_IDENT = /^[A-Za-z_@][A-Za-z0-9_.@]*$/;
const name = (f: string, ctx: Ctx): string => (ctx.lang === 'eql' && !EQL_IDENT.test(f) ? `\`${f}\`` : f);
const eqlString = (s: string): string =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const kqlQuoted = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const kqlEscape = (s: string): string => s.replace(/[\\():<>"*{}\s]/g, (c) => `\\${c}`);

function one(e: Exclude<Atom, { kind: 'IsNull' }>, f: string, ctx: Ctx, lowercase: boolean): string {
  const n = name(f, ctx);
  if (e.kind === 'Exists') return ctx.lang === 'eql' ? `${n} != null` : `${f}:*`;
  if (e.kind === 'Cidr') {
    if (ctx.lang === 'kuery') {
      ctx.problems.push(
        `CIDR test on '${e.field}' is not converted to the Kibana query language (keyword field)`,
      );
      return constant(false, ctx);
    }
    return `cidrMatch(${n}, ${e.cidrs.map((c) => eqlString(c.trim())).join(', ')})`;
  }
  return compare(e, f, n, ctx, lowercase);
}

const NUM = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

function compare(e: Compare, f: string, n: string, ctx: Ctx, lowercase: boolean): string {
  if (e.timePart) {
    ctx.problems.push(`time-part modifier '${e.timePart}' is not converted to Elastic`);
    return constant(false, ctx);
  }
  const join = e.all ? ' and ' : ' or ';
  const group = (xs: string[]): string => (xs.length === 1 ? xs[0]! : `(${xs.join(join)})`);
  if (e.op === 'lt' || e.op === 'lte' || e.op === 'gt' || e.op === 'gte') {
    const op = NUM[e.op];
    return group(e.values.map((x) => `${n} ${op} ${typeof x === 'number' ? x : Number(patternText(x))}`));
  }
  const op = e.op;
  const pats: Pattern[] = e.values.map((x) => (typeof x === 'number' ? { parts: [String(x)] } : x));
  // the glob of a test: eq = the pattern, contains = *p*, startswith = p*, endswith = *p
  const glob = (p: Pattern): Pattern => ({
    parts: [
      ...(op === 'contains' || op === 'endswith' ? [{ wildcard: '*' as const }] : []),
      ...p.parts,
      ...(op === 'contains' || op === 'startswith' ? [{ wildcard: '*' as const }] : []),
    ],
  });
  const out: string[] = [];
  const colon: string[] = [];
  const exact: string[] = [];
  const kq: string[] = [];
  for (const p0 of pats) {
    if (canMatchEmpty(p0)) {
      if (p0.parts.length === 0 || p0.parts.every((x) => x === '')) {
        ctx.problems.push(
          `an empty value of '${e.field}' cannot be matched in ECS, which drops empty strings`,
        );
        continue;
      }
      ctx.notes.push(
        `ECS drops empty strings: '${e.field}: ${patternText(p0)}' does not match an empty value in Elastic`,
      );
    }
    let p = glob(p0);
    let lits = p.parts.filter((x): x is string => typeof x === 'string');
    if (ctx.lang === 'kuery') {
      if (lowercase && !e.cased) {
        p = { parts: p.parts.map((x) => (typeof x === 'string' ? x.toLowerCase() : x)) };
        lits = lits.map((x) => x.toLowerCase());
        if (!ctx.lowered.includes(`'${e.field}'`)) ctx.lowered.push(`'${e.field}'`);
      }
      if (!e.cased && !lowercase && lits.some(hasCasedLetters) && !ctx.caseless.includes(`'${e.field}'`))
        ctx.caseless.push(`'${e.field}'`);
      if (p.parts.some((x) => typeof x !== 'string' && x.wildcard === '?')) {
        ctx.problems.push(`'?' wildcard on '${e.field}' has no Kibana query language form`);
        continue;
      }
      kq.push(
        isLiteral(p)
          ? kqlQuoted(patternText(p))
          : p.parts.map((x) => (typeof x === 'string' ? kqlEscape(x) : '*')).join(''),
      );
      continue;
    }
    // without letters whose case differs, a case-sensitive exact test is the same test (and needs no wildcard escaping)
    if (isLiteral(p) && (e.cased || !lits.some(hasCasedLetters))) {
      exact.push(eqlString(patternText(p)));
      continue;
    }
    if (lits.some((x) => x.includes('*') || x.includes('?'))) {
      ctx.problems.push(`a literal '*' or '?' in a value of '${e.field}' cannot be escaped in EQL wildcards`);
      continue;
    }
    const text = eqlString(patternText(p));
    if (e.cased) {
      if (isLiteral(p)) exact.push(text);
      else out.push(`${n} like ${text}`);
    } else colon.push(text);
  }
  // without `all`, one list per operator: `f : ("a", "b*")`, `f in ("A", "B")`
  const list = (op: string, xs: string[], one: string): string[] =>
    e.all || xs.length < 2 ? xs.map((x) => `${n} ${one} ${x}`) : [`${n} ${op} (${xs.join(', ')})`];
  out.unshift(...list(':', colon, ':'), ...list('in', exact, '=='));
  if (kq.length)
    out.unshift(...(e.all || kq.length < 2 ? kq.map((x) => `${f}:${x}`) : [`${f}:(${kq.join(' or ')})`]));
  if (out.length === 0) return constant(false, ctx);
  return group(out);
}
