import type { AuditEvent } from '../model/event.js';

/**
 * Every string (and number/boolean, as text) anywhere in an event's payload (`audit`, `activity`,
 * `kubeEvent`), lower-cased, for keyword (field-less) search. Object keys are not included: a
 * keyword matches values, as in Elasticsearch's full-text search over `_source` values.
 *
 * Memoized for the last event seen: several keyword rules share one walk per event.
 */
export class PayloadStrings {
  private ev: AuditEvent | undefined;
  private values: string[] = [];

  /** Lower-cased strings of `ev`'s payload. Computed once per event. */
  lower(ev: AuditEvent): readonly string[] {
    if (this.ev !== ev) {
      this.ev = ev;
      const out: string[] = [];
      collect(ev.audit, out, 0);
      collect(ev.activity, out, 0);
      collect(ev.kubeEvent, out, 0);
      this.values = out;
    }
    return this.values;
  }
}

/** Depth limit: payloads are JSON, but a hostile record could nest deeply; 64 levels is plenty for audit objects. */
const maxDepth = 64;

function collect(v: unknown, out: string[], depth: number): void {
  if (v === undefined || v === null || depth > maxDepth) return;
  switch (typeof v) {
    case 'string':
      out.push(v.toLowerCase());
      return;
    case 'number':
    case 'boolean':
      out.push(String(v));
      return;
    case 'object':
      if (Array.isArray(v)) for (const x of v) collect(x, out, depth + 1);
      else
        for (const k in v as Record<string, unknown>)
          collect((v as Record<string, unknown>)[k], out, depth + 1);
      return;
    default:
      return;
  }
}
