import type { Query } from '../../ir/query.js';
import type { OrderedRel, QueryCompiler } from './compile-query.js';
import type { RelCol } from './relation.js';
import { unsupported } from './unsupported.js';
import { castType, literalSql } from './values.js';

/**
 * `union`: columns matched by name into the union schema (missing ones typed NULL, or `''` for
 * strings), `UNION ALL`; `withsource=` adds the input's name.
 */
export function compileUnion(c: QueryCompiler, q: Extract<Query, { kind: 'Union' }>): OrderedRel {
  const d = c.d;
  const idents = q.schema.map((s) => c.fresh(s.name));
  const parts = q.inputs.map((inputQ, i) => {
    const input = c.query(inputQ);
    const list = q.schema.map((s, k) => {
      const to = d.quoteIdent(idents[k]!);
      if (q.withSource !== undefined && s.name === q.withSource)
        return `${d.quoteString(q.sourceNames[i] ?? '')} AS ${to}`;
      const src = input.cols.find((x) => x.name === s.name);
      if (!src) return `${literalSql(d, null, s.type)} AS ${to}`;
      const id = d.quoteIdent(src.ident);
      return src.type === s.type ? `${id} AS ${to}` : `TRY_CAST(${id} AS ${castType(s.type)}) AS ${to}`;
    });
    return `SELECT ${list.join(', ') || '1 AS __none'} FROM ${input.from} AS ${c.alias()}`;
  });
  const cols = q.schema.map((s, k) => ({ name: s.name, type: s.type, ident: idents[k]! }));
  return { from: `(${parts.join(' UNION ALL ')})`, cols, hot: [] };
}

/**
 * `join` / `lookup`. Keys match null to null (`IS NOT DISTINCT FROM`); the default `innerunique`
 * keeps one left row per key first (kusto.md 1.6), which left row is not specified (nor in Kusto).
 */
export function compileJoin(c: QueryCompiler, q: Extract<Query, { kind: 'Join' | 'Lookup' }>): OrderedRel {
  const d = c.d;
  let left = c.query(q.left);
  const right = c.query(q.right);
  const la = c.alias();
  const ra = c.alias();
  const qi = d.quoteIdent;
  const keyCol = (rel: OrderedRel, name: string, side: string): RelCol => {
    const col = rel.cols.find((x) => x.name === name);
    if (!col) return unsupported(`join key ${name}`, `not a ${side} column`, q.span);
    return col;
  };
  const on = q.on
    .map(
      (k) =>
        `${la}.${qi(keyCol(left, k.left, 'left').ident)} IS NOT DISTINCT FROM ${ra}.${qi(keyCol(right, k.right, 'right').ident)}`,
    )
    .join(' AND ');
  const kind = q.joinKind;
  if (kind === 'innerunique') {
    const keys = q.on.map((k) => qi(keyCol(left, k.left, 'left').ident)).join(', ');
    left = { ...left, from: c.select(['*'], left, ` QUALIFY row_number() OVER (PARTITION BY ${keys}) = 1`) };
  }
  const oneSide = (rel: OrderedRel, alias: string, sql: string): OrderedRel => {
    const cols = q.schema.map((s, i) => {
      const src = rel.cols[i];
      if (!src) return unsupported(`join kind=${kind}`, 'output schema does not match the kept side', q.span);
      return { name: s.name, type: src.type, ident: src.ident };
    });
    const list = cols.map((x) => `${alias}.${qi(x.ident)}`);
    return { from: `(SELECT ${list.join(', ')} FROM ${sql})`, cols, hot: [] };
  };
  switch (kind) {
    case 'leftsemi':
      return oneSide(left, la, `${left.from} AS ${la} SEMI JOIN ${right.from} AS ${ra} ON ${on}`);
    case 'leftanti':
      return oneSide(left, la, `${left.from} AS ${la} ANTI JOIN ${right.from} AS ${ra} ON ${on}`);
    case 'rightsemi':
      return oneSide(right, ra, `${right.from} AS ${ra} SEMI JOIN ${left.from} AS ${la} ON ${on}`);
    case 'rightanti':
      return oneSide(right, ra, `${right.from} AS ${ra} ANTI JOIN ${left.from} AS ${la} ON ${on}`);
    default:
      break;
  }
  const sqlJoin =
    kind === 'leftouter'
      ? 'LEFT JOIN'
      : kind === 'rightouter'
        ? 'RIGHT JOIN'
        : kind === 'fullouter'
          ? 'FULL JOIN'
          : 'JOIN';
  // Output: left columns, then the right columns (lookup: without the right key columns).
  const rightKeys = new Set(q.kind === 'Lookup' ? q.on.map((k) => k.right) : []);
  const rightCols = right.cols.filter((x) => !rightKeys.has(x.name));
  const sources: { alias: string; col: RelCol }[] = [
    ...left.cols.map((col) => ({ alias: la, col })),
    ...rightCols.map((col) => ({ alias: ra, col })),
  ];
  if (sources.length !== q.schema.length)
    return unsupported(
      `${q.kind === 'Lookup' ? 'lookup' : 'join'} output`,
      'output schema does not match left + right columns',
      q.span,
    );
  const cols: RelCol[] = [];
  const list: string[] = [];
  q.schema.forEach((s, i) => {
    const src = sources[i]!;
    const ident = c.fresh(s.name);
    let v = `${src.alias}.${qi(src.col.ident)}`;
    // A lookup/outer join key column takes the right key when the left row is missing (rightouter/fullouter).
    if (q.kind === 'Lookup' && src.alias === la) {
      const k = q.on.find((x) => x.left === src.col.name);
      if (k && kind !== 'leftouter' && kind !== 'inner')
        v = `coalesce(${v}, ${ra}.${qi(keyCol(right, k.right, 'right').ident)})`;
    }
    list.push(`${v} AS ${qi(ident)}`);
    cols.push({ name: s.name, type: src.col.type, ident });
  });
  return {
    from: `(SELECT ${list.join(', ')} FROM ${left.from} AS ${la} ${sqlJoin} ${right.from} AS ${ra} ON ${on})`,
    cols,
    hot: [],
  };
}
