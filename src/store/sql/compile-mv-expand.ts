import type { MvItem, Query } from '../../ir/query.js';
import type { OrderedRel, QueryCompiler } from './compile-query.js';
import type { RelCol } from './relation.js';
import { unsupported } from './unsupported.js';
import { asJson, castType } from './values.js';

/**
 * `mv-expand` as a LATERAL unnest (kusto.md 4.1). Each item becomes a list: arrays element by
 * element, bags one single-entry bag (or `[key, value]`) per key, null one null row, other values
 * one row; an empty array or bag gives no row. Several items are unnested in one SELECT, which
 * zips them and pads with NULL, like KQL.
 */
export function compileMvExpand(
  c: QueryCompiler,
  q: Extract<Query, { kind: 'MvExpand' }>,
  input: OrderedRel,
): OrderedRel {
  // Each item's JSON value, then its list, are computed once per row in projections below the
  // LATERAL (written inline, the value was extracted again for its type, its cast, its keys and the
  // list's length: at 1M events the seed hunt 003#1 spent most of its time there).
  const d = c.d;
  const j = q.items.map((it) => asJson(d, c.scalar(input, it.expr)));
  const jCols = j.map((_, i) => d.quoteIdent(`__j${i}`));
  const lists = listsOf(d, jCols, q.bagExpansion);
  const lCols = lists.map((_, i) => d.quoteIdent(`__l${i}`));
  const inner = `(SELECT *, ${j.map((x, i) => `${x} AS ${jCols[i]}`).join(', ')} FROM ${input.from})`;
  const withLists = `(SELECT *, ${lists.map((x, i) => `${x} AS ${lCols[i]}`).join(', ')} FROM ${inner})`;
  return expandWith(c, q, { ...input, from: withLists }, lCols);
}

/** The SQL list each item's JSON value `j` expands to (see compileMvExpand). */
function listsOf(d: QueryCompiler['d'], js: readonly string[], bagExpansion: 'bag' | 'array'): string[] {
  return js.map((j) => {
    const entry =
      bagExpansion === 'array'
        ? `json_array(k, json_extract(${j}, '$."' || replace(k, '"', '\\"') || '"'))`
        : `json_object(k, json_extract(${j}, '$."' || replace(k, '"', '\\"') || '"'))`;
    return (
      `CASE ${d.jsonType(j)} WHEN 'ARRAY' THEN CAST(${j} AS JSON[]) ` +
      `WHEN 'OBJECT' THEN [${entry} FOR k IN json_keys(${j})] ELSE [${j}] END`
    );
  });
}

/** The SQL list each item expands to, written inline (mv-apply). */
function expansionLists(
  c: QueryCompiler,
  items: readonly MvItem[],
  bagExpansion: 'bag' | 'array',
  input: OrderedRel,
): string[] {
  return listsOf(
    c.d,
    items.map((it) => asJson(c.d, c.scalar(input, it.expr))),
    bagExpansion,
  );
}

function expandWith(
  c: QueryCompiler,
  q: Extract<Query, { kind: 'MvExpand' }>,
  input: OrderedRel,
  lists: readonly string[],
): OrderedRel {
  const d = c.d;
  const inputAlias = c.alias();
  const u = c.alias();
  const qi = (id: string) => d.quoteIdent(id);
  // Column references inside the LATERAL subquery resolve to the input row.
  const lateralList = lists.map((l, i) => `unnest(${l}) AS ${qi(`__v${i}`)}`);
  lateralList.push(`unnest(range(greatest(${lists.map((l) => `len(${l})`).join(', ')}))) AS ${qi('__i')}`);
  const itemCols = new Map<string, string>();
  const out: string[] = [];
  const cols: RelCol[] = [];
  for (const s of q.schema) {
    const k = q.items.findIndex((it) => it.name === s.name);
    const ident = c.fresh(s.name);
    if (k >= 0) {
      const it = q.items[k]!;
      const v = `${u}.${qi(`__v${k}`)}`;
      const cast = it.toType && it.toType !== 'dynamic' ? castItem(v, it.toType) : v;
      out.push(`${cast} AS ${qi(ident)}`);
      itemCols.set(s.name, ident);
      cols.push({ name: s.name, type: s.type, ident });
    } else if (s.name === q.itemIndex) {
      out.push(`CAST(${u}.${qi('__i')} AS BIGINT) AS ${qi(ident)}`);
      cols.push({ name: s.name, type: s.type, ident });
    } else {
      const src = input.cols.find((x) => x.name === s.name);
      if (!src) continue;
      out.push(`${inputAlias}.${qi(src.ident)}`);
      cols.push({ name: s.name, type: src.type, ident: src.ident });
    }
  }
  const hot = input.hot.filter((h) => !itemCols.has(h.column) && cols.some((x) => x.name === h.column));
  for (const h of hot) out.push(`${inputAlias}.${qi(h.ident)}`);
  const limit = q.limit !== undefined ? ` WHERE ${u}.${qi('__i')} < ${q.limit}` : '';
  const from =
    `(SELECT ${out.join(', ')} FROM ${input.from} AS ${inputAlias}, ` +
    `LATERAL (SELECT ${lateralList.join(', ')}) AS ${u}${limit})`;
  return { from, cols, hot };
}

