import type {
  ActivityRecord,
  AuditEvent,
  ClusterRef,
  Envelope,
  EventKind,
  K8sAudit,
  Provenance,
  Provider,
  SourceFormat,
} from '../model/event.js';
import type { ParsedTime } from './time.js';
import { defaultLimits, type IngestSink, type IngestStats, type QuarantineReason } from './types.js';

/**
 * Per-input state shared by the format normalizers: where records come from, where events and
 * quarantined records go, and the counters. One instance per input file; methods, not closures,
 * so the per-record path allocates only the event itself.
 */
export class Emitter {
  constructor(
    readonly file: string,
    private readonly sink: IngestSink,
    readonly stats: IngestStats,
    readonly maxDepth: number,
    /** Time for records that carry none (IngestOptions.fallbackTime), else undefined. */
    readonly fallbackTime?: ParsedTime,
  ) {}

  /** Counts one record read (a line, a batch item, a row). */
  record(): void {
    this.stats.records++;
  }

  /** Counts one record skipped unparsed by the prefilter. */
  prefiltered(): void {
    this.stats.records++;
    this.stats.prefiltered++;
  }

  emit(ev: AuditEvent): void {
    const s = this.stats;
    s.events++;
    const f = ev.format;
    s.eventsByFormat[f] = (s.eventsByFormat[f] ?? 0) + 1;
    this.sink.event(ev);
  }

  reject(line: number, reason: QuarantineReason, message: string, record: string): void {
    const s = this.stats;
    s.quarantined++;
    s.quarantinedByReason[reason] = (s.quarantinedByReason[reason] ?? 0) + 1;
    const text =
      record.length > defaultLimits.quarantineTextLimit
        ? `${record.slice(0, defaultLimits.quarantineTextLimit)}…`
        : record;
    this.sink.quarantine({ file: this.file, line, reason, message, record: text });
  }

  source(line: number, index: number): Provenance {
    return { file: this.file, line, index };
  }
}

/**
 * Builds an AuditEvent with every key present in one fixed order, so all events share one
 * hidden class (monomorphic property access in rules and views).
 */
export function makeEvent(
  kind: EventKind,
  format: SourceFormat,
  provider: Provider,
  time: string,
  ts: number,
  id: string,
  audit: K8sAudit | undefined,
  activity: ActivityRecord | undefined,
  kubeEvent: Record<string, unknown> | undefined,
  envelope: Envelope | undefined,
  cluster: ClusterRef | undefined,
  category: string | undefined,
  raw: string,
  source: Provenance,
): AuditEvent {
  return {
    kind,
    format,
    provider,
    time,
    ts,
    id,
    audit,
    activity,
    kubeEvent,
    envelope,
    cluster,
    category,
    raw,
    source,
  };
}

/**
 * True when `v` nests objects/arrays deeper than `limit` levels. Iterative (an explicit stack), so
 * hostile nesting cannot overflow the call stack; stops as soon as it knows.
 */
export function tooDeep(v: unknown, limit: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  const values: unknown[] = [v];
  const depths: number[] = [1];
  while (values.length > 0) {
    const x = values.pop() as object;
    const d = depths.pop()!;
    if (d > limit) return true;
    if (Array.isArray(x)) {
      for (const y of x)
        if (y !== null && typeof y === 'object') {
          values.push(y);
          depths.push(d + 1);
        }
    } else
      for (const k in x) {
        const y = (x as Record<string, unknown>)[k];
        if (y !== null && typeof y === 'object') {
          values.push(y);
          depths.push(d + 1);
        }
      }
  }
  return false;
}

/** A plain JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses text that should hold a JSON object or array; undefined when it does not. */
export function parseJsonText(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c !== 123 && c !== 91 && c !== 32 && c !== 9 && c !== 10 && c !== 13) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
