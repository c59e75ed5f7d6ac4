import type { ColumnDef, Query, Scalar, StringOp } from '../../ir/query.js';
import { type LowerCtx, nodeSpan, report } from './lower-context.js';
import { outSchema, paramText } from './lower-helpers.js';
import { lowerScalar, nameOf } from './lower-scalar.js';
import type { KNode } from './syntax-tree.js';
import { lowerTabular } from './lower-query.js';

/**
 * `T | search ...` lowered to a `where` (KQL docs, search-operator.md, "equivalent where"):
 * a bare term `"err"` is `* has "err"`, `"err*"` `* hasprefix`, `"*err"` `* hassuffix`, `"*err*"`
 * `* contains`, `col:"err"` the same on one column, `*` alone is true; `and`/`or`/`not()`/parentheses
 * combine them, and any other condition (`n > 5`, `col == "x"`) is an ordinary predicate.
 * `kind=case_sensitive` makes the terms case-sensitive. The output starts with `$table`, the name of
 * the table the rows come from. `*` reads the string and dynamic columns
 * (by their text). Not supported: the standalone form (`search in (T1, T2) ...`, which also adds a
 * `$table` column) and terms with an inner wildcard (`"Lab*PC"`).
 */
export function lowerSearch(op: KNode, input: Query, ctx: LowerCtx, isSource: boolean): Query {
  const span = nodeSpan(op);
  if (isSource) {
    report(ctx, op, 'KUS010', "'search' needs an input table here: write 'T | search ...'");
    return input;
  }
  const cols = input.schema;
  const cs = (paramText(op, 'kind', ctx) ?? '').toLowerCase() === 'case_sensitive';
  const textCols = cols.filter((c) => c.type === 'string' || c.type === 'dynamic');
  const bool = (value: boolean): Scalar => ({ kind: 'Literal', value, type: 'bool' });
  const any = (items: readonly Scalar[], op: 'or' | 'and'): Scalar =>
    items.length === 0
      ? bool(op === 'and')
      : items.reduce((a, b) => ({ kind: 'Binary', op, left: a, right: b, type: 'bool' }));
  const term = (n: KNode, on: readonly ColumnDef[]): Scalar => {
    const raw = typeof n.value === 'string' ? n.value : '';
    if (/^\*+$/.test(raw)) return bool(true);
    const lead = raw.startsWith('*');
    const trail = raw.endsWith('*');
    const word = raw.replace(/^\*/, '').replace(/\*$/, '');
    if (word.includes('*')) {
      report(ctx, n, 'KUS010', "search terms with a wildcard inside ('a*b') are not supported by auditscope");
      return bool(false);
    }
    const sop: StringOp = lead && trail ? 'contains' : lead ? 'hassuffix' : trail ? 'hasprefix' : 'has';
    const right: Scalar = { kind: 'Literal', value: word, type: 'string' };
    return any(
      on.map(
        (c): Scalar => ({
          kind: 'StrOp',
          op: sop,
          cs,
          negated: false,
          left: { kind: 'Column', name: c.name, type: c.type },
          right,
          type: 'bool',
        }),
      ),
      'or',
    );
  };
  const cond = (n: KNode): Scalar => {
    switch (n.kind) {
      case 'StringLiteralExpression':
        return term(n, textCols);
      case 'StarExpression':
        return bool(true);
      case 'ParenthesizedExpression':
        return n.props.Expression ? cond(n.props.Expression) : bool(true);
      case 'AndExpression':
      case 'OrExpression':
        if (n.props.Left && n.props.Right)
          return {
            kind: 'Binary',
            op: n.kind === 'AndExpression' ? 'and' : 'or',
            left: cond(n.props.Left),
            right: cond(n.props.Right),
            type: 'bool',
          };
        break;
      case 'SearchExpression': {
        const name = nameOf(n.props.Left, ctx.source);
        const col = cols.find((c) => c.name === name);
        if (col && n.props.Right?.kind === 'StringLiteralExpression') return term(n.props.Right, [col]);
        break;
      }
    }
    return lowerScalar(n, cols, ctx, lowerTabular);
  };
  const predicate = op.props.Condition ? cond(op.props.Condition) : bool(true);
  const where: Query = { kind: 'Where', input, predicate, schema: cols, span };
  // the output starts with `$table`: the name of the table the rows come from
  const schema = outSchema(op, ctx, [{ name: '$table', type: 'string' }, ...cols]);
  return {
    kind: 'Project',
    input: where,
    columns: schema.map((c) => ({
      name: c.name,
      expr:
        c.name === '$table' && !cols.some((x) => x.name === '$table')
          ? { kind: 'Literal', value: sourceTable(input), type: 'string' }
          : { kind: 'Column', name: c.name, type: c.type },
    })),
    schema,
    span,
  };
}

/** The table a pipeline reads (through single-input operators), or '' when it is not one table. */
function sourceTable(q: Query): string {
  for (;;) {
    if (q.kind === 'Table') return q.name;
    if ('input' in q) q = q.input;
    else return '';
  }
}
