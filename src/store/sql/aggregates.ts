import type { Aggregate, Scalar } from '../../ir/query.js';
import type { ScalarCtx } from './compile-scalar.js';
import { unsupported } from './unsupported.js';
import { asBool, asJson, asNumber, castType, materialize, type SqlValue } from './values.js';

/** One aggregate compiled: SQL for each output column (in `names` order). */
export interface CompiledAggregate {
  /** Aggregate expressions computed in the GROUP BY select, with internal aliases. */
  readonly inner: readonly { readonly alias: string; readonly sql: string }[];
  /** Per output column: SQL over the inner aliases (identity, or a struct field for arg_max). */
  readonly outer: readonly string[];
}

/**
 * Compiles a summarize aggregate. Aggregates over an empty input follow KQL: `count()` 0,
 * `make_set`/`make_list` empty arrays, the rest null.
 */
export function compileAggregate(
  ctx: ScalarCtx,
  a: Aggregate,
  sub: (x: Scalar) => SqlValue,
  alias: (hint: string) => string,
): CompiledAggregate {
  const { d } = ctx;
  const arg = (i: number): SqlValue => {
    const x = a.args[i];
    if (!x) return unsupported(`${a.fn}()`, `argument ${i + 1} is missing`, a.span);
    return sub(x);
  };
  const one = (sql: string): CompiledAggregate => {
    const al = alias(a.names[0] ?? a.fn);
    return { inner: [{ alias: al, sql }], outer: [d.quoteIdent(al)] };
  };
  const filter = (i: number) => ` FILTER (WHERE ${asBool(d, arg(i))})`;
  const num = (i: number) => asNumber(d, arg(i));
  const val = (i: number) => materialize(d, arg(i));
  const out = castType(a.type);
  switch (a.fn) {
    case 'count':
      return one(a.args.length ? `CAST(count(${val(0)}) AS BIGINT)` : 'CAST(count(*) AS BIGINT)');
    case 'countif':
      return one(`CAST(count(*)${filter(0)} AS BIGINT)`);
    case 'dcount':
      return one(`CAST(count(DISTINCT ${val(0)}) AS BIGINT)`);
    case 'dcountif':
      return one(`CAST(count(DISTINCT ${val(0)})${filter(1)} AS BIGINT)`);
    case 'sum':
      return one(`CAST(sum(${num(0)}) AS ${out})`);
    case 'sumif':
      return one(`CAST(sum(${num(0)})${filter(1)} AS ${out})`);
    case 'avg':
      return one(`avg(${num(0)})`);
    case 'avgif':
      return one(`avg(${num(0)})${filter(1)}`);
    case 'min':
    case 'max':
      return one(`${a.fn}(${minMaxValue(ctx, arg(0))})`);
    case 'minif':
    case 'maxif':
      return one(`${a.fn.slice(0, 3)}(${minMaxValue(ctx, arg(0))})${filter(1)}`);
    case 'make_set':
    case 'make_set_if':
    case 'make_list':
    case 'make_list_if': {
      const isSet = a.fn.startsWith('make_set');
      const isIf = a.fn.endsWith('_if');
      const maxArg = isIf ? 2 : 1;
      const limit = a.args.length > maxArg ? `CAST(${num(maxArg)} AS BIGINT)` : undefined;
      const x = asJson(d, arg(0));
      const conds = [`${x} IS NOT NULL`, `${d.jsonType(x)} <> 'NULL'`];
      if (isIf) conds.push(`coalesce(${asBool(d, arg(1))}, false)`);
      const body = `list(${isSet ? 'DISTINCT ' : ''}${x}) FILTER (WHERE ${conds.join(' AND ')})`;
      const list = limit ? `list_slice(${body}, 1, ${limit})` : body;
      return one(`coalesce(to_json(${list}), CAST('[]' AS JSON))`);
    }
    case 'arg_max':
    case 'arg_min': {
      const key = minMaxValue(ctx, arg(0));
      const fields = a.args.slice(1).map((_, i) => {
        const v = arg(i + 1);
        return `${d.quoteString(`f${i}`)}: ${materialize(d, v)}`;
      });
      const al = alias(a.names[0] ?? a.fn);
      const keyAl = alias(`${a.names[0] ?? a.fn}_key`);
      const inner = [
        { alias: keyAl, sql: `${a.fn === 'arg_max' ? 'max' : 'min'}(${key})` },
        ...(fields.length ? [{ alias: al, sql: `${a.fn}({${fields.join(', ')}}, ${key})` }] : []),
      ];
      const outer = [d.quoteIdent(keyAl), ...fields.map((_, i) => `${d.quoteIdent(al)}.f${i}`)];
      return { inner, outer };
    }
    case 'take_any':
      return one(`any_value(${val(0)})`);
    case 'take_anyif':
      return one(`any_value(${val(0)})${filter(1)}`);
    case 'stdev':
      return one(`stddev_samp(${num(0)})`);
    case 'stdevp':
      return one(`stddev_pop(${num(0)})`);
    case 'variance':
      return one(`var_samp(${num(0)})`);
    case 'variancep':
      return one(`var_pop(${num(0)})`);
    case 'make_bag':
    case 'make_bag_if': {
      if (a.args.length > (a.fn === 'make_bag' ? 1 : 2))
        return unsupported(a.fn, 'the max-size argument is not compiled', a.span);
      const x = asJson(d, arg(0));
      const conds = [`${d.jsonType(x)} = 'OBJECT'`];
      if (a.fn === 'make_bag_if') conds.push(`coalesce(${asBool(d, arg(1))}, false)`);
      const bags = `list(${x}) FILTER (WHERE ${conds.join(' AND ')})`;
      return one(`coalesce(list_reduce(${bags}, lambda p, q: json_merge_patch(p, q)), CAST('{}' AS JSON))`);
    }
    case 'percentile':
    case 'percentiles': {
      // Nearest rank, as the in-memory engine computes it: the ceil(p/100 * n)-th smallest value.
      const x = arg(0);
      const isTime = x.type === 'datetime';
      const v = isTime ? d.epochMicros(x.sql) : asNumber(d, x);
      const sorted = `list_sort(list(${v}) FILTER (WHERE ${v} IS NOT NULL))`;
      const inner = [{ alias: alias(`${a.names[0] ?? a.fn}_sorted`), sql: sorted }];
      const outer = a.args.slice(1).map((p) => {
        const pv = sub(p);
        const at = `${d.quoteIdent(inner[0]!.alias)}[CAST(greatest(1, least(len(${d.quoteIdent(inner[0]!.alias)}), ceil(${asNumber(d, pv)} / 100.0 * len(${d.quoteIdent(inner[0]!.alias)})))) AS BIGINT)]`;
        return isTime ? d.fromEpochMicros(at) : at;
      });
      return { inner, outer };
    }
  }
}

function minMaxValue(ctx: ScalarCtx, v: SqlValue): string {
  if (v.path || v.type === 'dynamic') return asNumber(ctx.d, v);
  return v.sql;
}
