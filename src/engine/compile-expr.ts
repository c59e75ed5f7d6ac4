import { RE2JS } from 're2js';
import type { Diagnostic } from '../diag/diagnostic.js';
import type { Span } from '../diag/span.js';
import {
  assertNever,
  type Compare,
  type Expr,
  isLiteral,
  type NumberOp,
  type Pattern,
  patternText,
  type RegexFlags,
  type StringOp,
} from '../ir/expr.js';
import type { AuditEvent, Getter } from '../model/event.js';
import { type CidrRange, inCidr, parseCidr, parseIp } from './cidr.js';
import { type FieldSlot, FieldTable } from './field-table.js';
import { compileGlob, type StringTest } from './glob.js';
import { PayloadStrings } from './payload-strings.js';
import { timePartOf } from './time-part.js';

/** A compiled predicate over one event. */
export type Matcher = (ev: AuditEvent) => boolean;

/** Diagnostic codes the engine reports, so each front end can keep its own code space. */
export interface EngineCodes {
  /** The resolver does not know a field (the test then sees the field as missing). */
  readonly unknownField: string;
  readonly badRegex: string;
  readonly badCidr: string;
  readonly badNumber: string;
}

export interface CompileOptions {
  /** Share field extraction and lower-casing across rules: compile every rule of a scan with one table. */
  readonly table?: FieldTable;
  /** Shared keyword-search memo (one payload walk per event for all keyword rules). */
  readonly payload?: PayloadStrings;
  /** Longest regex accepted (characters). Default 4096. */
  readonly maxRegexLength?: number;
  readonly codes?: Partial<EngineCodes>;
  /** Where spans in the IR point, for diagnostics. */
  readonly file?: string;
  readonly source?: string;
}

export interface CompiledExpr {
  readonly match: Matcher;
  readonly diagnostics: Diagnostic[];
}

const defaultCodes: EngineCodes = {
  unknownField: 'ENG001',
  badRegex: 'ENG002',
  badCidr: 'ENG003',
  badNumber: 'ENG004',
};

/**
 * Compiles an IR expression into a closure over AuditEvent. Fields are resolved once, here.
 *
 * Semantics (shared by Sigma and the Kibana query language):
 * - a field whose value is an array matches when any element matches; `all` on a Compare means
 *   every listed value must match some element;
 * - string tests are case-insensitive unless `cased`; needles are lower-cased here, once, and event
 *   values once per field per event through the shared FieldTable;
 * - numbers and booleans in the event compare with their string form (`201` matches "201"), and a
 *   numeric needle also equals a numerically equal event number (`1.0` = 1);
 * - wildcards compile to `===`/`startsWith`/`endsWith`/`includes` when possible, else a
 *   non-backtracking segment matcher (glob.ts);
 * - regexes run on re2js (linear time), unanchored (a match anywhere, as Sigma backends do), case-
 *   sensitive unless flag `i`; `m` makes `^`/`$` match at line breaks; `s` lets `.` match newline;
 * - Keyword: any payload string contains the pattern (case-insensitive).
 * A bad regex or CIDR is reported and compiles to "never matches"; nothing throws on user input.
 * @example
 * const { match } = compileExpr({ kind: 'Compare', field: 'audit.verb', op: 'eq', values: [literal('create')],
 *   cased: false, all: false }, (f) => pathGetter(f));
 */
export function compileExpr(
  expr: Expr,
  resolve: (field: string) => Getter | undefined,
  opts: CompileOptions = {},
): CompiledExpr {
  const ctx: Ctx = {
    table: opts.table ?? new FieldTable(resolve),
    payload: opts.payload ?? new PayloadStrings(),
    maxRegex: opts.maxRegexLength ?? 4096,
    codes: { ...defaultCodes, ...opts.codes },
    diagnostics: [],
    file: opts.file,
    source: opts.source,
    warned: new Set(),
  };
  const match = compile(expr, ctx);
  return { match, diagnostics: ctx.diagnostics };
}

interface Ctx {
  readonly table: FieldTable;
  readonly payload: PayloadStrings;
  readonly maxRegex: number;
  readonly codes: EngineCodes;
  readonly diagnostics: Diagnostic[];
  readonly file: string | undefined;
  readonly source: string | undefined;
  readonly warned: Set<string>;
}

const never: Matcher = () => false;
const always: Matcher = () => true;

function report(
  ctx: Ctx,
  code: string,
  severity: Diagnostic['severity'],
  message: string,
  span?: Span,
): void {
  ctx.diagnostics.push({
    code,
    severity,
    message,
    ...(span ? { span } : {}),
    ...(ctx.file !== undefined ? { file: ctx.file } : {}),
    ...(ctx.source !== undefined ? { source: ctx.source } : {}),
  });
}

