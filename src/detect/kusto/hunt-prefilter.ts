import type { PrefilterClause, PrefilterPlan } from '../../engine/prefilter.js';
import type { TableScan } from '../../engine/kusto/scan-plan.js';
import type { Scalar } from '../../ir/query.js';

/**
 * The byte-level prefilter (engine/prefilter.ts, performance.md §8) for a hunt: from the pushed-down
 * filters of every table reference, the necessary conditions on the four index keys of an audit
 * line (for now only the verb, see `auditKeys`). A line no table reference could keep is not
 * parsed. Conservative by construction:
 * - only `==`, `=~`, `in`, `in~` of a column (or member path) that is one of the index keys against
 *   literals, found among the top-level `and` terms of a filter, constrain a key (anything else, an
 *   `or`, a negation, leaves the key free);
 * - a table reference whose filters constrain no key, or a table that is not an audit table (Activity
 *   Log, Kubernetes events, ...), gives no plan at all: every line is parsed;
 * - the prefilter only ever skips lines of the two shapes it reads (raw audit Event, AKS record),
 *   compares lower-cased values (a superset of KQL's case-sensitive `==`), and treats an empty
 *   value set as "any".
 */

/** An index key of the line reader, named as a prefilter clause names it. */
export type Key = 'verbs' | 'resources' | 'subresources' | 'codes';

/**
 * Where each index key sits in the audit tables: a column, or a column and a member path. Only the
 * verb is used: the line reader takes an `objectRef` that comes after `responseStatus` (not Go's
 * struct order, but found in re-serialized samples such as samples/aks-attack) for an absent one,
 * which would skip lines a `resource` constraint must keep (differential test in
 * test/kusto/hunt-stream.test.ts); the verb is read first and does not depend on the order.
 */
const auditKeys: Readonly<Record<string, Readonly<Record<string, Key>>>> = {
  CloudAuditEvents: { OperationName: 'verbs', 'RawEventData.Verb': 'verbs' },
  ...Object.fromEntries(
    ['AKSAudit', 'AKSAuditAdmin', 'ArcK8sAudit', 'ArcK8sAuditAdmin'].map((t) => [t, { Verb: 'verbs' }]),
  ),
};

/** `Col` or `Col.a.b` (literal string keys) as text, else undefined. */
function pathText(e: Scalar): string | undefined {
  const keys: string[] = [];
  let t = e;
  while (t.kind === 'Member') {
    if (t.key.kind !== 'Literal' || typeof t.key.value !== 'string') return undefined;
    keys.unshift(t.key.value);
    t = t.target;
  }
  return t.kind === 'Column' ? [t.name, ...keys].join('.') : undefined;
}

/** A literal's text as the prefilter compares it (lower case), or undefined when it is not a usable constant. */
function literalText(e: Scalar, key: Key): string | undefined {
  if (e.kind !== 'Literal') return undefined;
  const v = e.value;
  if (typeof v === 'string') return v.toLowerCase();
  if (key === 'codes' && typeof v === 'number' && Number.isInteger(v)) return String(v);
  return undefined;
}

/** Adds the constraints of one filter's top-level `and` terms to `c`. */
function constrain(
  e: Scalar,
  keys: Readonly<Record<string, Key>>,
  c: Partial<Record<Key, Set<string>>>,
): void {
  if (e.kind === 'Binary' && e.op === 'and') {
    constrain(e.left, keys, c);
    constrain(e.right, keys, c);
    return;
  }
  let target: Scalar | undefined;
  let values: (string | undefined)[] = [];
  let key: Key | undefined;
  if (e.kind === 'Binary' && (e.op === 'eq' || e.op === 'eq_ci')) {
    const lp = pathText(e.left);
    const rp = pathText(e.right);
    const [col, lit] = lp && keys[lp] ? [e.left, e.right] : rp && keys[rp] ? [e.right, e.left] : [];
    if (!col || !lit) return;
    target = col;
    key = keys[pathText(col) ?? ''];
    if (key) values = [literalText(lit, key)];
  } else if (e.kind === 'In' && !e.negated) {
    target = e.value;
    key = keys[pathText(e.value) ?? ''];
    if (key) values = e.list.map((x) => literalText(x, key as Key));
  }
  if (!target || !key || !values.length || values.some((v) => v === undefined)) return;
  const set = new Set(values as string[]);
  const prev = c[key];
  // two constraints on one key: both must hold
  c[key] = prev ? new Set([...prev].filter((v) => set.has(v))) : set;
}

/**
 * The value sets a table reference's pushed-down filters require of the index keys `keys` names
 * (column or member path -> key); a key with no constraint is absent.
 * @example scanConstraints(scan, { Verb: 'verbs' }).verbs // Set { 'create' }
 */
export function scanConstraints(
  scan: TableScan,
  keys: Readonly<Record<string, Key>>,
): Partial<Record<Key, Set<string>>> {
  const c: Partial<Record<Key, Set<string>>> = {};
  for (const p of scan.predicates) constrain(p, keys, c);
  return c;
}

/**
 * The prefilter plan for the scans of a hunt, or undefined when some table reference could keep
 * any line.
 * @example huntPrefilterPlan(planScans(program), hasView) // { clauses: [{ verbs: Set{'create'} }] }
 */
export function huntPrefilterPlan(
  scans: readonly TableScan[],
  hasView: (table: string) => boolean,
): PrefilterPlan | undefined {
  const clauses: PrefilterClause[] = [];
  for (const s of scans) {
    if (!hasView(s.table)) continue; // an unknown table has no rows: it needs no line
    const keys = auditKeys[s.table];
    if (!keys) return undefined;
    const c = scanConstraints(s, keys);
    if (!c.verbs && !c.resources && !c.subresources && !c.codes) return undefined;
    clauses.push(c);
  }
  return clauses.length ? { clauses } : undefined;
}
