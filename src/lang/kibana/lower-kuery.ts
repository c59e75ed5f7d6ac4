import type { Diagnostic } from '../../diag/diagnostic.js';
import { assertNever, type Expr, literal, type Pattern, type PatternPart } from '../../ir/expr.js';
import { isStarLiteral, type KqlLiteral, type KqlNode, type KqlValue } from './ast.js';
import { ecsFieldKind, type FieldKind } from './field-types.js';

export interface LowerKueryOptions {
  /** Classifies a field as keyword or analyzed text (default: `ecsFieldKind`). */
  readonly fieldKind?: (field: string) => { kind: FieldKind; field: string };
  /** Text the spans point into, for diagnostics. */
  readonly source?: string;
  /**
   * How `field:{ ... }` lowers. `element` (what detection uses): the inner query must hold on one
   * element of `field` (Elasticsearch nested semantics), through a virtual field (`nestedField`)
   * that `nestedResolver` evaluates. `prefix` (default, for consumers such as rule converters
   * that read plain IR fields): inner fields are prefixed with `field.`, so conditions may hold
   * on different elements.
   */
  readonly nested?: 'element' | 'prefix';
}

/**
 * Lowers a Kibana query syntax tree to the event-matching IR, with Elasticsearch semantics:
 * - `field:value` on a keyword field is an exact, case-sensitive match (`*` wildcards too);
 *   quoted phrases never have wildcards; on a text field it is an analyzed word match
 *   (see field-types.ts);
 * - `field:*` is an exists query; `not field:*` matches a missing or null field;
 * - a multi-valued field matches when any element matches (the engine's fan-out);
 * - `field:{ a:1 and b:2 }` (nested), with `nested: 'element'`, holds when one element of `field`
 *   satisfies the whole inner query (Elasticsearch `nested` semantics): it lowers to a test of a
 *   virtual field (`nestedField`) carrying the element path and the inner expression, read by
 *   `nestedResolver`; with the default `prefix` inner fields are prefixed with `field.`;
 * - free text (a value with no field) searches every string value of the event for the value,
 *   case-insensitively (the engine's Keyword search; Elasticsearch searches every field);
 * - ranges compare numbers; a non-numeric range bound is reported (KQL020).
 * An empty query (undefined AST) matches every event.
 * @example lowerKuery(parseKuery('verb:create').ast) // { kind: 'Compare', field: 'verb', op: 'eq', cased: true, ... }
 */
export function lowerKuery(
  ast: KqlNode | undefined,
  opts: LowerKueryOptions = {},
): { expr: Expr; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ctx: Ctx = {
    kindOf: opts.fieldKind ?? ecsFieldKind,
    diagnostics,
    source: opts.source,
    nested: opts.nested ?? 'prefix',
  };
  const expr: Expr = ast ? lowerNode(ast, '', ctx) : { kind: 'Const', value: true };
  return { expr, diagnostics };
}

interface Ctx {
  readonly kindOf: (field: string) => { kind: FieldKind; field: string };
  readonly diagnostics: Diagnostic[];
  readonly source: string | undefined;
  readonly nested: 'element' | 'prefix';
}

