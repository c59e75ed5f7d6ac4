import type { Expr, Pattern } from '../../src/ir/expr.js';

const pat = (p: Pattern | number): string =>
  typeof p === 'number'
    ? String(p)
    : JSON.stringify(p.parts.map((x) => (typeof x === 'string' ? x : x.wildcard)).join(''));

/** S-expression form of an Expr, for case files: `(And (Eq verb "create") ...)`. */
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
      const flags = [e.cased ? 'cased' : '', e.all ? 'all' : '', e.timePart ?? ''].filter(Boolean);
      return `(${e.op} ${e.field}${flags.length ? `[${flags.join(',')}]` : ''} ${e.values.map(pat).join(' ')})`;
    }
    case 'Regex':
      return `(Regex ${e.field} ${JSON.stringify(e.pattern)}${Object.keys(e.flags).length ? ` ${Object.keys(e.flags).join('')}` : ''})`;
    case 'Cidr':
      return `(Cidr ${e.field} ${e.cidrs.join(' ')})`;
    case 'FieldRef':
      return `(FieldRef ${e.op} ${e.field} ${e.other})`;
    case 'Keyword':
      return `(Keyword${e.all ? '[all]' : ''} ${e.values.map(pat).join(' ')})`;
  }
}