function slotOf(ctx: Ctx, field: string, span?: Span): FieldSlot | undefined {
  const s = ctx.table.slot(field);
  if (!s && !ctx.warned.has(field)) {
    ctx.warned.add(field);
    report(
      ctx,
      ctx.codes.unknownField,
      'warning',
      `unknown field '${field}': it never has a value here`,
      span,
    );
  }
  return s;
}

function compile(e: Expr, ctx: Ctx): Matcher {
  switch (e.kind) {
    case 'And': {
      const fs = e.args.map((a) => compile(a, ctx));
      if (fs.length === 0) return always;
      if (fs.length === 1) return fs[0]!;
      if (fs.length === 2) {
        const [a, b] = fs as [Matcher, Matcher];
        return (ev) => a(ev) && b(ev);
      }
      return (ev) => {
        for (const f of fs) if (!f(ev)) return false;
        return true;
      };
    }
    case 'Or': {
      const fs = e.args.map((a) => compile(a, ctx));
      if (fs.length === 0) return never;
      if (fs.length === 1) return fs[0]!;
      if (fs.length === 2) {
        const [a, b] = fs as [Matcher, Matcher];
        return (ev) => a(ev) || b(ev);
      }
      return (ev) => {
        for (const f of fs) if (f(ev)) return true;
        return false;
      };
    }
    case 'Not': {
      const f = compile(e.arg, ctx);
      return (ev) => !f(ev);
    }
    case 'Const':
      return e.value ? always : never;
    case 'Exists': {
      const s = slotOf(ctx, e.field, e.span);
      if (!s) return never;
      return (ev) => {
        const v = s.get(ev);
        return v !== undefined && v !== null;
      };
    }
    case 'IsNull': {
      const s = slotOf(ctx, e.field, e.span);
      if (!s) return always;
      return (ev) => {
        const v = s.get(ev);
        return v === undefined || v === null;
      };
    }
    case 'Compare':
      return compileCompare(e, ctx);
    case 'Regex':
      return compileRegex(e.field, e.pattern, e.flags, ctx, e.span);
    case 'Cidr':
      return compileCidr(e.field, e.cidrs, ctx, e.span);
    case 'FieldRef':
      return compileFieldRef(e.field, e.other, e.op, e.cased, ctx, e.span);
    case 'Keyword': {
      const tests = e.values.map((p) => compileGlob('contains', p, true));
      const payload = ctx.payload;
      const one = (t: StringTest) => (ev: AuditEvent) => payload.lower(ev).some(t);
      const fs = tests.map(one);
      return e.all ? (ev) => fs.every((f) => f(ev)) : (ev) => fs.some((f) => f(ev));
    }
    default:
      return assertNever(e);
  }
}

const isNumberOp = (op: StringOp | NumberOp): op is NumberOp =>
  op === 'lt' || op === 'lte' || op === 'gt' || op === 'gte';

const numeric = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Number of a scalar: numbers as-is, numeric strings parsed; NaN otherwise. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && numeric.test(v)) return Number(v);
  return Number.NaN;
}

function numberTest(op: NumberOp, n: number): (x: number) => boolean {
  switch (op) {
    case 'lt':
      return (x) => x < n;
    case 'lte':
      return (x) => x <= n;
    case 'gt':
      return (x) => x > n;
    case 'gte':
      return (x) => x >= n;
    default:
      return assertNever(op);
  }
}

/** Combines per-value tests: any value (default) or every value (`all`). */
function combine(tests: Matcher[], all: boolean): Matcher {
  if (tests.length === 0) return never;
  if (tests.length === 1) return tests[0]!;
  return all ? (ev) => tests.every((t) => t(ev)) : (ev) => tests.some((t) => t(ev));
}

function compileCompare(e: Compare, ctx: Ctx): Matcher {
  const s = slotOf(ctx, e.field, e.span);
  if (!s) return never;
  if (e.timePart) return compileTimePart(e, s, ctx);
  if (isNumberOp(e.op)) {
    const op = e.op;
    const tests: Matcher[] = [];
    for (const v of e.values) {
      const n = typeof v === 'number' ? v : toNumber(patternText(v));
      if (Number.isNaN(n)) {
        report(
          ctx,
          ctx.codes.badNumber,
          'error',
          `'${op}' needs a number, got '${String(typeof v === 'number' ? v : patternText(v))}'`,
          e.span,
        );
        continue;
      }
      const t = numberTest(op, n);
      tests.push((ev) => anyNumber(s.get(ev), t));
    }
    return combine(tests, e.all);
  }
  const op = e.op;
  const fold = !e.cased;
  const tests: Matcher[] = [];
  // Without `all`, merge every plain-equality needle into one Set lookup (common: verb: [create, update, patch]).
  const eqSet = new Set<string>();
  for (const v of e.values) {
    const p: Pattern = typeof v === 'number' ? { parts: [String(v)] } : v;
    if (!e.all && op === 'eq' && isLiteral(p)) {
      const lit = patternText(p);
      eqSet.add(fold ? lit.toLowerCase() : lit);
      const n = toNumber(lit);
      if (!Number.isNaN(n) && String(n) !== lit) eqSet.add(String(n)); // `1.0` also equals event number 1
      continue;
    }
    const t = compileGlob(op, p, fold);
    tests.push(fold ? (ev) => s.lower(ev).some(t) : (ev) => s.strings(ev).some(t));
  }
  if (eqSet.size > 0) {
    if (eqSet.size === 1) {
      const only = [...eqSet][0]!;
      tests.unshift(
        fold
          ? (ev) => {
              const xs = s.lower(ev);
              for (let i = 0; i < xs.length; i++) if (xs[i] === only) return true;
              return false;
            }
          : (ev) => s.strings(ev).includes(only),
      );
    } else {
      tests.unshift((ev) => {
        const xs = fold ? s.lower(ev) : s.strings(ev);
        for (let i = 0; i < xs.length; i++) if (eqSet.has(xs[i]!)) return true;
        return false;
      });
    }
  }
  return combine(tests, e.all);
}

