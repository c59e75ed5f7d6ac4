import type { BinaryOp, ColumnDef, KType, LiteralValue, Query, Scalar, StringOp } from '../../ir/query.js';
import { aggregateNames, canonicalFunction, scalarFunctionNames } from './functions.js';
import { childScope, type LowerCtx, nodeSpan, report } from './lower-context.js';
import { literalNumber, nodeText, parseDatetimeText, parseTimespanText } from './literals.js';
import { type KNode, ktypeOf } from './syntax-tree.js';

/** Hook to lower a tabular expression met inside a scalar (toscalar, `in (T | ...)`); set by lower-query. */
export type TabularLowerer = (node: KNode, ctx: LowerCtx) => Query;

const binaryOps: Readonly<Record<string, BinaryOp>> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '==': 'eq',
  '!=': 'ne',
  '<>': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '=~': 'eq_ci',
  '!~': 'ne_ci',
  and: 'and',
  or: 'or',
};

const stringOps: ReadonlySet<string> = new Set([
  'has',
  'hasprefix',
  'hassuffix',
  'contains',
  'startswith',
  'endswith',
]);

const lit = (value: LiteralValue, type: KType, n?: KNode): Scalar =>
  n ? { kind: 'Literal', value, type, span: nodeSpan(n) } : { kind: 'Literal', value, type };

/** The identifier text of a name node (TokenName / BracketedName / NameDeclaration / NameReference). */
export function nameOf(n: KNode | undefined, source: string): string {
  if (!n) return '';
  if (n.kind === 'NameDeclaration' || n.kind === 'NameReference') return nameOf(n.props.Name, source);
  if (n.kind === 'TokenName') return n.props.Name?.text ?? '';
  if (n.kind === 'BracketedName') {
    const inner = n.props.Name;
    if (inner?.kind === 'StringLiteralToken') return unquote(inner.text ?? '');
    return unquote(
      nodeText(source, n)
        .replace(/^\[|\]$/g, '')
        .trim(),
    );
  }
  if (n.text !== undefined) return n.text;
  return nodeText(source, n).trim();
}

function unquote(s: string): string {
  const t = s.trim();
  if ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"'))) return t.slice(1, -1);
  return t;
}

/** Items of an ExpressionList / List node. */
export const listItems = (n: KNode | undefined): readonly KNode[] =>
  !n ? [] : n.kind === 'List' ? (n.items ?? []) : (n.props.Expressions?.items ?? []);

/**
 * Lowers a scalar expression of the official tree to the IR. Never throws: problems become
 * diagnostics and a null literal stands in.
 * @example lowerScalar(whereNode.props.Condition, inputColumns, ctx, lowerTabular)
 */
