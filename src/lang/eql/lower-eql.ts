import type { Diagnostic } from '../../diag/diagnostic.js';
import type { Span } from '../../diag/span.js';
import { assertNever, type Expr, literal, wildcardPattern } from '../../ir/expr.js';
import type { EqlNode, EventQuery } from './ast.js';

/**
 * Lowers an EQL condition to the event-matching IR with Elasticsearch EQL semantics:
 * - `==`, `!=`, `in`, `like`, `regex` and the string functions are case-sensitive; their `~`
 *   forms and `:` are case-insensitive;
 * - `:` and `like` take `*` and `?` wildcards; `regex` is anchored (matches the whole value);
 * - `field == null` is a missing-or-null test, `field != null` an exists test;
 * - `field == other.field` compares two fields;
 * - functions: startsWith, endsWith, stringContains, wildcard, cidrMatch (others: EQL011).
 * The event category (`process where`) becomes an `event.category` test; `any` matches all.
 * @example lowerEqlEvent(ast.event).expr
 */
export function lowerEqlEvent(q: EventQuery, source?: string): { expr: Expr; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ctx: Ctx = { diagnostics, source };
  const where = lowerCond(q.where, ctx);
  if (q.category === 'any') return { expr: where, diagnostics };
  const cat: Expr = {
    kind: 'Compare',
    field: 'event.category',
    op: 'eq',
    values: [literal(q.category)],
    cased: true,
    all: false,
    span: q.span,
  };
  return { expr: { kind: 'And', args: [cat, where], span: q.span }, diagnostics };
}

interface Ctx {
  readonly diagnostics: Diagnostic[];
  readonly source: string | undefined;
}

function fail(ctx: Ctx, code: string, message: string, span: Span): Expr {
  ctx.diagnostics.push({
    code,
    severity: 'error',
    message,
    span,
    ...(ctx.source !== undefined ? { source: ctx.source } : {}),
  });
  return { kind: 'Const', value: false, span };
}

function lowerCond(n: EqlNode, ctx: Ctx): Expr {
  switch (n.kind) {
    case 'And':
    case 'Or':
      return { kind: n.kind, args: n.args.map((a) => lowerCond(a, ctx)), span: n.span };
    case 'Not':
      return { kind: 'Not', arg: lowerCond(n.arg, ctx), span: n.span };
    case 'Boolean':
      return { kind: 'Const', value: n.value, span: n.span };
    case 'Compare':
      return lowerCompare(n, ctx);
    case 'Match':
      return lowerMatch(n, ctx);
    case 'Call':
      return lowerCall(n, ctx);
    case 'Field':
      // A bare boolean field used as a condition: `field == true`.
      return {
        kind: 'Compare',
        field: n.name,
        op: 'eq',
        values: [literal('true')],
        cased: false,
        all: false,
        span: n.span,
      };
    case 'String':
    case 'Number':
    case 'Null':
      return fail(ctx, 'EQL004', 'a value is not a condition', n.span);
    default:
      return assertNever(n);
  }
}

