import type { JoinKind, Query } from '../../ir/query.js';
import { type LowerCtx, nodeSpan, report } from './lower-context.js';
import { listItems, nameOf } from './lower-scalar.js';
import type { KNode } from './syntax-tree.js';
import { outSchema, paramText } from './lower-helpers.js';
import { lowerTabular } from './lower-query.js';

/**
 * Lowering of join and lookup.
 */

export const joinKinds: ReadonlySet<string> = new Set([
  'innerunique',
  'inner',
  'leftouter',
  'rightouter',
  'fullouter',
  'leftanti',
  'rightanti',
  'leftsemi',
  'rightsemi',
]);

export function lowerJoin(op: KNode, left: Query, ctx: LowerCtx): Query {
  const isLookup = op.kind === 'LookupOperator';
  const kindText = (paramText(op, 'kind', ctx) ?? (isLookup ? 'leftouter' : 'innerunique')).toLowerCase();
  const kind = kindText === 'anti' || kindText === 'leftantisemi' ? 'leftanti' : kindText;
  const right = lowerTabular(op.props.Expression as KNode, ctx);
  const clause = op.props.ConditionClause ?? op.props.LookupClause;
  if (clause && clause.kind !== 'JoinOnClause')
    report(ctx, clause, 'KUS010', "join 'where' clauses are not supported by auditscope; use 'on'");
  const on: { left: string; right: string }[] = [];
  // `$left.a == $right.b and $left.c == $right.d` is the same as a comma list of the equalities
  const flat: KNode[] = [];
  const flatten = (e: KNode): void => {
    if (e.kind === 'AndExpression' && e.props.Left && e.props.Right) {
      flatten(e.props.Left);
      flatten(e.props.Right);
    } else if (e.kind === 'ParenthesizedExpression' && e.props.Expression) flatten(e.props.Expression);
    else flat.push(e);
  };
  for (const e of listItems(clause?.props.Expressions)) flatten(e);
  for (const e of flat) {
    if (e.kind === 'NameReference') {
      const n = nameOf(e, ctx.source);
      on.push({ left: n, right: n });
    } else if (e.props.Left && e.props.Right && (e.props.Operator?.text ?? '') === '==') {
      const side = (x: KNode) => ({
        tuple: nameOf(x.props.Expression, ctx.source),
        col: nameOf(x.props.Selector, ctx.source),
      });
      const a = side(e.props.Left);
      const b = side(e.props.Right);
      on.push(a.tuple === '$right' ? { left: b.col, right: a.col } : { left: a.col, right: b.col });
    } else report(ctx, e, 'KUS010', 'join keys must be column names or $left.x == $right.y');
  }
  if (!joinKinds.has(kind)) report(ctx, op, 'KUS010', `join kind '${kindText}' is not supported`);
  const jk = (joinKinds.has(kind) ? kind : 'innerunique') as JoinKind;
  const schema = outSchema(op, ctx, [...left.schema, ...right.schema]);
  const span = nodeSpan(op);
  if (isLookup) {
    const keys = new Set(on.map((k) => k.right));
    const rest = right.schema.filter((c) => !keys.has(c.name));
    const rightNames = rest.map((c, i) => schema[left.schema.length + i]?.name ?? c.name);
    return {
      kind: 'Lookup',
      left,
      right,
      joinKind: jk === 'inner' ? 'inner' : 'leftouter',
      on,
      rightNames,
      schema,
      span,
    };
  }
  const rightNames = right.schema.map((c, i) => schema[left.schema.length + i]?.name ?? c.name);
  return { kind: 'Join', left, right, joinKind: jk, on, rightNames, schema, span };
}