export function lowerScalar(
  n: KNode,
  cols: readonly ColumnDef[],
  ctx: LowerCtx,
  tab: TabularLowerer,
): Scalar {
  const sub = ctx.substitutions?.get(`${n.start}:${n.end}:${n.kind}`);
  if (sub) return sub;
  const type = ktypeOf(n.type);
  const s = nodeSpan(n);
  const rec = (x: KNode) => lowerScalar(x, cols, ctx, tab);
  switch (n.kind) {
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
      return lit(typeof n.value === 'string' ? n.value : '', 'string', n);
    case 'LongLiteralExpression':
    case 'IntLiteralExpression':
    case 'RealLiteralExpression':
    case 'DecimalLiteralExpression': {
      const t = nodeText(ctx.source, n).trim();
      if (/nan\s*\)$/i.test(t)) return lit(Number.NaN, type, n);
      if (/\+?inf\s*\)$/i.test(t)) return lit(/-inf/i.test(t) ? -Infinity : Infinity, type, n);
      return lit(literalNumber(n.value), type, n);
    }
    case 'BooleanLiteralExpression': {
      const t = nodeText(ctx.source, n).toLowerCase();
      return lit(/null/.test(t) ? null : /true/.test(t), 'bool', n);
    }
    case 'NullLiteralExpression':
      return lit(null, 'dynamic', n);
    case 'DateTimeLiteralExpression': {
      const v = parseDatetimeText(nodeText(ctx.source, n));
      if (v === undefined) report(ctx, n, 'KUS004', 'unreadable datetime literal');
      return lit(v ?? null, 'datetime', n);
    }
    case 'TimespanLiteralExpression': {
      const v = parseTimespanText(nodeText(ctx.source, n));
      if (v === undefined) report(ctx, n, 'KUS004', 'unreadable timespan literal');
      return lit(v ?? null, 'timespan', n);
    }
    case 'GuidLiteralExpression': {
      const m = /\(\s*(.*?)\s*\)/.exec(nodeText(ctx.source, n));
      const g = m?.[1] ?? '';
      return lit(/^null$/i.test(g) ? null : g, 'guid', n);
    }
    case 'DynamicExpression':
      return lit(jsonValue(n.props.Expression, cols, ctx, tab), 'dynamic', n);
    case 'TokenLiteralExpression':
      return lit(n.value === undefined ? nodeText(ctx.source, n) : String(n.value), 'string', n);
    case 'ParenthesizedExpression':
    case 'BracketedExpression':
      return n.props.Expression ? rec(n.props.Expression) : lit(null, 'dynamic', n);
    case 'NameReference':
      return lowerName(n, cols, ctx, tab);
    case 'PathExpression': {
      const target = n.props.Expression;
      const sel = n.props.Selector;
      if (!target || !sel) return lit(null, 'dynamic', n);
      if (target.symbol?.kind === 'Tuple' || target.columns) {
        // `$left.x`, `T.x`: a column of that row
        return { kind: 'Column', name: nameOf(sel, ctx.source), type, span: s };
      }
      return {
        kind: 'Member',
        target: rec(target),
        key: lit(nameOf(sel, ctx.source), 'string', sel),
        type: 'dynamic',
        span: s,
      };
    }
    case 'ElementExpression': {
      const target = n.props.Expression;
      const sel = n.props.Selector;
      if (!target || !sel) return lit(null, 'dynamic', n);
      return { kind: 'Member', target: rec(target), key: rec(sel), type: 'dynamic', span: s };
    }
    case 'UnaryMinusExpression':
      return { kind: 'Negate', arg: rec(n.props.Expression ?? n), type, span: s };
    case 'UnaryPlusExpression':
      return rec(n.props.Expression ?? n);
    case 'ToScalarExpression':
      return { kind: 'ToScalar', query: tab(n.props.Expression ?? n, ctx), type, span: s };
    case 'FunctionCallExpression':
      return lowerCall(n, cols, ctx, tab);
    case 'BetweenExpression':
    case 'NotBetweenExpression': {
      const couple = n.props.Right;
      return {
        kind: 'Between',
        value: rec(n.props.Left ?? n),
        low: couple?.props.First ? rec(couple.props.First) : lit(null, 'dynamic'),
        high: couple?.props.Second ? rec(couple.props.Second) : lit(null, 'dynamic'),
        negated: opText(n) === '!between',
        type: 'bool',
        span: s,
      };
    }
    case 'StarExpression':
      report(ctx, n, 'KUS010', "'*' is not supported here");
      return lit(null, 'dynamic', n);
    default:
      if (n.props.Left && n.props.Operator && n.props.Right) return lowerBinary(n, cols, ctx, tab);
      report(ctx, n, 'KUS010', `expression '${n.kind}' is not supported by auditscope`);
      return lit(null, 'dynamic', n);
  }
}

const opText = (n: KNode): string => (n.props.Operator?.text ?? '').toLowerCase().replace(/\s+/g, ' ');

