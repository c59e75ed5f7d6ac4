import type { KType, LiteralValue } from '../../ir/query.js';
import { jsonPathOf } from '../json-path.js';
import type { SqlDialect } from './dialect.js';
import { unsupported } from './unsupported.js';

/**
 * A compiled scalar. Dynamic member chains stay symbolic (`path`) until used, so the compiler can
 * read a shredded hot column for text use (`== "pods"`, `startswith`, `tostring`) and extract JSON
 * only where a JSON value is needed.
 */
export interface SqlValue {
  readonly sql: string;
  readonly type: KType;
  readonly path?: {
    readonly base: string;
    readonly steps: readonly (string | number)[];
    readonly hot?: string;
    /** A column holding the JSON value of the first `depth` steps (read from it instead of `base`). */
    readonly part?: { readonly ident: string; readonly depth: number };
  };
  /** Set when the value is a literal (string/number/bool), for patterns built at compile time. */
  readonly literal?: LiteralValue;
}

const numeric = new Set<KType>(['int', 'long', 'real', 'decimal']);
export const isNumeric = (t: KType): boolean => numeric.has(t);

/** Where a path is read from: its JSON part with the remaining steps, else its base. */
function effectivePath(p: NonNullable<SqlValue['path']>): {
  base: string;
  steps: readonly (string | number)[];
} {
  return p.part ? { base: p.part.ident, steps: p.steps.slice(p.part.depth) } : p;
}

/** The JSON value of a compiled scalar. */
export function asJson(d: SqlDialect, v: SqlValue): string {
  if (v.path) {
    const { base, steps } = effectivePath(v.path);
    return d.jsonExtract(base, jsonPathOf(steps));
  }
  if (v.type === 'dynamic') return v.sql;
  if (v.type === 'datetime') return d.toJson(kqlDatetimeText(d, v.sql));
  return d.toJson(v.sql);
}

/**
 * KQL's text of a value (what `tostring()` gives, and what string operators compare): strings
 * as-is, dynamic strings unquoted and other dynamic values as JSON, numbers and bools as text.
 * NULL when the value is null (callers decide between `''` and null semantics).
 */
export function asText(d: SqlDialect, v: SqlValue): string {
  if (v.path) {
    if (v.path.hot) return v.path.hot;
    const { base, steps } = effectivePath(v.path);
    return d.jsonText(base, jsonPathOf(steps));
  }
  switch (v.type) {
    case 'string':
    case 'guid':
      return v.sql;
    case 'dynamic':
      return d.jsonText(v.sql, '$');
    case 'bool':
      return `CASE WHEN ${v.sql} THEN 'true' WHEN NOT ${v.sql} THEN 'false' END`;
    case 'int':
    case 'long':
      return `CAST(${v.sql} AS VARCHAR)`;
    case 'datetime':
      return kqlDatetimeText(d, v.sql);
    case 'real':
    case 'decimal':
    case 'timespan':
      // KQL prints reals and timespans in .NET formats the SQL engine does not reproduce.
      return unsupported(
        `tostring(${v.type})`,
        `KQL's text form of ${v.type} values is not reproduced in SQL`,
      );
  }
}

/** ISO text as KQL prints a datetime: `2024-05-01T10:00:00Z`, 7 fractional digits when not whole seconds. */
export function kqlDatetimeText(_d: SqlDialect, ts: string): string {
  return (
    `CASE WHEN ${ts} IS NULL THEN NULL WHEN microsecond(${ts}) % 1000000 = 0 THEN strftime(${ts}, '%Y-%m-%dT%H:%M:%SZ') ` +
    `ELSE strftime(${ts}, '%Y-%m-%dT%H:%M:%S.%f') || '0Z' END`
  );
}

/** A numeric view of a value: dynamic and string values are parsed (NULL when not a number). */
export function asNumber(d: SqlDialect, v: SqlValue): string {
  if (v.path || v.type === 'dynamic' || v.type === 'string') return `TRY_CAST(${asText(d, v)} AS DOUBLE)`;
  if (v.type === 'bool') return `CAST(${v.sql} AS INTEGER)`;
  return v.sql;
}

/** A boolean view of a value (dynamic `true` / `"true"`). */
export function asBool(d: SqlDialect, v: SqlValue): string {
  if (v.type === 'bool' && !v.path) return v.sql;
  if (isNumeric(v.type)) return `(${v.sql} <> 0)`;
  const t = asText(d, v);
  return `CASE lower(${t}) WHEN 'true' THEN true WHEN 'false' THEN false END`;
}

/** An SQL literal for a KQL literal of a type. */
export function literalSql(d: SqlDialect, value: LiteralValue, type: KType): string {
  if (value === null) return type === 'string' ? `''` : `CAST(NULL AS ${castType(type)})`;
  switch (type) {
    case 'string':
    case 'guid':
      return d.quoteString(String(value));
    case 'bool':
      return value ? 'true' : 'false';
    case 'int':
    case 'long':
      return `CAST(${Number(value)} AS BIGINT)`;
    case 'real':
    case 'decimal':
    case 'timespan':
      return Number.isFinite(Number(value)) ? `CAST(${Number(value)} AS DOUBLE)` : `CAST(NULL AS DOUBLE)`;
    case 'datetime':
      return d.timestamp(Number(value));
    case 'dynamic':
      return `CAST(${d.quoteString(JSON.stringify(value))} AS JSON)`;
  }
}

/** The SQL type used for a KQL type in expressions. */
export function castType(t: KType): string {
  switch (t) {
    case 'bool':
      return 'BOOLEAN';
    case 'int':
    case 'long':
      return 'BIGINT';
    case 'real':
    case 'decimal':
    case 'timespan':
      return 'DOUBLE';
    case 'string':
    case 'guid':
      return 'VARCHAR';
    case 'datetime':
      return 'TIMESTAMP';
    case 'dynamic':
      return 'JSON';
  }
}

/** Materializes a value as an SQL expression of its KQL type (dynamic paths become JSON). */
export const materialize = (d: SqlDialect, v: SqlValue): string => (v.path ? asJson(d, v) : v.sql);