function lowerNode(n: KqlNode, prefix: string, ctx: Ctx): Expr {
  switch (n.kind) {
    case 'Or':
      return { kind: 'Or', args: n.args.map((a) => lowerNode(a, prefix, ctx)), span: n.span };
    case 'And':
      return { kind: 'And', args: n.args.map((a) => lowerNode(a, prefix, ctx)), span: n.span };
    case 'Not':
      return { kind: 'Not', arg: lowerNode(n.arg, prefix, ctx), span: n.span };
    case 'Field':
      return lowerValue(n.value, prefix + n.field, ctx);
    case 'Text':
      return lowerText(n.value);
    case 'Range': {
      const num = Number(n.value.text);
      if (n.value.text.trim() === '' || !Number.isFinite(num)) {
        ctx.diagnostics.push({
          code: 'KQL020',
          severity: 'error',
          message: `range bound '${n.value.text}' is not a number; only numeric ranges are supported`,
          span: n.value.span,
          ...(ctx.source !== undefined ? { source: ctx.source } : {}),
        });
        return { kind: 'Const', value: false, span: n.span };
      }
      return {
        kind: 'Compare',
        field: ctx.kindOf(prefix + n.field).field,
        op: n.op,
        values: [num],
        cased: true,
        all: false,
        span: n.span,
      };
    }
    case 'Nested': {
      if (ctx.nested === 'prefix')
        return { ...lowerNode(n.query, `${prefix}${n.field}.`, ctx), span: n.span };
      // Inner fields are relative to one element; their kind is that of the full path.
      const path = ctx.kindOf(prefix + n.field).field;
      const inner: Ctx = {
        ...ctx,
        kindOf: (f) => {
          const k = ctx.kindOf(`${path}.${f}`);
          return { kind: k.kind, field: k.field.startsWith(`${path}.`) ? k.field.slice(path.length + 1) : f };
        },
      };
      const expr = lowerNode(n.query, '', inner);
      return {
        kind: 'Compare',
        field: nestedField({ path, expr }),
        op: 'eq',
        values: [literal('true')],
        cased: true,
        all: false,
        span: n.span,
      };
    }
    default:
      return assertNever(n);
  }
}

function lowerValue(v: KqlValue, field: string, ctx: Ctx): Expr {
  switch (v.kind) {
    case 'ValueOr':
      return { kind: 'Or', args: v.args.map((a) => lowerValue(a, field, ctx)), span: v.span };
    case 'ValueAnd':
      return { kind: 'And', args: v.args.map((a) => lowerValue(a, field, ctx)), span: v.span };
    case 'ValueNot':
      return { kind: 'Not', arg: lowerValue(v.arg, field, ctx), span: v.span };
    case 'Literal':
      return lowerLiteral(v, field, ctx);
    default:
      return assertNever(v);
  }
}

function lowerLiteral(l: KqlLiteral, rawField: string, ctx: Ctx): Expr {
  const { kind, field } = ctx.kindOf(rawField);
  if (isStarLiteral(l)) return { kind: 'Exists', field, span: l.span };
  if (kind === 'text') return textMatch(l, field);
  const pattern: Pattern = { parts: l.quoted ? [l.text] : l.parts };
  return { kind: 'Compare', field, op: 'eq', values: [pattern], cased: true, all: false, span: l.span };
}

function lowerText(l: KqlLiteral): Expr {
  if (isStarLiteral(l)) return { kind: 'Const', value: true, span: l.span };
  return { kind: 'Keyword', values: [{ parts: l.quoted ? [l.text] : l.parts }], all: false, span: l.span };
}

/**
 * Analyzed-text match, approximating Elasticsearch's standard analyzer with word-boundary regexes:
 * a phrase is its words in order, separated by non-word characters; unquoted words match any word
 * (`match` with operator `or`); `*` in unquoted words matches word characters.
 */
function textMatch(l: KqlLiteral, field: string): Expr {
  const flags = { i: true };
  if (l.quoted) {
    const words = l.text.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
    if (words.length === 0) return { kind: 'Const', value: false, span: l.span };
    const pattern = `\\b${words.map(escapeRegex).join('[^\\pL\\pN_]+')}\\b`;
    return { kind: 'Regex', field, pattern, flags, span: l.span };
  }
  const words = splitWords(l.parts);
  if (words.length === 0) return { kind: 'Const', value: false, span: l.span };
  const args: Expr[] = words.map((w) => ({
    kind: 'Regex',
    field,
    pattern: `\\b${w.map((p) => (typeof p === 'string' ? escapeRegex(p) : '[\\pL\\pN_]*')).join('')}\\b`,
    flags,
    span: l.span,
  }));
  return args.length === 1 ? args[0]! : { kind: 'Or', args, span: l.span };
}

