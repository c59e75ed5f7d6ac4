import { type Expr, literal } from '../../ir/expr.js';
import type { EsqlCommand, EsqlExpr } from '../../lang/elastic/esql-ast.js';

const always: Expr = { kind: 'Const', value: true };

/**
 * A necessary condition, in the IR, of the leading WHERE commands of an ES|QL query (those that
 * read source fields before any EVAL, GROK or STATS): when the query keeps an event, the condition
 * holds. Only equality and IN tests of a field against string literals are kept (as
 * case-insensitive equality, a superset); everything else reads as true. It feeds routing and the
 * rule index (`necessaryValues`), never the result: events it admits still go through the query.
 * @example esqlHint(commands) // { kind: 'And', args: [{ kind: 'Compare', field: 'kubernetes.audit.verb', ... }] }
 */
export function esqlHint(commands: readonly EsqlCommand[]): Expr {
  const args: Expr[] = [];
  for (const c of commands) {
    if (c.kind !== 'Where') break;
    args.push(necessary(c.cond));
  }
  return args.length ? { kind: 'And', args } : always;
}

function necessary(e: EsqlExpr): Expr {
  switch (e.kind) {
    case 'And':
      return { kind: 'And', args: [necessary(e.left), necessary(e.right)] };
    case 'Or':
      return { kind: 'Or', args: [necessary(e.left), necessary(e.right)] };
    case 'Binary': {
      if (e.op !== '==') return always;
      const [f, v] = e.left.kind === 'Field' ? [e.left, e.right] : [e.right, e.left];
      if (f.kind !== 'Field' || v.kind !== 'Literal' || typeof v.value !== 'string') return always;
      return equals(f.name, [v.value]);
    }
    case 'In': {
      if (e.negated || e.arg.kind !== 'Field') return always;
      const values: string[] = [];
      for (const x of e.list) {
        if (x.kind !== 'Literal' || typeof x.value !== 'string') return always;
        values.push(x.value);
      }
      return equals(e.arg.name, values);
    }
    default:
      return always;
  }
}

const equals = (field: string, values: readonly string[]): Expr => ({
  kind: 'Compare',
  field,
  op: 'eq',
  values: values.map(literal),
  cased: false,
  all: false,
});
