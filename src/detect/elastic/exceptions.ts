import type { Expr } from '../../ir/expr.js';
import { literal, wildcardPattern } from '../../ir/expr.js';
import type { ExceptionEntry, ExceptionItem } from '../../lang/elastic/rule.js';
import { nestedField } from '../../lang/kibana/lower-kuery.js';

/**
 * Lowers Kibana exception items to one IR expression that is true when an event is excepted
 * (any item matches; an item matches when all its entries hold). Entry semantics follow Kibana's
 * exception builder: `match` / `match_any` are exact and case-sensitive (keyword fields),
 * `wildcard` takes `*` and `?` (case-sensitive), `exists` tests presence, `excluded` negates the
 * entry, `nested` requires its entries to hold on one element of the parent field. `list` entries (value lists stored
 * in Kibana) cannot be evaluated here and are reported through `warn`; they never match.
 * @example exceptionsExpr([{ entries: [{ field: 'user.name', type: 'match', operator: 'included', value: 'admin' }] }], warn)
 */
export function exceptionsExpr(items: readonly ExceptionItem[], warn: (m: string) => void): Expr | undefined {
  const args = items.filter((i) => i.entries.length > 0).map((i) => itemExpr(i.entries, '', warn));
  if (args.length === 0) return undefined;
  return args.length === 1 ? args[0]! : { kind: 'Or', args };
}

function itemExpr(entries: readonly ExceptionEntry[], prefix: string, warn: (m: string) => void): Expr {
  const args = entries.map((e) => entryExpr(e, prefix, warn));
  return args.length === 1 ? args[0]! : { kind: 'And', args };
}

function entryExpr(e: ExceptionEntry, prefix: string, warn: (m: string) => void): Expr {
  const field = prefix + e.field;
  let x: Expr;
  const values = e.value === undefined ? [] : Array.isArray(e.value) ? e.value : [e.value as string];
  switch (e.type) {
    case 'match':
    case 'match_any':
      x = { kind: 'Compare', field, op: 'eq', values: values.map(literal), cased: true, all: false };
      break;
    case 'wildcard':
      x = { kind: 'Compare', field, op: 'eq', values: values.map(wildcardPattern), cased: true, all: false };
      break;
    case 'exists':
      x = { kind: 'Exists', field };
      break;
    case 'nested':
      // all entries on the same element of the nested field (Elasticsearch nested query)
      x = {
        kind: 'Compare',
        field: nestedField({ path: field, expr: itemExpr(e.entries ?? [], '', warn) }),
        op: 'eq',
        values: [literal('true')],
        cased: true,
        all: false,
      };
      break;
    case 'list':
      warn(`exception entry on '${field}' uses a value list, which is not available here; it never matches`);
      x = { kind: 'Const', value: false };
      break;
  }
  return e.operator === 'excluded' ? { kind: 'Not', arg: x } : x;
}
