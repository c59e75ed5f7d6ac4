import type { KType } from '../../ir/query.js';

/**
 * A relation while compiling a query: SQL text usable after FROM, and how each KQL column of the
 * relation is named in it. KQL names are case-sensitive and SQL identifiers are not, so every
 * column gets an SQL alias unique case-insensitively within its relation (`ISP` -> `ISP_2` when
 * `Isp` is taken); the final SELECT maps results back to KQL names by position.
 */
export interface Rel {
  /** A parenthesized SELECT, a CTE name or a table name. */
  readonly from: string;
  readonly cols: readonly RelCol[];
  /** Shredded hot paths still reachable through the relation (see store/hot-paths.ts). */
  readonly hot: readonly RelHot[];
}

export interface RelCol {
  readonly name: string;
  readonly type: KType;
  /** Identifier of the column in `from`. */
  readonly ident: string;
}

export interface RelHot {
  readonly column: string;
  readonly path: readonly string[];
  readonly ident: string;
  /** The ident holds the JSON value at the path (a part), not its text. */
  readonly json?: boolean;
}

/** Allocates SQL aliases that are unique case-insensitively. */
export class AliasSet {
  private readonly used = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r.toLowerCase());
  }
  take(name: string): string {
    const base = name.replace(/[^A-Za-z0-9_]/g, '_') || 'c';
    let alias = base;
    for (let i = 2; this.used.has(alias.toLowerCase()); i++) alias = `${base}_${i}`;
    this.used.add(alias.toLowerCase());
    return alias;
  }
}

/** Finds a column of a relation by its exact (case-sensitive) KQL name. */
export const colOf = (rel: Rel, name: string): RelCol | undefined => rel.cols.find((c) => c.name === name);
