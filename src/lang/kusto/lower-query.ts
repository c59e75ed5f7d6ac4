import type { ColumnDef, LiteralValue, NamedExpr, Query, QueryProgram, RenderHint } from '../../ir/query.js';
import { childScope, type LowerCtx, nodeSpan, report } from './lower-context.js';
import { listItems, lowerScalar, nameOf } from './lower-scalar.js';
import { nodeText } from './literals.js';
import { type KNode, ktypeOf } from './syntax-tree.js';
import {
  mvApplyInput,
  isTabularNode,
  uniqueName,
  empty,
  outSchema,
  typeName,
  paramText,
  implicitName,
  namedItems,
  sortKeys,
  operatorWord,
  globRegex,
  unionSchema,
} from './lower-helpers.js';
import { lowerTopNested } from './lower-top-nested.js';
import { lowerSummarize, lowerMakeSeries } from './lower-summarize.js';
import { lowerMv, lowerParse } from './lower-mv-parse.js';
import { checkSerialized } from './lower-window.js';
import { lowerJoin } from './lower-join.js';
import { lowerSearch } from './lower-search.js';

/**
 * Lowers a whole query block (statements) to a `QueryProgram`.
 * @example const program = lowerProgram(root, ctx)
 */
export function lowerProgram(root: KNode, ctx: LowerCtx): QueryProgram | undefined {
  const statements = listItems(root.props.Statements);
  let body: Query | undefined;
  let render: RenderHint | undefined;
  for (const st of statements) {
    if (st.kind === 'LetStatement') lowerLet(st, ctx);
    else if (st.kind === 'ExpressionStatement' && st.props.Expression) {
      const r = { render: undefined as RenderHint | undefined };
      body = lowerTabular(st.props.Expression, ctx, r);
      render = r.render;
    } else if (st.kind !== 'SetOptionStatement')
      report(ctx, st, 'KUS010', `statement '${st.kind}' is not supported`);
  }
  if (!body) return undefined;
  return render ? { bindings: ctx.bindings, body, render } : { bindings: ctx.bindings, body };
}

function lowerLet(st: KNode, ctx: LowerCtx): void {
  const name = nameOf(st.props.Name, ctx.source);
  const e = st.props.Expression;
  if (!e) return;
  if (e.kind === 'FunctionDeclaration') {
    ctx.functions.set(name, e);
    return;
  }
  const materialize = e.kind === 'MaterializeExpression';
  const inner = materialize && e.props.Expression ? e.props.Expression : e;
  if (inner.columns || inner.kind === 'DataTableExpression' || isTabularNode(inner)) {
    const q = lowerTabular(inner, ctx);
    const id = uniqueName(ctx, name);
    ctx.bindings.push({ name: id, query: q, materialize });
    ctx.tabulars.set(name, { kind: 'Ref', name: id, schema: q.schema, span: nodeSpan(st) });
    return;
  }
  ctx.scalars.set(name, lowerScalar(inner, [], ctx, lowerTabular));
}

/**
 * Lowers a tabular expression. `r` collects a trailing `render` hint.
 */
export function lowerTabular(n: KNode, ctx: LowerCtx, r?: { render: RenderHint | undefined }): Query {
  const s = nodeSpan(n);
  switch (n.kind) {
    case 'PipeExpression': {
      const input = lowerTabular(n.props.Expression as KNode, ctx, r);
      return lowerOperator(n.props.Operator as KNode, input, ctx, r);
    }
    case 'ParenthesizedExpression':
      return lowerTabular(n.props.Expression as KNode, ctx, r);
    case 'MaterializeExpression':
      return lowerTabular(n.props.Expression as KNode, ctx, r);
    case 'NameReference': {
      const name = nameOf(n, ctx.source);
      const t = ctx.tabulars.get(name);
      if (t) return t;
      if (n.symbol?.kind === 'Table')
        return { kind: 'Table', name, schema: outSchema(n, ctx, empty), span: s };
      if (n.symbol?.kind === 'Function' || ctx.functions.has(name))
        return lowerTabularCall({ ...n, kind: 'FunctionCallExpression', props: { Name: n } }, ctx, undefined);
      report(ctx, n, 'KUS002', `unknown table '${name}'`);
      return { kind: 'Datatable', schema: [], rows: [], span: s };
    }
    case 'FunctionCallExpression':
      return lowerTabularCall(n, ctx, undefined);
    case 'DataTableExpression':
      return lowerDatatable(n, ctx);
    case 'StarExpression':
      report(ctx, n, 'KUS010', "'union *' is not supported; name the tables");
      return { kind: 'Datatable', schema: [], rows: [], span: s };
    default:
      if (n.kind.endsWith('Operator')) {
        // a source operator (print, range, union) or an operator of an mv-apply subquery
        const src: Query =
          n.kind === 'UnionOperator' || n.kind === 'PrintOperator' || n.kind === 'RangeOperator'
            ? { kind: 'Datatable', schema: [], rows: [[]] }
            : (ctx.tabulars.get(mvApplyInput) ?? { kind: 'Datatable', schema: [], rows: [] });
        return lowerOperator(n, src, ctx, r, true);
      }
      report(ctx, n, 'KUS010', `tabular expression '${n.kind}' is not supported by auditscope`);
      return { kind: 'Datatable', schema: [], rows: [], span: s };
  }
}