function anyNumber(v: unknown, t: (x: number) => boolean): boolean {
  if (Array.isArray(v)) {
    for (const x of v) {
      const n = toNumber(x);
      if (!Number.isNaN(n) && t(n)) return true;
    }
    return false;
  }
  const n = toNumber(v);
  return !Number.isNaN(n) && t(n);
}

function compileTimePart(e: Compare, s: FieldSlot, ctx: Ctx): Matcher {
  const part = e.timePart!;
  const tests: ((x: number) => boolean)[] = [];
  for (const v of e.values) {
    const n = typeof v === 'number' ? v : toNumber(patternText(v));
    if (Number.isNaN(n)) {
      report(ctx, ctx.codes.badNumber, 'error', `'${part}' compares with a number`, e.span);
      continue;
    }
    tests.push(isNumberOp(e.op) ? numberTest(e.op, n) : (x) => x === n);
  }
  if (tests.length === 0) return never;
  const parts = (ev: AuditEvent): number[] => {
    const v = s.get(ev);
    const xs = Array.isArray(v) ? v : [v];
    const out: number[] = [];
    for (const x of xs) {
      const p = timePartOf(x, part);
      if (p !== undefined) out.push(p);
    }
    return out;
  };
  return e.all
    ? (ev) => {
        const ps = parts(ev);
        return tests.every((t) => ps.some(t));
      }
    : (ev) => {
        const ps = parts(ev);
        return tests.some((t) => ps.some(t));
      };
}

function compileRegex(field: string, pattern: string, flags: RegexFlags, ctx: Ctx, span?: Span): Matcher {
  if (pattern.length > ctx.maxRegex) {
    report(
      ctx,
      ctx.codes.badRegex,
      'error',
      `regular expression longer than ${ctx.maxRegex} characters`,
      span,
    );
    return never;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(
      pattern,
      (flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (flags.m ? RE2JS.MULTILINE : 0) | (flags.s ? RE2JS.DOTALL : 0),
    );
  } catch (err) {
    report(ctx, ctx.codes.badRegex, 'error', `invalid regular expression: ${(err as Error).message}`, span);
    return never;
  }
  const s = slotOf(ctx, field, span);
  if (!s) return never;
  return (ev) => s.strings(ev).some((x) => re.test(x));
}

function compileCidr(field: string, cidrs: readonly string[], ctx: Ctx, span?: Span): Matcher {
  const ranges: CidrRange[] = [];
  for (const c of cidrs) {
    const r = parseCidr(c.trim());
    if (r) ranges.push(r);
    else report(ctx, ctx.codes.badCidr, 'error', `invalid CIDR range '${c}'`, span);
  }
  const s = slotOf(ctx, field, span);
  if (!s || ranges.length === 0) return never;
  return (ev) => {
    for (const x of s.strings(ev)) {
      const ip = parseIp(x);
      if (ip && ranges.some((r) => inCidr(ip, r))) return true;
    }
    return false;
  };
}

function compileFieldRef(
  field: string,
  other: string,
  op: StringOp,
  cased: boolean,
  ctx: Ctx,
  span?: Span,
): Matcher {
  const a = slotOf(ctx, field, span);
  const b = slotOf(ctx, other, span);
  if (!a || !b) return never;
  const get = (s: FieldSlot, ev: AuditEvent) => (cased ? s.strings(ev) : s.lower(ev));
  const test = (x: string, y: string): boolean => {
    switch (op) {
      case 'eq':
        return x === y;
      case 'contains':
        return x.includes(y);
      case 'startswith':
        return x.startsWith(y);
      case 'endswith':
        return x.endsWith(y);
      default:
        return assertNever(op);
    }
  };
  return (ev) => {
    const ys = get(b, ev);
    if (ys.length === 0) return false;
    return get(a, ev).some((x) => ys.some((y) => test(x, y)));
  };
}
