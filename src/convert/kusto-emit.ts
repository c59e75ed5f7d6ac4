import { assertNever, type Compare, type Expr, isLiteral, type Pattern, patternText } from '../ir/expr.js';
import { canMatchEmpty, globRegex } from './glob-regex.js';
import { type KustoAccess, type KustoTable, kqlString, kustoAccess, kustoRowFilter } from './kusto-fields.js';
import type { SourceField } from './source-fields.js';

/**
 * Writes a lowered Sigma detection (the Expr IR) as a KQL query over one table, keeping Sigma's
 * semantics exactly or saying why it cannot:
 * - string tests are case-insensitive in Sigma: `=~`, `in~`, `contains`, `startswith`,
 *   `endswith` (all case-insensitive in KQL); `|cased` gives `==`, `in`, `*_cs`;
 * - wildcards become an anchored `matches regex` (`(?is)^a.*b$`), never `has` (a term match);
 * - KQL reads a missing value as an empty string and Sigma as no value, so a test that the empty
 *   string passes (`*`, `''`) also asks for the value to be present;
 * - a path that crosses arrays (containers, capabilities, groups, ...) is expanded with `mv-apply`
 *   and the test becomes "some item passes" (`countif(...) > 0`), as Sigma's any-element rule;
 * - keyword search, field references and time parts are reported as not convertible.
 */
export interface KustoEmit {
  readonly query: string;
  readonly problems: readonly string[];
}

interface ArrayGroup {
  readonly access: KustoAccess;
  readonly counts: string[];
}

interface Ctx {
  readonly table: KustoTable;
  readonly field: (name: string) => SourceField | string;
  readonly problems: string[];
  readonly groups: Map<string, ArrayGroup>;
  next: number;
}

/**
 * @example emitKusto(expr, 'CloudAuditEvents', (f) => sourceField(ls, f), 'kubernetes').query
 */
export function emitKusto(
  expr: Expr,
  table: KustoTable,
  field: (name: string) => SourceField | string,
  product: 'kubernetes' | 'azure',
): KustoEmit {
  const ctx: Ctx = { table, field, problems: [], groups: new Map(), next: 0 };
  const where = emit(expr, ctx);
  const lines: string[] = [table];
  const filter = kustoRowFilter(table, product);
  if (filter) lines.push(`| where ${filter}`);
  const pcols: string[] = [];
  for (const g of ctx.groups.values()) {
    const vars = g.access.levels.map((_, i) => `_v${i}`);
    const sub: string[] = [];
    g.access.levels.forEach((lvl, i) => {
      if (i === 0) return;
      sub.push(`mv-expand ${vars[i]} = ${subst(lvl, vars[i - 1]!)} to typeof(dynamic)`);
    });
    sub.push(`summarize ${g.counts.join(', ')}`);
    lines.push(`| mv-apply _v0 = ${g.access.levels[0]!} to typeof(dynamic) on (${sub.join(' | ')})`);
    for (const c of g.counts) pcols.push(c.split(' ', 1)[0]!);
  }
  lines.push(`| where ${strip(where)}`);
  if (pcols.length) lines.push(`| project-away ${pcols.join(', ')}`);
  return { query: lines.join('\n'), problems: ctx.problems };
}

const subst = (s: string, v: string): string => s.split('$').join(v);
const strip = (s: string): string => (s.startsWith('(') && balanced(s.slice(1, -1)) ? s.slice(1, -1) : s);

function balanced(s: string): boolean {
  let d = 0;
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === '"') q = false;
    } else if (c === '"') q = true;
    else if (c === '(') d++;
    else if (c === ')' && --d < 0) return false;
  }
  return d === 0;
}

function emit(e: Expr, ctx: Ctx): string {
  switch (e.kind) {
    case 'And':
    case 'Or': {
      if (e.args.length === 0) return e.kind === 'And' ? 'true' : 'false';
      const parts = e.args.map((a) => emit(a, ctx));
      return parts.length === 1 ? parts[0]! : `(${parts.join(e.kind === 'And' ? ' and ' : ' or ')})`;
    }
    case 'Not':
      return `not(${strip(emit(e.arg, ctx))})`;
    case 'Const':
      return e.value ? 'true' : 'false';
    case 'Keyword':
      ctx.problems.push(
        'keyword search over every value has no exact KQL equivalent (`*` has is a term match)',
      );
      return 'false';
    case 'FieldRef':
      ctx.problems.push(`field reference '${e.field}' = '${e.other}' is not converted`);
      return 'false';
    case 'Exists':
    case 'IsNull':
    case 'Compare':
    case 'Regex':
    case 'Cidr':
      return atom(e, ctx);
    default:
      return assertNever(e);
  }
}

type Atom = Extract<Expr, { kind: 'Exists' | 'IsNull' | 'Compare' | 'Regex' | 'Cidr' }>;

