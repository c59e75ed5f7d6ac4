import { type Expr, isLiteral, patternText } from '../ir/expr.js';
import type { AuditEvent, EventKind } from '../model/event.js';

/**
 * What a rule needs from an event before it can match: the event kinds it reads, and the audit
 * verbs / resources it requires (lower-case). Undefined means "any". A rule index only evaluates
 * rules whose hint admits the event (Falco-style indexing, performance.md §7).
 *
 * Hints must be *necessary* conditions: a hint that is too tight silently loses alerts. Derive
 * them with `necessaryValues` from the compiled IR, never by hand.
 */
export interface IndexHint {
  readonly kinds?: readonly EventKind[];
  readonly verbs?: readonly string[];
  readonly resources?: readonly string[];
  /** `verbs` and `resources` constrain audit events only: events of other kinds are candidates. */
  readonly auditOnly?: boolean;
}

/**
 * The set of values a field must take for `e` to be true (lower-case), or undefined when `e` does
 * not constrain the field to a finite set. `isKey(field)` says whether an IR field name denotes the
 * indexed property (e.g. Sigma `verb` -> audit verb).
 *
 * - Compare eq with literal values on the key: those values;
 * - And: the intersection of its constrained children; Or: the union when every child is constrained;
 * - anything else (Not, regex, wildcards, other fields): unconstrained.
 * @example necessaryValues(expr, (f) => f === 'verb') // Set { 'create', 'update' }
 */
export function necessaryValues(e: Expr, isKey: (field: string) => boolean): Set<string> | undefined {
  switch (e.kind) {
    case 'Compare': {
      if (!isKey(e.field) || e.op !== 'eq' || e.timePart || e.all) return undefined;
      const out = new Set<string>();
      for (const v of e.values) {
        if (typeof v === 'number') out.add(String(v));
        else if (isLiteral(v)) out.add(patternText(v).toLowerCase());
        else return undefined;
      }
      return out;
    }
    case 'And': {
      let acc: Set<string> | undefined;
      for (const a of e.args) {
        const s = necessaryValues(a, isKey);
        if (!s) continue;
        acc = acc ? new Set([...acc].filter((x) => s.has(x))) : s;
      }
      return acc;
    }
    case 'Or': {
      const acc = new Set<string>();
      for (const a of e.args) {
        const s = necessaryValues(a, isKey);
        if (!s) return undefined;
        for (const x of s) acc.add(x);
      }
      return acc;
    }
    case 'Const':
      return e.value ? undefined : new Set();
    default:
      return undefined;
  }
}

interface Entry<T> {
  readonly item: T;
  readonly auditOnly?: boolean;
  readonly kinds?: ReadonlySet<string>;
  readonly verbs?: ReadonlySet<string>;
  readonly resources?: ReadonlySet<string>;
}

const maxCacheEntries = 4096;

/**
 * Rules indexed by event kind, audit verb and audit resource. `candidates(ev)` returns the rules
 * whose hints admit the event, in registration order; the answer for each (kind, verb, resource)
 * triple is computed once and cached (a few hundred distinct triples in a real cluster; the cache
 * is cleared past 4096 entries to stay bounded).
 * @example const idx = new RuleIndex(detections.map((d) => ({ item: d, hint: d.index }))); idx.candidates(ev)
 */
export class RuleIndex<T> {
  private readonly entries: Entry<T>[];
  private readonly cache = new Map<string, Map<string, Map<string, T[]>>>();
  private cached = 0;

  constructor(items: readonly { readonly item: T; readonly hint?: IndexHint | undefined }[]) {
    this.entries = items.map(({ item, hint }) => ({
      item,
      ...(hint?.auditOnly ? { auditOnly: true } : {}),
      ...(hint?.kinds ? { kinds: new Set(hint.kinds) } : {}),
      ...(hint?.verbs ? { verbs: new Set(hint.verbs.map((v) => v.toLowerCase())) } : {}),
      ...(hint?.resources ? { resources: new Set(hint.resources.map((v) => v.toLowerCase())) } : {}),
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** Rules that could match `ev`. */
  candidates(ev: AuditEvent): readonly T[] {
    // Three-level cache on the raw strings (no key building or lower-casing per event).
    const verbRaw = ev.audit?.verb;
    const resRaw = ev.audit?.objectRef?.resource;
    const v = typeof verbRaw === 'string' ? verbRaw : '';
    const r = typeof resRaw === 'string' ? resRaw : '';
    let byVerb = this.cache.get(ev.kind);
    if (!byVerb) {
      byVerb = new Map();
      this.cache.set(ev.kind, byVerb);
    }
    let byRes = byVerb.get(v);
    if (!byRes) {
      byRes = new Map();
      byVerb.set(v, byRes);
    }
    let list = byRes.get(r);
    if (!list) {
      list = this.compute(ev.kind, v.toLowerCase(), r.toLowerCase());
      if (++this.cached > maxCacheEntries) {
        this.cache.clear();
        this.cached = 0;
      }
      byRes.set(r, list);
    }
    return list;
  }

  private compute(kind: string, verb: string, resource: string): T[] {
    const list: T[] = [];
    for (const e of this.entries) {
      if (e.kinds && !e.kinds.has(kind)) continue;
      if (e.auditOnly && kind !== 'audit') {
        list.push(e.item);
        continue;
      }
      if (e.verbs && !e.verbs.has(verb)) continue;
      if (e.resources && !e.resources.has(resource)) continue;
      list.push(e.item);
    }
    return list;
  }
}

/**
 * What a whole rule set needs from an event, for a byte-level prefilter that skips parsing records
 * no rule could match (performance.md §8): the union of every rule's verbs (undefined as soon as
 * one rule admits any verb), and likewise for resources and kinds. Conservative by construction.
 * @example summarizeHints(detections.map((d) => d.index)).verbs // Set { 'create', 'delete' } or undefined
 */
export function summarizeHints(hints: readonly (IndexHint | undefined)[]): {
  kinds?: ReadonlySet<string>;
  verbs?: ReadonlySet<string>;
  resources?: ReadonlySet<string>;
} {
  const union = (
    pick: (h: IndexHint) => readonly string[] | undefined,
    lower: boolean,
  ): Set<string> | undefined => {
    const out = new Set<string>();
    for (const h of hints) {
      const v = h ? pick(h) : undefined;
      if (!v) return undefined;
      for (const x of v) out.add(lower ? x.toLowerCase() : x);
    }
    return out;
  };
  const kinds = union((h) => h.kinds, false);
  const verbs = union((h) => h.verbs, true);
  const resources = union((h) => h.resources, true);
  return { ...(kinds ? { kinds } : {}), ...(verbs ? { verbs } : {}), ...(resources ? { resources } : {}) };
}
