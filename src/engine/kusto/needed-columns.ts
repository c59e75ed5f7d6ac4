import type { QueryProgram, Scalar } from '../../ir/query.js';
import { forEachQueryNode } from '../../ir/walk-query.js';

/**
 * The column names a program can read from its tables: every column reference, every name an
 * operator reads by name (project-rename sources, join/lookup keys), and the output schema (columns
 * passed through unchanged). Used to build table rows with only these columns: rows of the views are
 * wide (AKSAudit has 25 columns) and most hunts read a handful. Conservative: a join keeps all
 * columns of both sides.
 * @example neededColumns(program).has('Verb')
 */
export function neededColumns(p: QueryProgram): Set<string> {
  return columnUsage(p).columns;
}

/**
 * The parts of a dynamic value a program reads: `whole` means the value is used as a whole below
 * this point (so everything under it must be kept); otherwise only the listed keys are read.
 */
export interface PathNode {
  whole: boolean;
  readonly keys: Map<string, PathNode>;
}

/** What a program reads of its tables: column names, and for columns read only through literal member paths, those paths. */
export interface ColumnUsage {
  /** Every column name the program may read (a superset: names are matched across all tables). */
  readonly columns: Set<string>;
  /**
   * For columns read only through `c.a.b` / `c["a"]` chains with literal string keys: the tree of
   * those paths (a column absent here, or whose root node is `whole`, is read as a whole).
   */
  readonly paths: Map<string, PathNode>;
}

const newNode = (): PathNode => ({ whole: false, keys: new Map() });

/**
 * Column pruning for a program (see neededColumns), with the member paths read of each dynamic
 * column: `RawEventData.ObjectRef.resource` reads only `ObjectRef.resource` of `RawEventData`, so a
 * row can keep a pruned copy of the value (pruneValue) and let the parsed event go. A column used
 * any other way (projected, passed to a function, expanded, renamed, joined, output) is whole.
 * @example columnUsage(p).paths.get('RawEventData')?.keys.has('ObjectRef')
 */
export function columnUsage(p: QueryProgram): ColumnUsage {
  const columns = new Set<string>();
  const paths = new Map<string, PathNode>();
  const whole = (name: string): void => {
    columns.add(name);
    const n = paths.get(name);
    if (n) n.whole = true;
    else paths.set(name, { whole: true, keys: new Map() });
  };
  const path = (name: string, keys: readonly string[]): void => {
    columns.add(name);
    let n = paths.get(name);
    if (!n) {
      n = newNode();
      paths.set(name, n);
    }
    for (const k of keys) {
      if (n.whole) return;
      let c = n.keys.get(k);
      if (!c) {
        c = newNode();
        n.keys.set(k, c);
      }
      n = c;
    }
    n.whole = true;
  };
  for (const c of p.body.schema) whole(c.name);
  forEachQueryNode(p, (o) => {
    switch (o.kind) {
      case 'Column':
        if (typeof o.name === 'string') whole(o.name);
        return false;
      case 'Member': {
        // the longest chain of literal string keys ending at a column: only that path is read
        const keys: string[] = [];
        let t = o as Scalar;
        while (t.kind === 'Member' && t.key.kind === 'Literal' && typeof t.key.value === 'string') {
          keys.unshift(t.key.value);
          t = t.target;
        }
        if (keys.length && t.kind === 'Column') {
          path(t.name, keys);
          return false;
        }
        break;
      }
      case 'ProjectRename':
        for (const r of o.renames as { from: string }[]) whole(r.from);
        break;
      case 'Join':
      case 'Lookup':
        for (const side of [o.left, o.right] as { schema: { name: string }[] }[])
          for (const c of side.schema) whole(c.name);
        break;
    }
    return true;
  });
  return { columns, paths };
}

/**
 * A copy of `v` holding only the parts `node` reads: plain objects keep the read keys (recursively),
 * anything else (arrays, scalars, a node read whole) is returned as is. Reads of the pruned value
 * along the recorded paths give exactly what they give on `v`.
 * @example pruneValue({ a: { b: 1, c: 2 }, d: 3 }, tree) // { a: { b: 1 } } when only a.b is read
 */
export function pruneValue(v: unknown, node: PathNode): unknown {
  if (node.whole || v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return v;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, child] of node.keys) {
    // `__proto__` cannot be an own key of a plain object literal: keep the original value instead
    if (k === '__proto__') return v;
    if (!Object.hasOwn(src, k)) continue;
    out[k] = pruneValue(src[k], child);
  }
  return out;
}