function atom(e: Atom, ctx: Ctx): string {
  const sf = ctx.field(e.field);
  if (typeof sf === 'string') {
    ctx.problems.push(sf);
    return 'false';
  }
  const access = kustoAccess(ctx.table, sf);
  if (typeof access === 'string') {
    ctx.problems.push(access);
    return 'false';
  }
  if (access.levels.length === 0) {
    const v = access.stringColumn ? access.leaf : `tostring(${access.leaf})`;
    const present =
      access.present ?? (access.stringColumn ? `isnotempty(${access.leaf})` : `isnotnull(${access.leaf})`);
    return test(e, v, present, ctx);
  }
  // array path: count the items that pass, inside one mv-apply per path
  const last = `_v${access.levels.length - 1}`;
  const leaf = subst(access.leaf, last);
  const present = access.present ? subst(access.present, last) : `isnotnull(${leaf})`;
  const key = access.levels.join('\u0000');
  let g = ctx.groups.get(key);
  if (!g) {
    g = { access, counts: [] };
    ctx.groups.set(key, g);
  }
  const group = g;
  const count = (pred: string): string => {
    const name = `_p${ctx.next++}`;
    group.counts.push(`${name} = countif(${pred})`);
    return `${name} > 0`;
  };
  if (e.kind === 'Exists') return count(present);
  if (e.kind === 'IsNull') return `not(${count(present)})`;
  // `all`: every value must be met by some item, each counted on its own
  if (e.kind === 'Compare' && e.all && e.values.length > 1) {
    const parts = e.values.map((v) =>
      count(
        `${present} and ${strip(test({ ...e, values: [v], all: false }, `tostring(${leaf})`, present, ctx))}`,
      ),
    );
    return `(${parts.join(' and ')})`;
  }
  return count(`${present} and ${wrap(test(e, `tostring(${leaf})`, present, ctx))}`);
}

const wrap = (s: string): string =>
  / (and|or) /.test(s) && !(s.startsWith('(') && balanced(s.slice(1, -1))) ? `(${s})` : s;

/** The test of one atom on a string value `v` (scalar) with its presence condition. */
function test(e: Atom, v: string, present: string, ctx: Ctx): string {
  switch (e.kind) {
    case 'Exists':
      return present;
    case 'IsNull':
      return `not(${present})`;
    case 'Regex': {
      const flags = `${e.flags.i ? 'i' : ''}${e.flags.m ? 'm' : ''}${e.flags.s ? 's' : ''}`;
      return `${v} matches regex ${kqlString(flags ? `(?${flags})${e.pattern}` : e.pattern)}`;
    }
    case 'Cidr': {
      const parts: string[] = [];
      for (const c of e.cidrs) {
        if (c.includes(':')) {
          ctx.problems.push(`IPv6 CIDR '${c}' is not converted (ipv4_is_in_range is IPv4 only)`);
          continue;
        }
        parts.push(`ipv4_is_in_range(${v}, ${kqlString(c.trim())})`);
      }
      return parts.length === 1 ? parts[0]! : `(${parts.join(' or ') || 'false'})`;
    }
    case 'Compare':
      return compare(e, v, present, ctx);
    default:
      return assertNever(e);
  }
}

const NUM_OPS = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

function compare(e: Compare, v: string, present: string, ctx: Ctx): string {
  if (e.timePart) {
    ctx.problems.push(`time-part modifier '${e.timePart}' is not converted`);
    return 'false';
  }
  const join = e.all ? ' and ' : ' or ';
  const group = (xs: string[]): string => (xs.length === 1 ? xs[0]! : `(${xs.join(join)})`);
  if (e.op === 'lt' || e.op === 'lte' || e.op === 'gt' || e.op === 'gte') {
    const op = NUM_OPS[e.op];
    return group(
      e.values.map((x) => `todouble(${v}) ${op} ${typeof x === 'number' ? x : Number(patternText(x))}`),
    );
  }
  const op = e.op;
  const pats: Pattern[] = e.values.map((x) => (typeof x === 'number' ? { parts: [String(x)] } : x));
  const out: string[] = [];
  const eqLits: string[] = [];
  for (const p of pats) {
    const guard = canMatchEmpty(p);
    let t: string;
    if (op === 'eq' && isLiteral(p) && !e.all && !guard) {
      const lit = patternText(p);
      eqLits.push(lit);
      const n = Number(lit);
      // the engine also matches a numerically equal event number (`1.0` = 1)
      if (lit.trim() !== '' && !Number.isNaN(n) && String(n) !== lit) eqLits.push(String(n));
      continue;
    }
    if (isLiteral(p)) {
      const lit = kqlString(patternText(p));
      const kop = op === 'eq' ? (e.cased ? '==' : '=~') : e.cased ? `${op}_cs` : op;
      t = `${v} ${kop} ${lit}`;
    } else t = `${v} matches regex ${kqlString(globRegex(op, p, e.cased))}`;
    out.push(guard ? `(${present} and ${t})` : t);
  }
  if (eqLits.length === 1) out.unshift(`${v} ${e.cased ? '==' : '=~'} ${kqlString(eqLits[0]!)}`);
  else if (eqLits.length > 1)
    out.unshift(`${v} ${e.cased ? 'in' : 'in~'} (${eqLits.map(kqlString).join(', ')})`);
  return group(out);
}
