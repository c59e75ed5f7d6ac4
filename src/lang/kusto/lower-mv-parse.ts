import type { ColumnDef, MvItem, Query, Scalar } from '../../ir/query.js';
import { childScope, type LowerCtx, nodeSpan, report } from './lower-context.js';
import { listItems, lowerScalar, nameOf } from './lower-scalar.js';
import { type KNode, ktypeOf } from './syntax-tree.js';
import { mvApplyInput, outSchema, typeName, paramText, implicitName } from './lower-helpers.js';
import { lowerTabular } from './lower-query.js';

/**
 * Lowering of mv-expand, mv-apply and parse.
 */

export function mvItems(op: KNode, inCols: readonly ColumnDef[], ctx: LowerCtx): MvItem[] {
  return listItems(op.props.Expressions).map((it) => {
    const e = (it.props.Expression ?? it) as KNode;
    const toType = it.props.ToTypeOf?.props.TypeOf;
    const t = toType
      ? ktypeOf(toType.symbol?.name ?? typeName(listItems(toType.props.Types)[0], ctx))
      : undefined;
    const named = e.kind === 'SimpleNamedExpression';
    const name = named ? nameOf(e.props.Name, ctx.source) : (implicitName(e, ctx) ?? 'Column1');
    const expr = lowerScalar((named ? e.props.Expression : e) as KNode, inCols, ctx, lowerTabular);
    return t ? { name, expr, toType: t } : { name, expr };
  });
}

export function lowerMv(op: KNode, input: Query, ctx: LowerCtx): Query {
  const inCols = input.schema;
  const items = mvItems(op, inCols, ctx);
  const itemIndex = paramText(op, 'with_itemindex', ctx);
  const idx = itemIndex ? { itemIndex } : {};
  if (op.kind === 'MvExpandOperator') {
    const kind = (paramText(op, 'kind', ctx) ?? paramText(op, 'bagexpansion', ctx) ?? 'bag').toLowerCase();
    const lim = op.props.RowLimitClause?.props.RowLimit;
    // legacy `mvexpand` (no dash) has a default limit of 128 rows per input row
    const legacy = (op.props.MvExpandKeyword?.text ?? '').toLowerCase() === 'mvexpand';
    const limit: Scalar | undefined = lim
      ? lowerScalar(lim, [], ctx, lowerTabular)
      : legacy
        ? { kind: 'Literal', value: 128, type: 'long' }
        : undefined;
    const produced = [...items.map((i) => i.name), ...(itemIndex ? [itemIndex] : [])];
    return {
      kind: 'MvExpand',
      input,
      items,
      bagExpansion: kind === 'array' ? 'array' : 'bag',
      ...idx,
      ...(limit?.kind === 'Literal' && typeof limit.value === 'number' ? { limit: limit.value } : {}),
      schema: outSchema(op, ctx, inCols, produced),
      span: nodeSpan(op),
    };
  }
  // mv-apply: the subquery sees the input row's columns plus the expanded items
  const subCols: ColumnDef[] = [...inCols.filter((c) => !items.some((i) => i.name === c.name))];
  for (const i of items) subCols.push({ name: i.name, type: i.toType ?? 'dynamic' });
  if (itemIndex) subCols.push({ name: itemIndex, type: 'long' });
  const inner = childScope(ctx);
  inner.tabulars.set(mvApplyInput, { kind: 'Ref', name: mvApplyInput, schema: subCols });
  const sub = op.props.Subquery?.props.Expression;
  const subquery = sub
    ? lowerTabular(sub, inner)
    : ({ kind: 'Ref', name: mvApplyInput, schema: subCols } as Query);
  return {
    kind: 'MvApply',
    input,
    items,
    ...idx,
    subquery,
    schema: outSchema(
      op,
      ctx,
      inCols,
      subquery.schema.map((c) => c.name),
    ),
    span: nodeSpan(op),
  };
}

export const escapeRe = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, (c) => `\\${c}`);

export function lowerParse(op: KNode, input: Query, ctx: LowerCtx): Query {
  const inCols = input.schema;
  const kind = (paramText(op, 'kind', ctx) ?? 'simple').toLowerCase();
  const flags = paramText(op, 'flags', ctx) ?? '';
  const pats = listItems(op.props.Patterns);
  const columns: ColumnDef[] = [];
  let re = kind === 'regex' ? '' : '^';
  pats.forEach((p, i) => {
    const last = i === pats.length - 1;
    if (p.kind === 'StringLiteralExpression' || p.kind === 'CompoundStringLiteralExpression') {
      const t = typeof p.value === 'string' ? p.value : '';
      re += kind === 'regex' ? t : escapeRe(t);
    } else if (p.kind === 'StarExpression') re += last ? '.*' : '.*?';
    else if (p.kind === 'NameAndTypeDeclaration' || p.kind === 'NameDeclaration') {
      const name = nameOf(p.kind === 'NameDeclaration' ? p : p.props.Name, ctx.source);
      const type = p.kind === 'NameDeclaration' ? 'string' : ktypeOf(typeName(p.props.Type, ctx));
      const body =
        kind === 'regex' && (type === 'long' || type === 'int')
          ? '-?\\d+'
          : kind === 'regex' && type === 'real'
            ? '-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?'
            : last
              ? '.*'
              : '.*?';
      re += `(?P<c${columns.length}>${body})`;
      columns.push({ name, type });
    } else report(ctx, p, 'KUS010', 'unsupported parse pattern element');
  });
  if (kind === 'simple' && pats.length && pats[pats.length - 1]?.kind.includes('String')) re += '$';
  return {
    kind: 'Parse',
    input,
    source: lowerScalar(op.props.Expression as KNode, inCols, ctx, lowerTabular),
    regex: re,
    flags,
    columns,
    dropNonMatching: op.kind === 'ParseWhereOperator',
    schema: outSchema(
      op,
      ctx,
      inCols,
      columns.map((c) => c.name),
    ),
    span: nodeSpan(op),
  };
}
