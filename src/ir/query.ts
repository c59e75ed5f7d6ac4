import type { Span } from '../diag/span.js';

/**
 * The tabular query IR: what the Kusto (KQL) front end lowers a hunt to, and what every tabular
 * backend executes (the in-memory evaluator in `engine/kusto/`, the DuckDB SQL compiler in `store/`).
 *
 * Design rules (stable contract; extended additively only):
 * - Everything is already resolved by the front end: every column reference names a real input
 *   column, every output column has an explicit `name`, wildcards (`project-away x*`, `arg_max(t, *)`)
 *   are expanded, `let` scalars and user functions are inlined, compatibility aliases are rewritten.
 * - Every scalar carries its static KQL type (`type`), taken from the official analyzer, so a backend
 *   can choose the right operation at compile time (datetime - datetime = timespan, dynamic vs string
 *   comparison, integer division) without inspecting values.
 * - Every tabular node carries its output `schema` (ordered columns with types).
 * - Runtime values (rows are `Record<string, Value>`):
 *   null -> `null`; bool -> boolean; int/long/real/decimal -> number; string -> string (never null:
 *   a missing string is `''`); datetime -> `Date`; timespan -> number of **milliseconds** (fractional
 *   for ticks); guid -> string; dynamic -> plain JSON (`null`, boolean, number, string, array, object).
 * - Literal values in the IR use the same encoding except datetime, which is epoch ms (a number), so
 *   the IR stays JSON-serializable.
 */

/** KQL scalar types. `long` and `int` are JS numbers (53-bit precision). */
export type KType =
  | 'bool'
  | 'int'
  | 'long'
  | 'real'
  | 'decimal'
  | 'string'
  | 'datetime'
  | 'timespan'
  | 'guid'
  | 'dynamic';

export interface ColumnDef {
  readonly name: string;
  readonly type: KType;
}

/** A whole KQL query after lowering: tabular `let` bindings (evaluated once, in order) and the result. */
export interface QueryProgram {
  /** Tabular `let x = <tabular>;` bindings, referenced by `Ref` nodes. `materialize` marks `materialize(...)`. */
  readonly bindings: readonly Binding[];
  readonly body: Query;
  /** The `render` hint of the final pipeline, if any (kept, never executed). */
  readonly render?: RenderHint;
}

export interface Binding {
  readonly name: string;
  readonly query: Query;
  readonly materialize: boolean;
}

