import type { ColumnDef, NamedExpr, Query, QueryProgram, Scalar, SortKey } from '../../ir/query.js';
import type { StoredTable } from '../schema.js';
import { compileMakeSeries } from './compile-make-series.js';
import { compileMvApply, compileMvExpand } from './compile-mv-expand.js';
import { compileScalar, compileWhere, type ScalarCtx } from './compile-scalar.js';
import { compileJoin, compileUnion } from './compile-set-ops.js';
import { compileParse, compileSummarize } from './compile-summarize.js';
import { duckdbDialect, type SqlDialect } from './dialect.js';
import { referencedColumns } from './referenced-columns.js';
import type { Rel, RelCol, RelHot } from './relation.js';
import { type Unsupported, UnsupportedError, unsupported } from './unsupported.js';
import { asText, castType, literalSql, materialize, type SqlValue } from './values.js';

/** A query compiled to one SQL statement; result columns come back in `columns` order. */
export interface CompiledSql {
  readonly kind: 'Sql';
  readonly sql: string;
  readonly columns: readonly ColumnDef[];
}

export interface CompileOptions {
  /** The query's pinned now (epoch ms): `now()` and `ago()` read it, so results are reproducible. */
  readonly nowMs: number;
  readonly dialect?: SqlDialect;
}

/** A relation plus the ORDER BY that still holds on it (dropped when an operator may reorder rows). */
export interface OrderedRel extends Rel {
  readonly order?: { readonly sql: string; readonly idents: readonly string[] };
}

/**
 * Compiles a lowered KQL program to one SQL statement over a store's tables: a small visitor over
 * the query IR (one nested SELECT per operator; `let` bindings become CTEs) with dialect hooks for
 * engine-specific spellings. Anything SQL cannot express exactly returns `Unsupported`.
 * @example const r = compileProgram(program, catalog, { nowMs: Date.now() }); if (r.kind === 'Sql') console.log(r.sql)
 */
export function compileProgram(
  p: QueryProgram,
  catalog: ReadonlyMap<string, StoredTable>,
  opts: CompileOptions,
): CompiledSql | Unsupported {
  try {
    return new QueryCompiler(catalog, opts.nowMs, opts.dialect ?? duckdbDialect).program(p);
  } catch (e) {
    if (e instanceof UnsupportedError) return e.toResult();
    throw e;
  }
}

/** The visitor; one instance per compilation (no state outlives a call). */
export class QueryCompiler {
  private n = 0;
  private readonly ctes: string[] = [];
  private readonly bindings = new Map<string, OrderedRel>();

  constructor(
    private readonly catalog: ReadonlyMap<string, StoredTable>,
    readonly nowMs: number,
    readonly d: SqlDialect,
  ) {}

  /** A fresh identifier, unique in the whole statement. */
  fresh(hint: string): string {
    return `${hint.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}__${++this.n}`;
  }

  /** Compiles `fn` with `name` bound to `rel` (for `Ref` nodes), restoring the previous binding after. */
  withBinding<T>(name: string, rel: OrderedRel, fn: () => T): T {
    const prior = this.bindings.get(name);
    this.bindings.set(name, rel);
    try {
      return fn();
    } finally {
      if (prior) this.bindings.set(name, prior);
      else this.bindings.delete(name);
    }
  }

  alias(): string {
    return `_q${++this.n}`;
  }

  program(p: QueryProgram): CompiledSql {
    for (const b of p.bindings) this.bind(b.name, this.query(b.query), b.materialize);
    const rel = this.query(p.body);
    const out = rel.cols.map((c, i) => `${this.outputValue(c)} AS ${this.d.quoteIdent(`__out${i}`)}`);
    const order = rel.order ? ` ORDER BY ${rel.order.sql}` : '';
    const select = `SELECT ${out.join(', ') || '1 AS __none'} FROM ${rel.from} AS _f${order}`;
    const sql = this.ctes.length ? `WITH ${this.ctes.join(', ')} ${select}` : select;
    return { kind: 'Sql', sql, columns: rel.cols.map((c) => ({ name: c.name, type: c.type })) };
  }

  private outputValue(c: RelCol): string {
    const id = this.d.quoteIdent(c.ident);
    switch (c.type) {
      case 'datetime':
        return this.d.epochMicros(id);
      case 'dynamic':
        return `CAST(${id} AS VARCHAR)`;
      case 'string':
        return `coalesce(${id}, '')`;
      case 'int':
      case 'long':
      case 'real':
      case 'decimal':
      case 'timespan':
        return `CAST(${id} AS DOUBLE)`;
      default:
        return id;
    }
  }