function lowerBinary(n: KNode, cols: readonly ColumnDef[], ctx: LowerCtx, tab: TabularLowerer): Scalar {
  const rec = (x: KNode) => lowerScalar(x, cols, ctx, tab);
  const op = opText(n);
  const s = nodeSpan(n);
  const left = n.props.Left as KNode;
  const right = n.props.Right as KNode;
  const bop = binaryOps[op];
  if (bop)
    return { kind: 'Binary', op: bop, left: rec(left), right: rec(right), type: ktypeOf(n.type), span: s };
  if (op === 'in' || op === '!in' || op === 'in~' || op === '!in~') {
    return {
      kind: 'In',
      value: rec(left),
      list: inList(right, cols, ctx, tab),
      ci: op.endsWith('~'),
      negated: op.startsWith('!'),
      type: 'bool',
      span: s,
    };
  }
  const hasAny = /^(has_any|has_all)(_cs)?$/.exec(op);
  if (hasAny) {
    return {
      kind: 'HasAny',
      value: rec(left),
      list: inList(right, cols, ctx, tab),
      all: hasAny[1] === 'has_all',
      cs: Boolean(hasAny[2]),
      type: 'bool',
      span: s,
    };
  }
  if (op === 'matches regex') {
    return {
      kind: 'StrOp',
      op: 'matches_regex',
      cs: true,
      negated: false,
      left: rec(left),
      right: rec(right),
      type: 'bool',
      span: s,
    };
  }
  const m = /^(!)?([a-z]+)(_cs)?$/.exec(op);
  if (m && stringOps.has(m[2] ?? '')) {
    return {
      kind: 'StrOp',
      op: m[2] as StringOp,
      cs: Boolean(m[3]),
      negated: Boolean(m[1]),
      left: rec(left),
      right: rec(right),
      type: 'bool',
      span: s,
    };
  }
  report(ctx, n.props.Operator ?? n, 'KUS010', `operator '${op}' is not supported by auditscope`);
  return lit(null, 'bool', n);
}

/** The right side of in/has_any: literal items, or a tabular expression (first column). */
function inList(right: KNode, cols: readonly ColumnDef[], ctx: LowerCtx, tab: TabularLowerer): Scalar[] {
  const items = right.kind === 'ExpressionList' ? listItems(right) : [right];
  return items.map((it) => {
    const inner = it.kind === 'ParenthesizedExpression' && it.props.Expression ? it.props.Expression : it;
    if (inner.columns || inner.kind === 'PipeExpression') {
      return { kind: 'ColumnList', query: tab(inner, ctx), type: 'dynamic', span: nodeSpan(it) } as Scalar;
    }
    return lowerScalar(it, cols, ctx, tab);
  });
}

function lowerName(n: KNode, cols: readonly ColumnDef[], ctx: LowerCtx, tab: TabularLowerer): Scalar {
  const name = nameOf(n, ctx.source);
  const s = nodeSpan(n);
  const kind = n.symbol?.kind;
  if (kind === 'Variable' || kind === 'Parameter' || (!kind && ctx.scalars.has(name))) {
    const v = ctx.scalars.get(name);
    if (v) return v;
    const t = ctx.tabulars.get(name);
    if (t) return { kind: 'ColumnList', query: t, type: 'dynamic', span: s };
  }
  const alias = ctx.aliases.get(name);
  if (alias && !cols.some((c) => c.name === name)) {
    if (!ctx.warned.has(n.start)) {
      ctx.warned.add(n.start);
      report(
        ctx,
        n,
        'KUS020',
        `'${name}' is not a column of the Azure Monitor ${alias.tables.join('/')} tables; auditscope reads it as ${alias.portable}`,
        'warning',
        `write ${alias.portable} so the query also runs in Log Analytics`,
      );
    }
    return alias.rewrite(s);
  }
  if (kind === 'Function')
    return lowerCall({ ...n, kind: 'FunctionCallExpression', props: { Name: n } }, cols, ctx, tab);
  const type = cols.find((c) => c.name === name)?.type ?? ktypeOf(n.type);
  return { kind: 'Column', name, type, span: s };
}

