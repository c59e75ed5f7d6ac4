import type { ColumnDef, KType, Scalar } from '../../ir/query.js';

/** A table the analyzer knows: name and ordered columns. */
export interface TableSchema {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
}

/**
 * A column name that is not an Azure Monitor column but appears in published AKS queries (e.g. the
 * seeds' `UserUsername`, `RequestURI`). auditscope resolves it to `rewrite` and warns with the portable
 * spelling, so a query that works here is never silently wrong in Log Analytics.
 */
export interface CompatAlias {
  readonly name: string;
  readonly type: KType;
  /** Tables the alias is offered on. */
  readonly tables: readonly string[];
  /** The portable KQL spelling, shown in the warning. */
  readonly portable: string;
  /** The IR expression it stands for. */
  rewrite(span?: { start: number; end: number }): Scalar;
}

const aksTables = ['AKSAudit', 'AKSAuditAdmin', 'ArcK8sAudit', 'ArcK8sAuditAdmin'];

const col = (name: string, type: KType, s?: { start: number; end: number }): Scalar =>
  s ? { kind: 'Column', name, type, span: s } : { kind: 'Column', name, type };
const member = (target: Scalar, key: string): Scalar => ({
  kind: 'Member',
  target,
  key: { kind: 'Literal', value: key, type: 'string' },
  type: 'dynamic',
});
const call = (fn: string, type: KType, arg: Scalar, s?: { start: number; end: number }): Scalar =>
  s ? { kind: 'Call', fn, args: [arg], type, span: s } : { kind: 'Call', fn, args: [arg], type };

/** The compatibility aliases (AKSAudit family). */
export const compatAliases: readonly CompatAlias[] = [
  {
    name: 'UserUsername',
    type: 'string',
    tables: aksTables,
    portable: 'tostring(User.username)',
    rewrite: (s) => call('tostring', 'string', member(col('User', 'dynamic', s), 'username'), s),
  },
  {
    name: 'ObjectRefResource',
    type: 'string',
    tables: aksTables,
    portable: 'tostring(ObjectRef.resource)',
    rewrite: (s) => call('tostring', 'string', member(col('ObjectRef', 'dynamic', s), 'resource'), s),
  },
  {
    name: 'ResponseStatusCode',
    type: 'int',
    tables: aksTables,
    portable: 'toint(ResponseStatus.code)',
    rewrite: (s) => call('toint', 'int', member(col('ResponseStatus', 'dynamic', s), 'code'), s),
  },
  {
    name: 'RequestURI',
    type: 'string',
    tables: aksTables,
    portable: 'RequestUri',
    rewrite: (s) => col('RequestUri', 'string', s),
  },
];

/** Adds the alias columns a table offers (when it does not already have a column of that name). */
export function withAliases(t: TableSchema): TableSchema {
  const have = new Set(t.columns.map((c) => c.name));
  const extra = compatAliases
    .filter((a) => a.tables.includes(t.name) && !have.has(a.name))
    .map((a) => ({ name: a.name, type: a.type }));
  return extra.length ? { name: t.name, columns: [...t.columns, ...extra] } : t;
}