  private bind(name: string, rel: OrderedRel, materialized: boolean): OrderedRel {
    const cte = this.fresh(`let_${name}`);
    const order = rel.order ? ` ORDER BY ${rel.order.sql}` : '';
    this.ctes.push(
      `${this.d.quoteIdent(cte)} AS ${materialized ? 'MATERIALIZED ' : ''}(SELECT * FROM ${rel.from} AS ${this.alias()}${order})`,
    );
    const bound: OrderedRel = { from: this.d.quoteIdent(cte), cols: rel.cols, hot: rel.hot };
    this.bindings.set(name, bound);
    return bound;
  }

  scalarCtx(rel: Rel): ScalarCtx {
    return {
      d: this.d,
      rel,
      nowMs: this.nowMs,
      subquery: (q) => {
        const r = this.query(q);
        return { sql: r.from, cols: r.cols };
      },
    };
  }

  scalar(rel: Rel, e: Scalar): SqlValue {
    return compileScalar(this.scalarCtx(rel), e);
  }

  /** A scalar as an SQL expression of its own KQL type. */
  expr(rel: Rel, e: Scalar): string {
    const v = this.scalar(rel, e);
    if (e.type === 'string' && (v.path || v.type === 'dynamic')) return `coalesce(${asText(this.d, v)}, '')`;
    if (e.type === 'string') return `coalesce(${materialize(this.d, v)}, '')`;
    return materialize(this.d, v);
  }

  /** Wraps a SELECT over a relation. */
  select(list: readonly string[], input: Rel, rest = ''): string {
    return `(SELECT ${list.join(', ')} FROM ${input.from} AS ${this.alias()}${rest})`;
  }

  private keepOrder(rel: OrderedRel, idents: Iterable<string>): OrderedRel['order'] {
    if (!rel.order) return undefined;
    const have = new Set(idents);
    return rel.order.idents.every((i) => have.has(i)) ? rel.order : undefined;
  }

