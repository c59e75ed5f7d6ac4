import type { Span } from '../../diag/span.js';
import type { Expr, NumberOp, Pattern, RegexFlags, StringOp, TimePart } from '../../ir/expr.js';
import type { ConditionAst, DetectionItem, Selection } from './ast.js';
import { SIG } from './codes.js';
import type { Cond } from './condition.js';
import {
  base64,
  base64offset,
  type Encoded,
  expandPlaceholders,
  literalPattern,
  parseSigmaString,
  TIME_PARTS,
  utf16be,
  utf16bom,
  utf16le,
  windash,
} from './modifiers.js';
import { type Diags, globToRegExp } from './parse-rule.js';
import type { YScalar } from './yaml-tree.js';

export interface LowerOptions {
  /** Values for `|expand` placeholders (`%admins%` -> ['alice', 'bob']). */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Lowers a detection (selections + conditions) to the Expr IR. Several conditions are OR-ed.
 * Problems (bad modifier combinations, values of the wrong type, unknown placeholders) are
 * reported through `d`; the result is undefined only when nothing sensible can be built.
 * @example lowerDetection(rule.selections, rule.conditions, diags)
 */
export function lowerDetection(
  selections: ReadonlyMap<string, Selection>,
  conditions: readonly ConditionAst[],
  d: Diags,
  opts: LowerOptions = {},
): Expr | undefined {
  const memo = new Map<string, Expr>();
  const sel = (name: string): Expr => {
    let e = memo.get(name);
    if (!e) {
      const s = selections.get(name);
      e = s ? lowerSelection(s, d, opts) : { kind: 'Const', value: false };
      memo.set(name, e);
    }
    return e;
  };
  const conds: Expr[] = [];
  for (const c of conditions) {
    if (!c.cond) return undefined;
    conds.push(lowerCond(c.cond, selections, sel));
  }
  return conds.length === 1 ? conds[0]! : { kind: 'Or', args: conds };
}

function lowerCond(c: Cond, sels: ReadonlyMap<string, Selection>, sel: (n: string) => Expr): Expr {
  switch (c.kind) {
    case 'Ref':
      return sel(c.name);
    case 'Of': {
      const names =
        c.pattern === undefined
          ? [...sels.keys()].filter((k) => !k.startsWith('_'))
          : [...sels.keys()].filter((k) => globToRegExp(c.pattern!).test(k));
      const args = names.map(sel);
      return c.quant === 'all' ? { kind: 'And', args, span: c.span } : { kind: 'Or', args, span: c.span };
    }
    case 'And':
      return { kind: 'And', args: c.args.map((a) => lowerCond(a, sels, sel)), span: c.span };
    case 'Or':
      return { kind: 'Or', args: c.args.map((a) => lowerCond(a, sels, sel)), span: c.span };
    case 'Not':
      return { kind: 'Not', arg: lowerCond(c.arg, sels, sel), span: c.span };
  }
}

/** A selection: OR over its groups, AND over each group's items. */
export function lowerSelection(s: Selection, d: Diags, opts: LowerOptions = {}): Expr {
  const groups = s.groups.map((g): Expr => {
    const items = g.map((it) => lowerItem(it, d, opts));
    return items.length === 1 ? items[0]! : { kind: 'And', args: items, span: s.span };
  });
  return groups.length === 1 ? groups[0]! : { kind: 'Or', args: groups, span: s.span };
}

const stringOps = new Set(['contains', 'startswith', 'endswith']);
const numberOps = new Set(['lt', 'lte', 'gt', 'gte']);
const encoders = new Set(['base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash']);

interface ItemMods {
  op: StringOp;
  numOp: NumberOp | undefined;
  timePart: TimePart | undefined;
  all: boolean;
  cased: boolean;
  neq: boolean;
  exists: boolean;
  re: boolean;
  flags: { i?: boolean; m?: boolean; s?: boolean };
  cidr: boolean;
  fieldref: boolean;
  expand: boolean;
  encoders: string[];
}

function readMods(it: DetectionItem, d: Diags): ItemMods {
  const m: ItemMods = {
    op: 'eq',
    numOp: undefined,
    timePart: undefined,
    all: false,
    cased: false,
    neq: false,
    exists: false,
    re: false,
    flags: {},
    cidr: false,
    fieldref: false,
    expand: false,
    encoders: [],
  };
  for (const mod of it.modifiers) {
    if (stringOps.has(mod)) {
      if (m.op !== 'eq') d.add(SIG.badModifierCombo, 'error', `'${mod}' cannot follow '${m.op}'`, it.keySpan);
      m.op = mod as StringOp;
    } else if (numberOps.has(mod)) m.numOp = mod as NumberOp;
    else if ((TIME_PARTS as readonly string[]).includes(mod)) m.timePart = mod as TimePart;
    else if (encoders.has(mod)) m.encoders.push(mod);
    else if (mod === 'i' || mod === 'ignorecase') m.flags.i = true;
    else if (mod === 'm' || mod === 'multiline') m.flags.m = true;
    else if (mod === 's' || mod === 'dotall') m.flags.s = true;
    else if (mod === 'all') m.all = true;
    else if (mod === 'cased') m.cased = true;
    else if (mod === 'neq') m.neq = true;
    else if (mod === 'exists') m.exists = true;
    else if (mod === 're') m.re = true;
    else if (mod === 'cidr') m.cidr = true;
    else if (mod === 'fieldref') m.fieldref = true;
    else if (mod === 'expand') m.expand = true;
  }
  if ((m.flags.i || m.flags.m || m.flags.s) && !m.re)
    d.add(SIG.badModifierCombo, 'error', "regex flags 'i', 'm', 's' need 're'", it.keySpan);
  const kinds = [m.re, m.cidr, m.exists, m.fieldref, m.numOp !== undefined && !m.timePart].filter(
    Boolean,
  ).length;
  if (kinds > 1)
    d.add(
      SIG.badModifierCombo,
      'error',
      `modifiers '${it.modifiers.join('|')}' cannot be combined`,
      it.keySpan,
    );
  if ((m.re || m.cidr || m.numOp || m.timePart) && m.op !== 'eq')
    d.add(
      SIG.badModifierCombo,
      'error',
      `'${m.op}' cannot be combined with '${it.modifiers.join('|')}'`,
      it.keySpan,
    );
  return m;
}

function lowerItem(it: DetectionItem, d: Diags, opts: LowerOptions): Expr {
  const span = it.keySpan;
  if (it.field === undefined) {
    // Keyword list: full-text search over the event's values (OR).
    // `'|all': [a, b]` asks for every keyword; other modifiers mean nothing without a field.
    const values = it.values.filter((v) => v.value !== null).map((v) => parseSigmaString(v.text));
    for (const m of it.modifiers)
      if (m !== 'all' && m !== 'contains')
        d.add(
          SIG.badModifierCombo,
          'error',
          `modifier '${m}' needs a field (keyword lists take only 'all')`,
          it.keySpan,
        );
    return { kind: 'Keyword', values, all: it.modifiers.includes('all'), span: it.span };
  }
  const field = it.field;
  const m = readMods(it, d);
  if (m.all && it.values.length === 1)
    d.add(
      SIG.badModifierCombo,
      'warning',
      "'all' with a single value: the specification does not allow it (use a new selection)",
      span,
    );
  if (m.exists) {
    const v = it.values[0];
    if (it.values.length !== 1 || typeof v?.value !== 'boolean') {
      d.add(SIG.badValue, 'error', "'exists' takes true or false", v?.span ?? span);
      return { kind: 'Const', value: false, span };
    }
    const e: Expr = { kind: 'Exists', field, span };
    return v.value ? e : { kind: 'Not', arg: e, span };
  }
  const perValue: Expr[][] = []; // each value -> its alternatives (OR)
  let nulls = 0;
  for (const v of it.values) {
    if (v.value === null) {
      nulls++;
      perValue.push([{ kind: 'IsNull', field, span }]);
      continue;
    }
    perValue.push(lowerValue(field, v, m, d, opts, span));
  }
  let out: Expr;
  if (!m.all) {
    // One Compare with every alternative when they are all plain Compares of the same shape (fast Set lookup).
    const flat = perValue.flat();
    out = mergeCompares(flat, span) ?? (flat.length === 1 ? flat[0]! : { kind: 'Or', args: flat, span });
  } else {
    const args = perValue.map(
      (alts): Expr => (alts.length === 1 ? alts[0]! : { kind: 'Or', args: alts, span }),
    );
    out = args.length === 1 ? args[0]! : { kind: 'And', args, span };
  }
  if (nulls && m.op !== 'eq')
    d.add(SIG.badValue, 'warning', `null with '${m.op}' matches only a missing field`, span);
  return m.neq ? { kind: 'Not', arg: out, span } : out;
}

function mergeCompares(xs: Expr[], span: Span): Expr | undefined {
  if (xs.length < 2) return undefined;
  const first = xs[0]!;
  if (first.kind !== 'Compare') return undefined;
  const values: (Pattern | number)[] = [];
  for (const x of xs) {
    if (
      x.kind !== 'Compare' ||
      x.field !== first.field ||
      x.op !== first.op ||
      x.cased !== first.cased ||
      x.timePart !== first.timePart
    )
      return undefined;
    values.push(...x.values);
  }
  return { ...first, values, all: false, span };
}

function lowerValue(
  field: string,
  v: YScalar,
  m: ItemMods,
  d: Diags,
  opts: LowerOptions,
  _span: Span,
): Expr[] {
  const text = typeof v.value === 'string' ? v.value : v.text;
  if (m.re) {
    const flags: RegexFlags = m.flags;
    return [{ kind: 'Regex', field, pattern: text, flags, span: v.span }];
  }
  if (m.cidr) return [{ kind: 'Cidr', field, cidrs: [text], span: v.span }];
  if (m.fieldref) return [{ kind: 'FieldRef', field, other: text, op: m.op, cased: m.cased, span: v.span }];
  if (m.numOp || m.timePart) {
    const n = typeof v.value === 'number' ? v.value : Number(text);
    if (typeof v.value === 'boolean' || text.trim() === '' || Number.isNaN(n)) {
      d.add(SIG.badNumber, 'error', `'${m.numOp ?? m.timePart}' needs a number, got '${text}'`, v.span);
      return [{ kind: 'Const', value: false, span: v.span }];
    }
    return [
      {
        kind: 'Compare',
        field,
        op: m.numOp ?? 'eq',
        values: [n],
        cased: false,
        all: false,
        ...(m.timePart ? { timePart: m.timePart } : {}),
        span: v.span,
      },
    ];
  }
  // String-like: expand -> windash -> encodings, in modifier order for the encodings.
  let texts = [text];
  if (m.expand) {
    const { values, missing } = expandPlaceholders(text, opts.placeholders ?? {});
    if (missing.length) {
      d.add(
        SIG.unknownPlaceholder,
        'warning',
        `no values for placeholder${missing.length > 1 ? 's' : ''} ${missing.map((x) => `%${x}%`).join(', ')}: this value never matches`,
        v.span,
        'supply them with a placeholders file (--sigma-placeholders)',
      );
      return [{ kind: 'Const', value: false, span: v.span }];
    }
    texts = values;
  }
  const encoded = m.encoders.some((e) => e !== 'windash');
  let vals: Encoded[] = texts.map((t) => ({ text: t, bytes: false }));
  for (const e of m.encoders) {
    switch (e) {
      case 'windash':
        vals = vals.flatMap((x) => windash(x.text).map((t) => ({ text: t, bytes: x.bytes })));
        break;
      case 'base64':
        vals = vals.map(base64);
        break;
      case 'base64offset':
        vals = vals.flatMap(base64offset);
        break;
      case 'utf16le':
      case 'wide':
        vals = vals.map(utf16le);
        break;
      case 'utf16be':
        vals = vals.map(utf16be);
        break;
      case 'utf16':
        vals = vals.map(utf16bom);
        break;
    }
  }
  const patterns = vals.map((x) => (encoded ? literalPattern(x.text) : parseSigmaString(x.text)));
  return [{ kind: 'Compare', field, op: m.op, values: patterns, cased: m.cased, all: false, span: v.span }];
}
