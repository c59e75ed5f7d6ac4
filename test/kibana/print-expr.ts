import { assertNever, type Expr, type Pattern } from '../../src/ir/expr.js';
import { parseNestedField } from '../../src/lang/kibana/lower-kuery.js';

/**
 * Prints an IR expression as a compact S-expression for case files, e.g.
 * `(And (Eq verb "create" cased) (Not (Exists user.name)))`. Spans are left out. In patterns a
 * wildcard prints as a bare `*` and a literal star as `\*`. A nested query prints as
 * `(Nested path inner)`, inner fields relative to one element.
 */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'And':
    case 'Or':
      return `(${e.kind} ${e.args.map(printExpr).join(' ')})`;
    case 'Not':
      return `(Not ${printExpr(e.arg)})`;
    case 'Const':
      return String(e.value);
    case 'Exists':
      return `(Exists ${e.field})`;
    case 'IsNull':
      return `(IsNull ${e.field})`;
    case 'Compare': {
      const nested = parseNestedField(e.field);
      if (nested) return `(Nested ${nested.path} ${printExpr(nested.expr)})`;
      const op = e.op[0]!.toUpperCase() + e.op.slice(1);
      const vals = e.values.map((v) => (typeof v === 'number' ? String(v) : printPattern(v))).join(' ');
      return `(${op} ${e.field} ${vals}${e.cased ? ' cased' : ''}${e.all ? ' all' : ''})`;
    }
    case 'Regex':
      return `(Regex ${e.field} /${e.pattern}/${e.flags.i ? 'i' : ''}${e.flags.m ? 'm' : ''}${e.flags.s ? 's' : ''})`;
    case 'Cidr':
      return `(Cidr ${e.field} ${e.cidrs.join(' ')})`;
    case 'FieldRef':
      return `(FieldRef ${e.op} ${e.field} ${e.other}${e.cased ? ' cased' : ''})`;
    case 'Keyword':
      return `(Keyword ${e.values.map(printPattern).join(' ')}${e.all ? ' all' : ''})`;
    default:
      return assertNever(e);
  }
}

export function printPattern(p: Pattern): string {
  return `"${p.parts
    .map((x) =>
      typeof x === 'string'
        ? x
            .replace(/\\/g, '\\\\')
            .replace(/"/g, '\\"')
            .replace(/\*/g, '\\*')
            .replace(/\n/g, '\\n')
            .replace(/\t/g, '\\t')
        : x.wildcard,
    )
    .join('')}"`;
}