export interface RenderHint {
  readonly chart: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** `name = expr`: one output column of project/extend/summarize-by/print. */
export interface NamedExpr {
  readonly name: string;
  readonly expr: Scalar;
  readonly span?: Span;
}

export interface SortKey {
  readonly expr: Scalar;
  /** KQL default is descending. */
  readonly desc: boolean;
  /** KQL default: nulls first for asc, nulls last for desc. Always set explicitly by the front end. */
  readonly nullsFirst: boolean;
}

/** Aggregation function names the IR knows. */
export type AggFn =
  | 'count'
  | 'countif'
  | 'dcount'
  | 'dcountif'
  | 'sum'
  | 'sumif'
  | 'avg'
  | 'avgif'
  | 'min'
  | 'max'
  | 'minif'
  | 'maxif'
  | 'make_set'
  | 'make_set_if'
  | 'make_list'
  | 'make_list_if'
  | 'make_bag'
  | 'make_bag_if'
  | 'arg_max'
  | 'arg_min'
  | 'take_any'
  | 'take_anyif'
  | 'percentile'
  | 'percentiles'
  | 'stdev'
  | 'stdevp'
  | 'variance'
  | 'variancep';

/**
 * One aggregation of summarize / make-series.
 * - Most functions: `args` as written (`count()` has none; `countif(p)` has the predicate; `dcount(x)`; `make_set(x [, max])`;
 *   `percentile(x, p)`; `percentiles(x, p1, p2...)`), one output column `names[0]`.
 * - `arg_max` / `arg_min`: `args[0]` is the expression maximized/minimized, `args[1..]` the returned columns
 *   (`*` already expanded); `names[0]` names the extremum column, `names[i]` the value of `args[i]`.
 * - `percentiles(x, p1, p2)`: one column per percentile, `names[i]` for `args[i+1]`.
 */
/** The `Ref` name a `top-nested` level's aggregate reads: the rows of one partition. */
export const topNestedRows = 'TopNestedRows';

/** One `top-nested` clause. */
export interface TopNestedLevel {
  /** How many values to keep per partition (all when absent). */
  readonly count?: Scalar;
  /** The partitioning value; `name` is its output column. */
  readonly key: NamedExpr;
  /** `with others = value`. */
  readonly others?: Scalar;
  /** Over the rows of one partition (`Ref` topNestedRows): one row holding column `aggName`. */
  readonly aggregate: Query;
  readonly aggName: string;
  readonly desc: boolean;
}

export interface Aggregate {
  readonly fn: AggFn;
  readonly args: readonly Scalar[];
  readonly names: readonly string[];
  readonly type: KType;
  readonly span?: Span;
}

export type JoinKind =
  | 'innerunique'
  | 'inner'
  | 'leftouter'
  | 'rightouter'
  | 'fullouter'
  | 'leftanti'
  | 'rightanti'
  | 'leftsemi'
  | 'rightsemi';

/** Tabular operator nodes. Pipelines are nested: each operator has an `input`. */
export type Query =
  /** A table from the catalogue (`AKSAudit`, `CloudAuditEvents`, ...). */
  | {
      readonly kind: 'Table';
      readonly name: string;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** A reference to a tabular `let` binding (or `as` name) of the program. */
  | {
      readonly kind: 'Ref';
      readonly name: string;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `datatable(a:string, b:long) [ ... ]`; `rows` are literal values (datetime as epoch ms). */
  | {
      readonly kind: 'Datatable';
      readonly schema: readonly ColumnDef[];
      readonly rows: readonly (readonly LiteralValue[])[];
      readonly span?: Span;
    }
  /** `range x from a to b step s` (inclusive of `to`). */
  | {
      readonly kind: 'Range';
      readonly column: string;
      readonly from: Scalar;
      readonly to: Scalar;
      readonly step: Scalar;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `print a = 1, b = 'x'`: one row. */
  | {
      readonly kind: 'Print';
      readonly columns: readonly NamedExpr[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  | {
      readonly kind: 'Where';
      readonly input: Query;
      readonly predicate: Scalar;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `extend`: adds or replaces columns (a replaced column keeps its position); later items see earlier ones. */
  | {
      readonly kind: 'Extend';
      readonly input: Query;
      readonly columns: readonly NamedExpr[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `project`: exactly these columns in this order. Items are evaluated against the input row. */
  | {
      readonly kind: 'Project';
      readonly input: Query;
      readonly columns: readonly NamedExpr[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `project-away` (names already expanded from wildcards). */
  | {
      readonly kind: 'ProjectAway';
      readonly input: Query;
      readonly columns: readonly string[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `project-rename new = old, ...`. */
  | {
      readonly kind: 'ProjectRename';
      readonly input: Query;
      readonly renames: readonly { readonly name: string; readonly from: string }[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `project-reorder`: the full output column order is `schema`. */
  | {
      readonly kind: 'ProjectReorder';
      readonly input: Query;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `summarize aggs by keys` (also `count`, `distinct`). Output: key columns first, then aggregates.
   * With no keys and no rows, one row of empty aggregates is produced (count() = 0), as in KQL.
   * Groups come out in order of first appearance; null keys form their own group.
   * Items computed over aggregates (`x = dcount(a) * 2`) are lowered to Summarize (hidden `__aggN`
   * columns) + Extend + Project, so backends only ever see plain aggregation calls here.
   */
  | {
      readonly kind: 'Summarize';
      readonly input: Query;
      readonly aggregates: readonly Aggregate[];
      readonly by: readonly NamedExpr[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `sort by` / `order by`. Stable. */
  | {
      readonly kind: 'Sort';
      readonly input: Query;
      readonly keys: readonly SortKey[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `take` / `limit`. */
  | {
      readonly kind: 'Take';
      readonly input: Query;
      readonly count: Scalar;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `top N by keys`. */
  | {
      readonly kind: 'Top';
      readonly input: Query;
      readonly count: Scalar;
      readonly keys: readonly SortKey[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `top-nested`: hierarchical top values. Level 1 partitions the input by its key and keeps the
   * `count` partitions with the highest (lowest, `desc: false`) aggregate; each further level does
   * the same within each partition kept by the level above. A row per kept path, two columns per
   * level (key, aggregate), in `schema` order. `others` (last level only) adds a row per partition
   * for the values not kept, with that key and their aggregate.
   */
  | {
      readonly kind: 'TopNested';
      readonly input: Query;
      readonly levels: readonly TopNestedLevel[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `mv-expand`. Each item's value is expanded: arrays one row per element, bags one row per key
   * (a single-entry bag, or `[key, value]` with `bagExpansion: 'array'`), null -> one row with null,
   * empty array/bag -> no row, other scalars -> one row. Several items are zipped, padded with null.
   * `toType` casts each element (non-conforming -> null). `itemIndex` adds a 0-based long column.
   */
  | {
      readonly kind: 'MvExpand';
      readonly input: Query;
      readonly items: readonly MvItem[];
      readonly bagExpansion: 'bag' | 'array';
      readonly itemIndex?: string;
      readonly limit?: number;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `mv-apply items on (subquery)`: for each input row, the items are expanded as mv-expand does into a
   * small table (the input row's columns plus the items), `subquery` runs over it (its source is a
   * `Ref` named `MvApplyInput`), and the rows it returns are emitted.
   */
  | {
      readonly kind: 'MvApply';
      readonly input: Query;
      readonly items: readonly MvItem[];
      readonly itemIndex?: string;
      readonly subquery: Query;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `parse` / `parse kind=regex` / `parse-where`: `regex` is an RE2 pattern (anchored at the start for
   * simple mode), `columns[i]` receives the named capture group `c{i}` (`(?P<c0>...)`) cast to its type. Rows that do not match
   * get empty/null columns (or are dropped with `dropNonMatching`, for parse-where).
   */
  | {
      readonly kind: 'Parse';
      readonly input: Query;
      readonly source: Scalar;
      readonly regex: string;
      readonly flags: string;
      readonly columns: readonly ColumnDef[];
      readonly dropNonMatching: boolean;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `union`: columns matched by name (`schema` is the union, outer). `withSource` adds a column naming the input. */
  | {
      readonly kind: 'Union';
      readonly inputs: readonly Query[];
      readonly sourceNames: readonly string[];
      readonly withSource?: string;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `join kind=K (right) on keys [, where]`. `on` pairs are column names of left and right; null keys match
   * null keys. Output (inner/outer kinds): left columns, then right columns, where a right column whose
   * name is already taken is renamed with a numeric suffix (`name1`) - `rightNames` gives the output name
   * for every right column, in right schema order. Semi/anti kinds output only one side.
   */
  | {
      readonly kind: 'Join';
      readonly left: Query;
      readonly right: Query;
      readonly joinKind: JoinKind;
      readonly on: readonly { readonly left: string; readonly right: string }[];
      readonly rightNames: readonly string[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `lookup kind=leftouter|inner (right) on keys`: like join, but right key columns are not repeated and
   * every matching right row gives an output row (no de-duplication).
   */
  | {
      readonly kind: 'Lookup';
      readonly left: Query;
      readonly right: Query;
      readonly joinKind: 'leftouter' | 'inner';
      readonly on: readonly { readonly left: string; readonly right: string }[];
      readonly rightNames: readonly string[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `make-series aggs default=D on axis from F to T step S by keys`: one row per key group, each aggregate a
   * dynamic array with one slot per step in [from, to), empty slots = `default` (0 unless given), plus the
   * axis column (array of bin start datetimes/numbers). `from`/`to` default to the data min/max.
   */
  | {
      readonly kind: 'MakeSeries';
      readonly input: Query;
      readonly aggregates: readonly (Aggregate & { readonly default: LiteralValue })[];
      readonly axis: NamedExpr;
      readonly from?: Scalar;
      readonly to?: Scalar;
      readonly step: Scalar;
      readonly by: readonly NamedExpr[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /**
   * `as name`: the input unchanged, also bound to `name` for later `Ref`s in the same query. (The Kusto
   * front end lowers `as` to a materialized Binding plus a Ref instead, so backends see no As nodes.)
   */
  | {
      readonly kind: 'As';
      readonly input: Query;
      readonly name: string;
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    }
  /** `serialize` and other operators that do not change rows in this engine. */
  | {
      readonly kind: 'Serialize';
      readonly input: Query;
      readonly columns: readonly NamedExpr[];
      readonly schema: readonly ColumnDef[];
      readonly span?: Span;
    };

export interface MvItem {
  readonly name: string;
  readonly expr: Scalar;
  readonly toType?: KType;
}

export type LiteralValue =
  | null
  | boolean
  | number
  | string
  | readonly unknown[]
  | { readonly [k: string]: unknown };

/** Binary operators on scalars (after type checking by the analyzer). */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'mod'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  /** `=~` / `!~`: case-insensitive equality. */
  | 'eq_ci'
  | 'ne_ci'
  | 'and'
  | 'or';

/** String predicates; `cs` = the `_cs` case-sensitive form; `negated` = the `!` form. */
export type StringOp =
  | 'has'
  | 'hasprefix'
  | 'hassuffix'
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 'matches_regex';

/** Scalar expression nodes. */
export type Scalar =
  | { readonly kind: 'Literal'; readonly value: LiteralValue; readonly type: KType; readonly span?: Span }
  /** A column of the current row. */
  | { readonly kind: 'Column'; readonly name: string; readonly type: KType; readonly span?: Span }
  /**
   * Dynamic member access: `x.name`, `x["name"]`, `x[0]`, `x[-1]` (from the end). A missing key or index,
   * or a non-container target, gives null. The result is always dynamic.
   */
  | {
      readonly kind: 'Member';
      readonly target: Scalar;
      readonly key: Scalar;
      readonly type: KType;
      readonly span?: Span;
    }
  | {
      readonly kind: 'Binary';
      readonly op: BinaryOp;
      readonly left: Scalar;
      readonly right: Scalar;
      readonly type: KType;
      readonly span?: Span;
    }
  /** Unary minus (`-x`); `not()` is a Call. */
  | { readonly kind: 'Negate'; readonly arg: Scalar; readonly type: KType; readonly span?: Span }
  /**
   * A string predicate. Null/empty handling (spec: null-values.md, measured): when the left side is null
   * the positive form is false and the negated form is true. Dynamic values compare by their text.
   */
  | {
      readonly kind: 'StrOp';
      readonly op: StringOp;
      readonly cs: boolean;
      readonly negated: boolean;
      readonly left: Scalar;
      readonly right: Scalar;
      readonly type: KType;
      readonly span?: Span;
    }
  /** `in` / `!in` / `in~` / `!in~`: list items that are dynamic arrays are flattened one level. */
  | {
      readonly kind: 'In';
      readonly value: Scalar;
      readonly list: readonly Scalar[];
      readonly ci: boolean;
      readonly negated: boolean;
      readonly type: KType;
      readonly span?: Span;
    }
  /** `has_any(...)` (`all: false`) and `has_all(...)` (`all: true`); `cs` for `has_any_cs` etc. */
  | {
      readonly kind: 'HasAny';
      readonly value: Scalar;
      readonly list: readonly Scalar[];
      readonly all: boolean;
      readonly cs: boolean;
      readonly type: KType;
      readonly span?: Span;
    }
  /** `between (low .. high)` inclusive, `!between`. */
  | {
      readonly kind: 'Between';
      readonly value: Scalar;
      readonly low: Scalar;
      readonly high: Scalar;
      readonly negated: boolean;
      readonly type: KType;
      readonly span?: Span;
    }
  /**
   * A scalar function call by its canonical KQL name (aliases resolved: `iif` -> `iff`, `todynamic` ->
   * `parse_json`, `extractall` -> `extract_all`, `makeset` -> `make_set`, `pack` -> `bag_pack`).
   * `now()` and `ago()` read the query's pinned now.
   */
  | {
      readonly kind: 'Call';
      readonly fn: string;
      readonly args: readonly Scalar[];
      readonly type: KType;
      readonly span?: Span;
    }
  /** `toscalar(query)`: first column of the first row (null when empty). */
  | { readonly kind: 'ToScalar'; readonly query: Query; readonly type: KType; readonly span?: Span }
  /** A tabular expression used as a list (`x in (T | project y)`): the first column's values as a dynamic array. */
  | { readonly kind: 'ColumnList'; readonly query: Query; readonly type: KType; readonly span?: Span };

/** Column definitions of a query node. */
export const schemaOf = (q: Query): readonly ColumnDef[] => q.schema;