function lowerTabularCall(n: KNode, ctx: LowerCtx, piped: Query | undefined): Query {
  const name = n.symbol?.name ?? nameOf(n.props.Name, ctx.source);
  const args = listItems(n.props.ArgumentList);
  if (name === 'table' && args[0]) {
    const tname = typeof args[0].value === 'string' ? args[0].value : '';
    return { kind: 'Table', name: tname, schema: n.columns ?? [], span: nodeSpan(n) };
  }
  const decl = ctx.functions.get(name);
  if (!decl) {
    report(ctx, n, 'KUS011', `tabular function '${name}' is not supported by auditscope`);
    return { kind: 'Datatable', schema: [], rows: [], span: nodeSpan(n) };
  }
  const inner = childScope(ctx);
  const params = listItems(decl.props.Parameters?.props.Parameters);
  let ai = 0;
  params.forEach((p, i) => {
    const pname = nameOf(p.props.NameAndType?.props.Name, ctx.source);
    const isTable = p.props.NameAndType?.props.Type?.kind === 'SchemaTypeExpression';
    if (i === 0 && piped && isTable) {
      inner.tabulars.set(pname, piped);
      return;
    }
    const a = args[ai++];
    const dflt = p.props.DefaultValue?.props.Value;
    if (a && (isTable || a.columns)) inner.tabulars.set(pname, lowerTabular(a, ctx));
    else if (a) inner.scalars.set(pname, lowerScalar(a, piped?.schema ?? [], ctx, lowerTabular));
    else if (dflt) inner.scalars.set(pname, lowerScalar(dflt, [], ctx, lowerTabular));
  });
  const body = decl.props.Body;
  for (const st of listItems(body?.props.Statements)) {
    const e = st.kind === 'ExpressionStatement' ? st.props.Expression : st;
    if (e?.kind === 'LetStatement') lowerLet(e, inner);
  }
  const expr = body?.props.Expression;
  if (!expr) {
    report(ctx, n, 'KUS013', `cannot inline function '${name}'`);
    return { kind: 'Datatable', schema: [], rows: [] };
  }
  return lowerTabular(expr, inner);
}

function lowerDatatable(n: KNode, ctx: LowerCtx): Query {
  const schema: ColumnDef[] = listItems(n.props.Schema?.props.Columns).map((c) => ({
    name: nameOf(c.props.Name, ctx.source),
    type: ktypeOf(typeName(c.props.Type, ctx)),
  }));
  const values = listItems(n.props.Values).map((v) => lowerScalar(v, [], ctx, lowerTabular));
  const rows: LiteralValue[][] = [];
  const w = Math.max(1, schema.length);
  for (let i = 0; i < values.length; i += w) {
    rows.push(
      values.slice(i, i + w).map((v) => {
        if (v.kind === 'Literal') return v.value;
        if (v.kind === 'Negate' && v.arg.kind === 'Literal' && typeof v.arg.value === 'number')
          return -v.arg.value;
        report(ctx, n, 'KUS004', 'datatable values must be constants');
        return null;
      }),
    );
  }
  return { kind: 'Datatable', schema, rows, span: nodeSpan(n) };
}

/** The .NET type name `getschema` reports for each KQL type. */
const dataTypes: Readonly<Record<string, string>> = {
  bool: 'System.Boolean',
  int: 'System.Int32',
  long: 'System.Int64',
  real: 'System.Double',
  decimal: 'System.Data.SqlTypes.SqlDecimal',
  string: 'System.String',
  datetime: 'System.DateTime',
  timespan: 'System.TimeSpan',
  guid: 'System.Guid',
  dynamic: 'System.Object',
};

/** `getschema`: one row per input column (ColumnName, ColumnOrdinal, DataType, ColumnType), a constant table. */
function getSchema(cols: readonly ColumnDef[], span: Query['span']): Query {
  return {
    kind: 'Datatable',
    schema: [
      { name: 'ColumnName', type: 'string' },
      { name: 'ColumnOrdinal', type: 'int' },
      { name: 'DataType', type: 'string' },
      { name: 'ColumnType', type: 'string' },
    ],
    rows: cols.map((c, i) => [c.name, i, dataTypes[c.type] ?? 'System.Object', c.type]),
    ...(span ? { span } : {}),
  };
}