  query(q: Query): OrderedRel {
    const d = this.d;
    switch (q.kind) {
      case 'Table':
        return this.table(q);
      case 'Ref': {
        const b = this.bindings.get(q.name);
        if (!b) return unsupported(`reference ${q.name}`, 'unknown binding', q.span);
        return b;
      }
      case 'As': {
        const rel = this.query(q.input);
        this.bind(q.name, rel, false);
        return rel;
      }
      case 'Datatable':
        return this.datatable(q.schema, q.rows);
      case 'Print': {
        const empty: Rel = { from: '(SELECT 1 AS __one)', cols: [], hot: [] };
        const cols = q.columns.map((c) => ({
          name: c.name,
          type: q.schema.find((s) => s.name === c.name)?.type ?? c.expr.type,
          ident: this.fresh(c.name),
        }));
        const list = q.columns.map(
          (c, i) => `${this.expr(empty, c.expr)} AS ${d.quoteIdent(cols[i]!.ident)}`,
        );
        return { from: this.select(list, empty), cols, hot: [] };
      }
      case 'Range': {
        const empty: Rel = { from: '(SELECT 1 AS __one)', cols: [], hot: [] };
        const type = q.schema[0]?.type ?? 'long';
        const ident = this.fresh(q.column);
        const from = this.expr(empty, q.from);
        const to = this.expr(empty, q.to);
        const step = this.expr(empty, q.step);
        const series =
          type === 'datetime'
            ? `generate_series(${from}, ${to}, to_microseconds(CAST(round(${step} * 1000) AS BIGINT)))`
            : `generate_series(${from}, ${to}, ${step})`;
        return {
          from: `(SELECT unnest(${series}) AS ${d.quoteIdent(ident)})`,
          cols: [{ name: q.column, type, ident }],
          hot: [],
        };
      }
      case 'Where': {
        const input = this.query(q.input);
        const cond = compileWhere(this.scalarCtx(input), q.predicate);
        return {
          ...input,
          from: this.select(['*'], input, ` WHERE ${cond}`),
          ...(input.order ? { order: input.order } : {}),
        };
      }
      case 'Extend':
      case 'Serialize':
        return this.extend(this.query(q.input), q.columns);
      case 'Project':
        return this.project(this.query(q.input), q.columns, q.schema);
      case 'ProjectAway': {
        const input = this.query(q.input);
        const drop = new Set(q.columns);
        return this.passThrough(
          input,
          input.cols.filter((c) => !drop.has(c.name)).map((c) => ({ col: c, name: c.name })),
        );
      }
      case 'ProjectRename': {
        const input = this.query(q.input);
        const renames = new Map(q.renames.map((r) => [r.from, r.name]));
        const renamedTo = new Set(q.renames.map((r) => r.name));
        const kept = input.cols
          .filter((c) => renames.has(c.name) || !renamedTo.has(c.name))
          .map((c) => ({ col: c, name: renames.get(c.name) ?? c.name }));
        return this.passThrough(input, kept);
      }
      case 'ProjectReorder': {
        const input = this.query(q.input);
        const kept = q.schema.map((s) => {
          const c = input.cols.find((x) => x.name === s.name);
          if (!c) return unsupported('project-reorder', `column ${s.name} not found`, q.span);
          return { col: c, name: c.name };
        });
        return this.passThrough(input, kept);
      }
      case 'Summarize':
        return compileSummarize(this, q);
      case 'Sort': {
        const input = this.query(q.input);
        const order = this.orderBy(input, q.keys);
        return { ...input, from: this.select(['*'], input, ` ORDER BY ${order.sql}`), order };
      }
      case 'Take': {
        const input = this.query(q.input);
        const n = this.expr(input, q.count);
        const order = input.order ? ` ORDER BY ${input.order.sql}` : '';
        return { ...input, from: this.select(['*'], input, `${order} LIMIT ${n}`) };
      }
      case 'Top': {
        const input = this.query(q.input);
        const order = this.orderBy(input, q.keys);
        const n = this.expr(input, q.count);
        return { ...input, from: this.select(['*'], input, ` ORDER BY ${order.sql} LIMIT ${n}`), order };
      }
      case 'MvExpand':
        return compileMvExpand(this, q, this.query(q.input));
      case 'Parse':
        return compileParse(this, q);
      case 'Union':
        return compileUnion(this, q);
      case 'Join':
      case 'Lookup':
        return compileJoin(this, q);
      case 'MvApply':
        return compileMvApply(this, q, this.query(q.input));
      case 'MakeSeries':
        return compileMakeSeries(this, q);
      case 'TopNested':
        return unsupported('top-nested', 'hierarchical top values are computed in memory', q.span);
    }
  }

  private table(q: Extract<Query, { kind: 'Table' }>): OrderedRel {
    const t = this.catalog.get(q.name);
    if (!t) return unsupported(`table ${q.name}`, 'the store holds no such table', q.span);
    const cols = q.schema.map((s) => {
      const c = t.columns.find((x) => x.name === s.name);
      if (!c) return unsupported(`column ${q.name}.${s.name}`, 'the store has no such column', q.span);
      return { name: s.name, type: s.type, ident: c.physical };
    });
    const hot: RelHot[] = t.hot
      .map((h) => ({ column: h.column, path: h.path, ident: h.physical, ...(h.json ? { json: true } : {}) }))
      .filter((h) => cols.some((c) => c.name === h.column));
    // Variants that share a physical column (Isp/ISP) expose their hot paths under each name.
    for (const c of t.columns) {
      const owner = t.columns.find((o) => o.physical === c.physical);
      if (owner && owner.name !== c.name)
        for (const h of t.hot)
          if (h.column === owner.name)
            hot.push({ column: c.name, path: h.path, ident: h.physical, ...(h.json ? { json: true } : {}) });
    }
    return { from: this.d.quoteIdent(t.name), cols, hot };
  }

  private datatable(
    schema: readonly ColumnDef[],
    rows: Extract<Query, { kind: 'Datatable' }>['rows'],
  ): OrderedRel {
    const d = this.d;
    const cols = schema.map((c) => ({ name: c.name, type: c.type, ident: this.fresh(c.name) }));
    if (rows.length === 0 || cols.length === 0) {
      const list = cols.map((c) => `${literalSql(d, null, c.type)} AS ${d.quoteIdent(c.ident)}`);
      return { from: `(SELECT ${list.join(', ') || '1 AS __none'} WHERE false)`, cols, hot: [] };
    }
    const values = rows.map(
      (r) => `(${cols.map((c, i) => `${literalSql(d, r[i] ?? null, c.type)}`).join(', ')})`,
    );
    const list = cols.map(
      (c, i) => `CAST(${d.quoteIdent(`v${i}`)} AS ${castType(c.type)}) AS ${d.quoteIdent(c.ident)}`,
    );
    const names = cols.map((_, i) => d.quoteIdent(`v${i}`)).join(', ');
    return {
      from: `(SELECT ${list.join(', ')} FROM (VALUES ${values.join(', ')}) AS _v(${names}))`,
      cols,
      hot: [],
    };
  }