/** Splits pattern parts into words at whitespace and punctuation (wildcards stay inside words). */
function splitWords(parts: readonly PatternPart[]): PatternPart[][] {
  const out: PatternPart[][] = [];
  let cur: PatternPart[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') {
      cur.push(p);
      continue;
    }
    const pieces = p.split(/[^\p{L}\p{N}_]+/u);
    pieces.forEach((piece, i) => {
      if (i > 0 && cur.length) {
        out.push(cur);
        cur = [];
      }
      if (piece) cur.push(piece);
    });
  }
  if (cur.length) out.push(cur);
  return out;
}

const escapeRegex = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** A nested query: `expr` (fields relative to one element) must hold on one element at `path`. */
export interface NestedQuery {
  readonly path: string;
  readonly expr: Expr;
}

const nestedPrefix = '\u0000kql-nested:';

/**
 * The virtual field name that stands for a nested query in the IR: it reads 'true' when an element
 * matches (see `nestedResolver`). The name carries the query, so the IR stays self-contained.
 * @example nestedField({ path: 'a', expr }) // '\u0000kql-nested:{"path":"a",...}'
 */
export function nestedField(q: NestedQuery): string {
  return nestedPrefix + JSON.stringify(q);
}

/**
 * The nested query behind a virtual field name, or undefined for an ordinary field.
 * @example parseNestedField(nestedField(q))?.path === q.path
 */
export function parseNestedField(field: string): NestedQuery | undefined {
  if (!field.startsWith(nestedPrefix)) return undefined;
  return JSON.parse(field.slice(nestedPrefix.length)) as NestedQuery;
}

/**
 * Wraps a field resolver so that nested-query fields evaluate their inner query on each element
 * of the nested array (Elasticsearch nested semantics: all conditions on the same element).
 * `compile` compiles the inner expression against a resolver of element fields.
 * @example compileExpr(expr, nestedResolver(ecsResolver, (e, r) => compileExpr(e, r).match))
 */
export function nestedResolver<G extends (ev: E) => unknown, E extends object>(
  base: (field: string) => G | undefined,
  compile: (expr: Expr, resolve: (field: string) => ((ev: E) => unknown) | undefined) => (ev: E) => boolean,
): (field: string) => ((ev: E) => unknown) | undefined {
  return (field) => {
    const q = parseNestedField(field);
    if (!q) return base(field);
    const items = base(q.path);
    if (!items) return undefined;
    return elementTest(q, (ev) => items(ev), compile);
  };
}

function elementTest<E extends object>(
  q: NestedQuery,
  items: (ev: E) => unknown,
  compile: (expr: Expr, resolve: (field: string) => ((ev: E) => unknown) | undefined) => (ev: E) => boolean,
): (ev: E) => unknown {
  // The inner getters read the element under test; each element is tested through a fresh copy of
  // the event so that per-event memos of field values never carry over between elements.
  let current: unknown;
  const read = (steps: readonly string[]) => (): unknown => walkElement(current, steps, 0);
  const elementField = (f: string): ((ev: E) => unknown) | undefined => {
    const sub = parseNestedField(f);
    if (sub) return elementTest(sub, read(sub.path.split('.')), compile);
    return read(f.split('.'));
  };
  const match = compile(q.expr, elementField);
  return (ev) => {
    const v = items(ev);
    const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    const saved = current;
    try {
      for (const el of list) {
        current = el;
        if (match({ ...ev })) return 'true';
      }
      return 'false';
    } finally {
      current = saved;
    }
  };
}

/** Dotted path into one element: arrays fan out, keys containing dots are tried on a miss. */
function walkElement(v: unknown, steps: readonly string[], from: number): unknown {
  if (from === steps.length) return v;
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const r = walkElement(x, steps, from);
      if (Array.isArray(r)) out.push(...r);
      else if (r !== undefined) out.push(r);
    }
    return out.length ? out : undefined;
  }
  const o = v as Record<string, unknown>;
  let key = steps[from]!;
  if (o[key] !== undefined) return walkElement(o[key], steps, from + 1);
  for (let j = from + 1; j < steps.length; j++) {
    key += `.${steps[j]!}`;
    if (o[key] !== undefined) return walkElement(o[key], steps, j + 1);
  }
  return undefined;
}
