/**
 * Visits every IR node object inside `root` (a query program, a node, or arrays of them), parents
 * before children, skipping `schema` (derived column lists, not part of the query) and `span`.
 * `visit` returns whether to walk into the node's children. Generic over the node shapes on purpose:
 * a new node kind is walked without a change here.
 * @example forEachQueryNode(program, (o) => { if (o.kind === 'Table') names.add(o.name as string); return true; });
 */
export function forEachQueryNode(root: unknown, visit: (o: Record<string, unknown>) => boolean): void {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (!visit(o)) return;
    for (const [k, x] of Object.entries(o)) if (k !== 'schema' && k !== 'span') walk(x);
  };
  walk(root);
}