function lowerOperator(
  op: KNode,
  input: Query,
  ctx: LowerCtx,
  r: { render: RenderHint | undefined } | undefined,
  isSource = false,
): Query {
  const span = nodeSpan(op);
  const inCols = input.schema;
  const scalar = (e: KNode, cols: readonly ColumnDef[] = inCols) => lowerScalar(e, cols, ctx, lowerTabular);
  const exprs = listItems(op.props.Expressions);
  switch (op.kind) {
    case 'FilterOperator':
      return {
        kind: 'Where',
        input,
        predicate: scalar(op.props.Condition as KNode),
        schema: outSchema(op, ctx, inCols),
        span,
      };
    case 'ExtendOperator': {
      const inNames = new Set(inCols.map((c) => c.name));
      const fresh = (op.columns ?? []).map((c) => c.name).filter((x) => !inNames.has(x));
      // later items see earlier ones: lower against a growing schema
      const cols = [...inCols];
      const named: NamedExpr[] = [];
      let fb = 0;
      for (const it of exprs) {
        const ne =
          it.kind === 'SimpleNamedExpression'
            ? {
                name: nameOf(it.props.Name, ctx.source),
                expr: scalar(it.props.Expression as KNode, cols),
                span: nodeSpan(it),
              }
            : {
                name: implicitName(it, ctx) ?? fresh[fb++] ?? `Column${named.length + 1}`,
                expr: scalar(it, cols),
                span: nodeSpan(it),
              };
        named.push(ne);
        const at = cols.findIndex((c) => c.name === ne.name);
        const def = { name: ne.name, type: ne.expr.type };
        if (at >= 0) cols[at] = def;
        else cols.push(def);
      }
      checkSerialized(named, input, op, ctx);
      return {
        kind: 'Extend',
        input,
        columns: named,
        schema: outSchema(
          op,
          ctx,
          inCols,
          named.map((x) => x.name),
        ),
        span,
      };
    }
    case 'ProjectOperator': {
      const names = (op.columns ?? []).map((c) => c.name);
      const named = namedItems(exprs, inCols, ctx, names);
      const schema = named.map((x, i) => ({ name: x.name, type: op.columns?.[i]?.type ?? x.expr.type }));
      checkSerialized(named, input, op, ctx);
      return { kind: 'Project', input, columns: named, schema, span };
    }
    case 'ProjectAwayOperator':
    case 'ProjectKeepOperator': {
      const out = outSchema(op, ctx, inCols);
      if (op.kind === 'ProjectKeepOperator')
        return {
          kind: 'Project',
          input,
          columns: out.map((c) => ({ name: c.name, expr: { kind: 'Column', name: c.name, type: c.type } })),
          schema: out,
          span,
        };
      const keep = new Set(out.map((c) => c.name));
      return {
        kind: 'ProjectAway',
        input,
        columns: inCols.filter((c) => !keep.has(c.name)).map((c) => c.name),
        schema: out,
        span,
      };
    }
    case 'ProjectRenameOperator': {
      const renames = exprs
        .filter((e) => e.kind === 'SimpleNamedExpression')
        .map((e) => ({
          name: nameOf(e.props.Name, ctx.source),
          from: nameOf(e.props.Expression, ctx.source),
        }));
      return {
        kind: 'ProjectRename',
        input,
        renames,
        schema: outSchema(
          op,
          ctx,
          inCols,
          renames.map((x) => x.name),
        ),
        span,
      };
    }
    case 'ProjectReorderOperator':
      return { kind: 'ProjectReorder', input, schema: outSchema(op, ctx, inCols), span };
    case 'SummarizeOperator':
      return lowerSummarize(op, input, ctx);
    case 'CountOperator': {
      const name = op.columns?.[0]?.name ?? 'Count';
      return {
        kind: 'Summarize',
        input,
        aggregates: [{ fn: 'count', args: [], names: [name], type: 'long' }],
        by: [],
        schema: [{ name, type: 'long' }],
        span,
      };
    }
    case 'DistinctOperator': {
      const names = (op.columns ?? []).map((c) => c.name);
      const by: NamedExpr[] = exprs.some((e) => e.kind === 'StarExpression')
        ? inCols.map((c) => ({ name: c.name, expr: { kind: 'Column', name: c.name, type: c.type } }))
        : namedItems(exprs, inCols, ctx, names);
      return {
        kind: 'Summarize',
        input,
        aggregates: [],
        by,
        schema: by.map((b) => ({ name: b.name, type: b.expr.type })),
        span,
      };
    }
    case 'SortOperator':
      return { kind: 'Sort', input, keys: sortKeys(exprs, inCols, ctx), schema: inCols, span };
    case 'TakeOperator':
      return { kind: 'Take', input, count: scalar(op.props.Expression as KNode), schema: inCols, span };
    case 'SampleOperator':
      // `sample N`: up to N rows, which ones unspecified (Kusto picks at random); the first N are a valid answer
      return { kind: 'Take', input, count: scalar(op.props.Expression as KNode), schema: inCols, span };
    case 'GetSchemaOperator':
      return getSchema(inCols, span);
    case 'SearchOperator':
      return lowerSearch(op, input, ctx, isSource);
    case 'TopNestedOperator':
      return lowerTopNested(op, input, ctx);
    case 'TopOperator':
      return {
        kind: 'Top',
        input,
        count: scalar(op.props.Expression as KNode),
        keys: sortKeys(op.props.ByExpression ? [op.props.ByExpression] : [], inCols, ctx),
        schema: inCols,
        span,
      };
    case 'MvExpandOperator':
    case 'MvApplyOperator':
      return lowerMv(op, input, ctx);
    case 'ParseOperator':
    case 'ParseWhereOperator':
      return lowerParse(op, input, ctx);
    case 'UnionOperator': {
      const inputs: Query[] = isSource ? [] : [input];
      const sourceNames: string[] = isSource ? [] : ['union_arg0'];
      for (const e of exprs) {
        const wild =
          e.kind === 'StarExpression'
            ? '*'
            : e.props.Name?.kind === 'WildcardedName'
              ? nameOf(e, ctx.source)
              : undefined;
        if (wild !== undefined) {
          // `union *` / `union AKSAudit*`: every catalogue table whose name matches
          const re = globRegex(wild);
          for (const t of ctx.tables) {
            if (!re.test(t.name)) continue;
            inputs.push({ kind: 'Table', name: t.name, schema: t.columns, span: nodeSpan(e) });
            sourceNames.push(t.name);
          }
          continue;
        }
        inputs.push(lowerTabular(e, ctx));
        sourceNames.push(
          e.kind === 'NameReference' ? nameOf(e, ctx.source) : `union_arg${sourceNames.length}`,
        );
      }
      const withSource = paramText(op, 'withsource', ctx);
      const schema = op.columns ?? unionSchema(inputs, withSource);
      return withSource
        ? { kind: 'Union', inputs, sourceNames, withSource, schema, span }
        : { kind: 'Union', inputs, sourceNames, schema, span };
    }
    case 'JoinOperator':
    case 'LookupOperator':
      return lowerJoin(op, input, ctx);
    case 'MakeSeriesOperator':
      return lowerMakeSeries(op, input, ctx);
    case 'AsOperator': {
      const name = nameOf(op.props.Name, ctx.source);
      const id = uniqueName(ctx, name);
      ctx.bindings.push({ name: id, query: input, materialize: true });
      const ref: Query = { kind: 'Ref', name: id, schema: inCols, span };
      ctx.tabulars.set(name, ref);
      return ref;
    }
    case 'InvokeOperator':
      return lowerTabularCall(op.props.Function as KNode, ctx, input);
    case 'RenderOperator': {
      const props: Record<string, unknown> = {};
      for (const p of listItems(op.props.WithClause?.props.Properties)) {
        const v = p.props.Expression ? scalar(p.props.Expression) : undefined;
        props[nameOf(p.props.Name, ctx.source)] =
          v?.kind === 'Literal' ? v.value : nodeText(ctx.source, p.props.Expression ?? p);
      }
      if (r) r.render = { chart: (op.props.ChartType?.text ?? '').toLowerCase(), properties: props };
      return input;
    }
    case 'SerializeOperator':
      return {
        kind: 'Serialize',
        input,
        columns: namedItems(exprs, inCols, ctx, []),
        schema: outSchema(op, ctx, inCols),
        span,
      };
    case 'PrintOperator': {
      const names = (op.columns ?? []).map((c) => c.name);
      const named = namedItems(exprs, [], ctx, names);
      return {
        kind: 'Print',
        columns: named,
        schema: named.map((x) => ({ name: x.name, type: x.expr.type })),
        span,
      };
    }
    case 'RangeOperator': {
      const column = nameOf(op.props.Name, ctx.source);
      const from = scalar(op.props.From as KNode, []);
      return {
        kind: 'Range',
        column,
        from,
        to: scalar(op.props.To as KNode, []),
        step: scalar(op.props.Step as KNode, []),
        schema: [{ name: column, type: from.type }],
        span,
      };
    }
    default:
      report(ctx, op, 'KUS010', `operator '${operatorWord(op, ctx)}' is not supported by auditscope`);
      return input;
  }
}
