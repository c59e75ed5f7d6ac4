import type { Scalar } from '../../ir/query.js';

/** Names of the columns a scalar reads. */
export function referencedColumns(e: Scalar): string[] {
  const out: string[] = [];
  const walk = (x: Scalar): void => {
    switch (x.kind) {
      case 'Column':
        out.push(x.name);
        return;
      case 'Literal':
      case 'ToScalar':
      case 'ColumnList':
        return;
      case 'Member':
        walk(x.target);
        walk(x.key);
        return;
      case 'Binary':
        walk(x.left);
        walk(x.right);
        return;
      case 'Negate':
        walk(x.arg);
        return;
      case 'StrOp':
        walk(x.left);
        walk(x.right);
        return;
      case 'In':
      case 'HasAny':
        walk(x.value);
        x.list.forEach(walk);
        return;
      case 'Between':
        walk(x.value);
        walk(x.low);
        walk(x.high);
        return;
      case 'Call':
        x.args.forEach(walk);
        return;
    }
  };
  walk(e);
  return out;
}