  private extend(input: OrderedRel, columns: readonly NamedExpr[]): OrderedRel {
    let rel: OrderedRel = input;
    const d = this.d;
    for (const c of columns) {
      const v = this.expr(rel, c.expr);
      const existing = rel.cols.find((x) => x.name === c.name);
      if (existing) {
        const ident = this.fresh(c.name);
        const cols = rel.cols.map((x) => (x === existing ? { name: c.name, type: c.expr.type, ident } : x));
        const hot = rel.hot.filter((h) => h.column !== c.name);
        const order = this.keepOrder(
          rel,
          cols.map((x) => x.ident),
        );
        rel = {
          from: this.select([`*`, `${v} AS ${d.quoteIdent(ident)}`], rel),
          cols,
          hot,
          ...(order ? { order } : {}),
        };
      } else {
        const ident = this.fresh(c.name);
        rel = {
          from: this.select(['*', `${v} AS ${d.quoteIdent(ident)}`], rel),
          cols: [...rel.cols, { name: c.name, type: c.expr.type, ident }],
          hot: rel.hot,
          ...(rel.order ? { order: rel.order } : {}),
        };
      }
    }
    return rel;
  }

  private project(
    input: OrderedRel,
    columns: readonly NamedExpr[],
    schema: readonly ColumnDef[],
  ): OrderedRel {
    const d = this.d;
    const list: string[] = [];
    const cols: RelCol[] = [];
    const hot: RelHot[] = [];
    for (const c of columns) {
      const type = schema.find((s) => s.name === c.name)?.type ?? c.expr.type;
      if (c.expr.kind === 'Column') {
        const src = input.cols.find((x) => x.name === (c.expr as { name: string }).name);
        if (src && !cols.some((x) => x.ident === src.ident)) {
          list.push(d.quoteIdent(src.ident));
          cols.push({ name: c.name, type: src.type, ident: src.ident });
          for (const h of input.hot) {
            if (h.column !== src.name) continue;
            if (!list.includes(d.quoteIdent(h.ident))) list.push(d.quoteIdent(h.ident));
            hot.push({ ...h, column: c.name });
          }
          continue;
        }
      }
      const ident = this.fresh(c.name);
      list.push(`${this.expr(input, c.expr)} AS ${d.quoteIdent(ident)}`);
      cols.push({ name: c.name, type, ident });
    }
    const order = this.keepOrder(
      input,
      cols.map((c) => c.ident),
    );
    return {
      from: this.select(list.length ? list : ['1 AS __none'], input),
      cols,
      hot,
      ...(order ? { order } : {}),
    };
  }

  /** Selects input columns (possibly renamed) without computing anything. */
  private passThrough(input: OrderedRel, kept: readonly { col: RelCol; name: string }[]): OrderedRel {
    const d = this.d;
    const list: string[] = [];
    const hot: RelHot[] = [];
    for (const k of kept) {
      list.push(d.quoteIdent(k.col.ident));
      for (const h of input.hot) {
        if (h.column !== k.col.name) continue;
        list.push(d.quoteIdent(h.ident));
        hot.push({ ...h, column: k.name });
      }
    }
    const cols = kept.map((k) => ({ name: k.name, type: k.col.type, ident: k.col.ident }));
    const order = this.keepOrder(
      input,
      cols.map((c) => c.ident),
    );
    return {
      from: this.select(list.length ? list : ['1 AS __none'], input),
      cols,
      hot,
      ...(order ? { order } : {}),
    };
  }

  orderBy(rel: Rel, keys: readonly SortKey[]): { sql: string; idents: string[] } {
    const idents = new Set<string>();
    const parts = keys.map((k) => {
      for (const c of referencedColumns(k.expr)) {
        const rc = rel.cols.find((x) => x.name === c);
        if (rc) idents.add(rc.ident);
        for (const h of rel.hot) if (h.column === c) idents.add(h.ident);
      }
      return `${this.expr(rel, k.expr)} ${k.desc ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`;
    });
    return { sql: parts.join(', '), idents: [...idents] };
  }
}