function lowerCompare(n: Extract<EqlNode, { kind: 'Compare' }>, ctx: Ctx): Expr {
  let { left, right } = n;
  let op = n.op;
  if (left.kind !== 'Field' && right.kind === 'Field') {
    [left, right] = [right, left];
    const flip: Record<string, typeof op> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    op = flip[op] ?? op;
  }
  if (left.kind === 'Call')
    return fail(ctx, 'EQL011', `the function ${left.name}() is not supported here`, left.span);
  if (left.kind !== 'Field') return fail(ctx, 'EQL011', 'comparisons need a field on one side', n.span);
  const field = left.name;
  if (op === '==' || op === '!=') {
    let e: Expr;
    if (right.kind === 'Null') {
      return op === '==' ? { kind: 'IsNull', field, span: n.span } : { kind: 'Exists', field, span: n.span };
    }
    if (right.kind === 'Field')
      e = { kind: 'FieldRef', field, other: right.name, op: 'eq', cased: true, span: n.span };
    else if (right.kind === 'String' || right.kind === 'Number' || right.kind === 'Boolean')
      e = {
        kind: 'Compare',
        field,
        op: 'eq',
        values: [literal(String(right.value))],
        cased: true,
        all: false,
        span: n.span,
      };
    else return fail(ctx, 'EQL011', 'only a value, a field or null can be compared', right.span);
    return op === '==' ? e : { kind: 'Not', arg: e, span: n.span };
  }
  if (right.kind !== 'Number') return fail(ctx, 'EQL011', `'${op}' needs a number`, right.span);
  const rel = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const;
  return {
    kind: 'Compare',
    field,
    op: rel[op],
    values: [right.value],
    cased: true,
    all: false,
    span: n.span,
  };
}

function lowerMatch(n: Extract<EqlNode, { kind: 'Match' }>, ctx: Ctx): Expr {
  if (n.left.kind !== 'Field') return fail(ctx, 'EQL011', `'${n.op}' needs a field on its left`, n.left.span);
  const field = n.left.name;
  const strs: string[] = [];
  for (const v of n.values) {
    if (v.kind === 'String' || v.kind === 'Number' || v.kind === 'Boolean') strs.push(String(v.value));
    else return fail(ctx, 'EQL011', `'${n.op}' takes literal values`, v.span);
  }
  const cased = n.op === ':' ? false : !n.insensitive;
  if (n.op === 'regex') {
    const args: Expr[] = strs.map((p) => ({
      kind: 'Regex',
      field,
      pattern: `^(?:${p})$`,
      flags: cased ? {} : { i: true },
      span: n.span,
    }));
    return args.length === 1 ? args[0]! : { kind: 'Or', args, span: n.span };
  }
  const values = strs.map((s) => (n.op === 'in' ? literal(s) : wildcardPattern(s)));
  return { kind: 'Compare', field, op: 'eq', values, cased, all: false, span: n.span };
}

function lowerCall(n: Extract<EqlNode, { kind: 'Call' }>, ctx: Ctx): Expr {
  const name = n.name.toLowerCase();
  const [first, ...rest] = n.args;
  const stringOps: Record<string, 'startswith' | 'endswith' | 'contains'> = {
    startswith: 'startswith',
    endswith: 'endswith',
    stringcontains: 'contains',
  };
  if (first?.kind !== 'Field' || rest.length === 0) {
    if (name in stringOps || name === 'wildcard' || name === 'cidrmatch')
      return fail(ctx, 'EQL011', `${n.name}() takes a field and at least one value`, n.span);
  }
  const field = first?.kind === 'Field' ? first.name : '';
  const strs = rest.map((a) => (a.kind === 'String' ? a.value : undefined));
  if (
    strs.some((s) => s === undefined) &&
    (name in stringOps || name === 'wildcard' || name === 'cidrmatch')
  ) {
    return fail(ctx, 'EQL011', `${n.name}() takes string values`, n.span);
  }
  const values = strs as string[];
  const op = stringOps[name];
  if (op) {
    if (op === 'contains' && values.length !== 1)
      return fail(ctx, 'EQL011', 'stringContains() takes one value', n.span);
    return {
      kind: 'Compare',
      field,
      op,
      values: values.map(literal),
      cased: !n.insensitive,
      all: false,
      span: n.span,
    };
  }
  if (name === 'wildcard') {
    return {
      kind: 'Compare',
      field,
      op: 'eq',
      values: values.map(wildcardPattern),
      cased: !n.insensitive,
      all: false,
      span: n.span,
    };
  }
  if (name === 'cidrmatch') return { kind: 'Cidr', field, cidrs: values, span: n.span };
  return fail(ctx, 'EQL011', `the function ${n.name}() is not supported`, n.span);
}
