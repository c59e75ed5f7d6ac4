import type { AuditEvent, Getter } from '../model/event.js';

/**
 * One field's getter plus a per-event memo of its value, its scalar strings, and their lower-cased
 * forms. Many rules test the same few fields (verb, objectRef.resource...); with a shared table
 * each field is extracted and lower-cased once per event, not once per rule (performance.md §7:
 * "hoist field extraction and lower-casing out of rules").
 *
 * The memo is keyed by event identity and overwritten by the next event: it holds at most one
 * event's values per field, so memory stays bounded. Evaluation is single-threaded and never
 * re-entrant, so the overwrite is safe.
 */
export class FieldSlot {
  private ev: AuditEvent | undefined;
  private value: unknown;
  private strs: readonly string[] | undefined;
  private lowers: readonly string[] | undefined;

  constructor(
    readonly name: string,
    private readonly getter: Getter,
  ) {}

  /** The raw value (array fan-out included) for `ev`. */
  get(ev: AuditEvent): unknown {
    if (this.ev !== ev) {
      this.ev = ev;
      this.value = this.getter(ev);
      this.strs = undefined;
      this.lowers = undefined;
    }
    return this.value;
  }

  /** Every scalar of the value as a string: strings as-is, numbers and booleans in their JS string form. */
  strings(ev: AuditEvent): readonly string[] {
    const v = this.get(ev);
    if (this.strs === undefined) this.strs = scalarStrings(v);
    return this.strs;
  }

  /** `strings(ev)` lower-cased, computed at most once per event. */
  lower(ev: AuditEvent): readonly string[] {
    const s = this.strings(ev);
    if (this.lowers === undefined) this.lowers = s.length === 1 ? [s[0]!.toLowerCase()] : s.map(lc);
    return this.lowers;
  }
}

const lc = (s: string): string => s.toLowerCase();
const none: readonly string[] = [];

/** Scalars of a value (one level of arrays, as path getters already flatten) as strings. */
export function scalarStrings(v: unknown): readonly string[] {
  if (v === undefined || v === null) return none;
  switch (typeof v) {
    case 'string':
      return [v];
    case 'number':
    case 'boolean':
    case 'bigint':
      return [String(v)];
    default:
      break;
  }
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      if (typeof x === 'string') out.push(x);
      else if (typeof x === 'number' || typeof x === 'boolean') out.push(String(x));
      else if (Array.isArray(x)) out.push(...scalarStrings(x));
    }
    return out;
  }
  return none;
}

/**
 * A table of field slots shared by every expression compiled against it. Rules compiled with the
 * same table share extraction and lower-casing work per event.
 * @example const t = new FieldTable(resolve); const slot = t.slot('verb');
 */
export class FieldTable {
  private readonly slots = new Map<string, FieldSlot | null>();

  constructor(private readonly resolve: (field: string) => Getter | undefined) {}

  /** The slot for a field, or undefined when the resolver does not know it. */
  slot(field: string): FieldSlot | undefined {
    let s = this.slots.get(field);
    if (s === undefined) {
      const g = this.resolve(field);
      s = g ? new FieldSlot(field, g) : null;
      this.slots.set(field, s);
    }
    return s ?? undefined;
  }
}