function castItem(v: string, t: Parameters<typeof castType>[0]): string {
  const text = `json_extract_string(${v}, '$')`;
  if (t === 'string') return `coalesce(CASE WHEN json_type(${v}) = 'VARCHAR' THEN ${text} END, '')`;
  if (t === 'bool') return `CASE WHEN json_type(${v}) = 'BOOLEAN' THEN CAST(${text} AS BOOLEAN) END`;
  return `TRY_CAST(${text} AS ${castType(t)})`;
}

/**
 * `mv-apply items on (subquery)` as a LATERAL subquery per input row: the row's columns plus the
 * expanded items (a FROM-less SELECT whose column references resolve to the outer row) are bound to
 * `MvApplyInput`, the subquery runs over them, and each row it returns is joined to its input row
 * (input columns the subquery does not return are kept, as KQL does).
 */
export function compileMvApply(
  c: QueryCompiler,
  q: Extract<Query, { kind: 'MvApply' }>,
  input: OrderedRel,
): OrderedRel {
  const d = c.d;
  const qi = (id: string) => d.quoteIdent(id);
  const lists = expansionLists(c, q.items, 'bag', input);
  const list: string[] = [];
  const cols: RelCol[] = [];
  for (const col of input.cols) {
    if (q.items.some((it) => it.name === col.name) || col.name === q.itemIndex) continue;
    list.push(qi(col.ident));
    cols.push(col);
  }
  for (const h of input.hot) if (cols.some((x) => x.name === h.column)) list.push(qi(h.ident));
  q.items.forEach((it, k) => {
    const ident = c.fresh(it.name);
    const v = `unnest(${lists[k]!})`;
    list.push(`${it.toType && it.toType !== 'dynamic' ? castItem(v, it.toType) : v} AS ${qi(ident)}`);
    cols.push({ name: it.name, type: it.toType ?? 'dynamic', ident });
  });
  if (q.itemIndex) {
    const ident = c.fresh(q.itemIndex);
    list.push(
      `CAST(unnest(range(greatest(${lists.map((l) => `len(${l})`).join(', ')}))) AS BIGINT) AS ${qi(ident)}`,
    );
    cols.push({ name: q.itemIndex, type: 'long', ident });
  }
  const applyInput: OrderedRel = {
    from: `(SELECT ${list.join(', ')})`,
    cols,
    hot: input.hot.filter((h) => cols.some((x) => x.name === h.column)),
  };
  const sub = c.withBinding('MvApplyInput', applyInput, () => c.query(q.subquery));
  const a = c.alias();
  const s = c.alias();
  const out = q.schema.map((col) => {
    const fromSub = sub.cols.find((x) => x.name === col.name);
    if (fromSub)
      return {
        sql: `${s}.${qi(fromSub.ident)}`,
        col: { name: col.name, type: fromSub.type, ident: c.fresh(col.name) },
      };
    const fromInput = input.cols.find((x) => x.name === col.name);
    if (!fromInput) return unsupported('mv-apply output', `column ${col.name} not found`, q.span);
    return {
      sql: `${a}.${qi(fromInput.ident)}`,
      col: { name: col.name, type: fromInput.type, ident: c.fresh(col.name) },
    };
  });
  return {
    from: `(SELECT ${out.map((o) => `${o.sql} AS ${qi(o.col.ident)}`).join(', ')} FROM ${input.from} AS ${a}, LATERAL ${sub.from} AS ${s})`,
    cols: out.map((o) => o.col),
    hot: [],
  };
}