function lowerCall(n: KNode, cols: readonly ColumnDef[], ctx: LowerCtx, tab: TabularLowerer): Scalar {
  const raw = n.symbol?.name ?? nameOf(n.props.Name, ctx.source);
  const args = listItems(n.props.ArgumentList);
  const s = nodeSpan(n);
  const type = ktypeOf(n.type);
  const user = ctx.functions.get(raw);
  if (user) return inlineScalarFunction(user, args, cols, ctx, tab, n);
  const fn = canonicalFunction(raw);
  if (fn === 'toscalar' && args[0]) return { kind: 'ToScalar', query: tab(args[0], ctx), type, span: s };
  if (fn === 'column_ifexists') {
    const nameArg = args[0] ? lowerScalar(args[0], cols, ctx, tab) : undefined;
    const colName = nameArg?.kind === 'Literal' && typeof nameArg.value === 'string' ? nameArg.value : '';
    const c = cols.find((x) => x.name === colName);
    if (c) return { kind: 'Column', name: c.name, type: c.type, span: s };
    return args[1] ? lowerScalar(args[1], cols, ctx, tab) : lit(null, 'dynamic', n);
  }
  if (aggregateNames.has(fn as never)) {
    report(ctx, n, 'KUS012', `aggregation '${raw}' can only be used in summarize, make-series or mv-apply`);
    return lit(null, type, n);
  }
  if (!scalarFunctionNames.has(fn)) {
    report(ctx, n.props.Name ?? n, 'KUS011', `function '${raw}' is not supported by auditscope`);
    return lit(null, type, n);
  }
  if (fn === 'extract' && args.length === 4) {
    // extract(regex, group, text, typeof(T)) -> to<T>(extract(regex, group, text))
    const t = ktypeOf(args[3]?.symbol?.name ?? listItems(args[3]?.props.Types)[0]?.symbol?.name);
    const inner: Scalar = {
      kind: 'Call',
      fn,
      args: args.slice(0, 3).map((a) => lowerScalar(a, cols, ctx, tab)),
      type: 'string',
      span: s,
    };
    const conv: Partial<Record<KType, string>> = {
      long: 'tolong',
      int: 'toint',
      real: 'todouble',
      bool: 'tobool',
      datetime: 'todatetime',
      timespan: 'totimespan',
      dynamic: 'parse_json',
    };
    const c = conv[t];
    return c ? { kind: 'Call', fn: c, args: [inner], type: t, span: s } : inner;
  }
  let lowered = args.map((a) => lowerScalar(a, cols, ctx, tab));
  if (raw === 'replace' && lowered.length === 3) {
    // legacy replace(regex, rewrite, text) -> replace_regex(text, regex, rewrite)
    const [re, rw, text] = lowered as [Scalar, Scalar, Scalar];
    lowered = [text, re, rw];
  }
  return { kind: 'Call', fn, args: lowered, type, span: s };
}

/** Inlines a scalar user function: parameters bound to the lowered arguments (or defaults). */
function inlineScalarFunction(
  decl: KNode,
  args: readonly KNode[],
  cols: readonly ColumnDef[],
  ctx: LowerCtx,
  tab: TabularLowerer,
  call: KNode,
): Scalar {
  const inner = childScope(ctx);
  const params = listItems(decl.props.Parameters?.props.Parameters);
  params.forEach((p, i) => {
    const pname = nameOf(p.props.NameAndType?.props.Name, ctx.source);
    const a = args[i];
    const dflt = p.props.DefaultValue?.props.Value;
    if (a) {
      if (a.columns) inner.tabulars.set(pname, tab(a, ctx));
      else inner.scalars.set(pname, lowerScalar(a, cols, ctx, tab));
    } else if (dflt) inner.scalars.set(pname, lowerScalar(dflt, cols, ctx, tab));
  });
  const body = decl.props.Body?.props.Expression;
  if (!body) {
    report(ctx, call, 'KUS013', 'function body has statements auditscope cannot inline');
    return lit(null, 'dynamic', call);
  }
  return lowerScalar(body, cols, inner, tab);
}

/** A constant JSON value of a `dynamic(...)` literal. */
function jsonValue(
  n: KNode | undefined,
  cols: readonly ColumnDef[],
  ctx: LowerCtx,
  tab: TabularLowerer,
): LiteralValue {
  if (!n) return null;
  if (n.kind === 'JsonArrayExpression')
    return listItems(n.props.Values).map((v) => jsonValue(v, cols, ctx, tab));
  if (n.kind === 'JsonObjectExpression') {
    const o: Record<string, unknown> = {};
    for (const p of listItems(n.props.Pairs)) {
      const key = p.props.Name ? unquote(nodeText(ctx.source, p.props.Name)) : '';
      o[key] = jsonValue(p.props.Value, cols, ctx, tab);
    }
    return o;
  }
  if (n.kind === 'NullLiteralExpression') return null;
  const v = lowerScalar(n, cols, ctx, tab);
  if (v.kind !== 'Literal') {
    report(ctx, n, 'KUS004', 'dynamic literals may only contain constants');
    return null;
  }
  if (v.type === 'datetime' && typeof v.value === 'number') return new Date(v.value).toISOString();
  return v.value;
}
