import { assertNever, type Expr, type Pattern } from '../../src/ir/expr.js';
import { parseNestedField } from '../../src/lang/kibana/lower-kuery.js';

/** The IR nodes whose printed form differs between the case-file dialects. */
type LeafExpr = Extract<Expr, { kind: 'Compare' | 'Regex' | 'FieldRef' | 'Keyword' }>;

/**
 * One S-expression printer for IR case files: the boolean structure and the simple nodes print
 * the same in every corpus; `leaf` prints the comparison-like nodes in a corpus' own notation.
 * Spans are left out.
 */
function exprPrinter(leaf: (e: LeafExpr, print: (e: Expr) => string) => string): (e: Expr) => string {
  const print = (e: Expr): string => {
    switch (e.kind) {
      case 'And':
      case 'Or':
        return `(${e.kind} ${e.args.map(print).join(' ')})`;
      case 'Not':
        return `(Not ${print(e.arg)})`;
      case 'Const':
        return String(e.value);
      case 'Exists':
        return `(Exists ${e.field})`;
      case 'IsNull':
        return `(IsNull ${e.field})`;
      case 'Cidr':
        return `(Cidr ${e.field} ${e.cidrs.join(' ')})`;
      case 'Compare':
      case 'Regex':
      case 'FieldRef':
      case 'Keyword':
        return leaf(e, print);
      default:
        return assertNever(e);
    }
  };
  return print;
}

/**
 * The Elastic notation (Kibana KQL and EQL case files), e.g.
 * `(And (Eq verb "create" cased) (Not (Exists user.name)))`. In patterns a wildcard prints as a
 * bare `*` and a literal star as `\*`. A nested query prints as `(Nested path inner)`, inner
 * fields relative to one element.
 * @example printExpr(lowerKuery(parseKuery('verb:get').ast!).expr) // '(Eq verb "get" cased)'
 */
export const printExpr = exprPrinter((e, print) => {
  switch (e.kind) {
    case 'Compare': {
      const nested = parseNestedField(e.field);
      if (nested) return `(Nested ${nested.path} ${print(nested.expr)})`;
      const op = e.op[0]!.toUpperCase() + e.op.slice(1);
      const vals = e.values.map((v) => (typeof v === 'number' ? String(v) : printPattern(v))).join(' ');
      return `(${op} ${e.field} ${vals}${e.cased ? ' cased' : ''}${e.all ? ' all' : ''})`;
    }
    case 'Regex':
      return `(Regex ${e.field} /${e.pattern}/${e.flags.i ? 'i' : ''}${e.flags.m ? 'm' : ''}${e.flags.s ? 's' : ''})`;
    case 'FieldRef':
      return `(FieldRef ${e.op} ${e.field} ${e.other}${e.cased ? ' cased' : ''})`;
    case 'Keyword':
      return `(Keyword ${e.values.map(printPattern).join(' ')}${e.all ? ' all' : ''})`;
  }
});

/** A pattern in the Elastic notation: `"a*b"` with a literal star escaped as `\*`. */
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

const sigmaPattern = (p: Pattern | number): string =>
  typeof p === 'number'
    ? String(p)
    : JSON.stringify(p.parts.map((x) => (typeof x === 'string' ? x : x.wildcard)).join(''));

/**
 * The Sigma notation (Sigma lowering case files): flags in brackets after the field, values as
 * JSON strings, e.g. `(And (eq verb "create" "update") (eq objectRef.resource "pods"))`.
 * @example printSigmaExpr(e) // '(eq verb "create")'
 */
export const printSigmaExpr = exprPrinter((e) => {
  switch (e.kind) {
    case 'Compare': {
      const flags = [e.cased ? 'cased' : '', e.all ? 'all' : '', e.timePart ?? ''].filter(Boolean);
      return `(${e.op} ${e.field}${flags.length ? `[${flags.join(',')}]` : ''} ${e.values.map(sigmaPattern).join(' ')})`;
    }
    case 'Regex':
      return `(Regex ${e.field} ${JSON.stringify(e.pattern)}${Object.keys(e.flags).length ? ` ${Object.keys(e.flags).join('')}` : ''})`;
    case 'FieldRef':
      return `(FieldRef ${e.op} ${e.field} ${e.other})`;
    case 'Keyword':
      return `(Keyword${e.all ? '[all]' : ''} ${e.values.map(sigmaPattern).join(' ')})`;
  }
});
