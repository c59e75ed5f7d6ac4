import type { AuditEvent, SourceFormat } from '../model/event.js';

/**
 * Why a record was not turned into an event. Every quarantined record carries one.
 * - `malformed-json`: not valid JSON (or a JSON string field that should hold JSON does not);
 * - `malformed-csv`: a CSV row whose field count does not match the header;
 * - `unknown-format`: valid JSON of no recognized shape (e.g. `{"kind": 0}`);
 * - `not-audit`: a log line that is not an audit record (klog lines in AKS `kube-apiserver`
 *   records, CloudWatch control messages, non-k8s GCP entries);
 * - `truncated`: cut short by the transport (CloudWatch `[Truncated...]`);
 * - `oversized`: a line or whole-file document over the size limit;
 * - `too-deep`: JSON nested deeper than the depth limit;
 * - `gzip-limit`: a compressed input that decompresses past the size limit (gzip bomb);
 * - `invalid`: the right shape but unusable (no timestamp at all);
 * - `io-error`: the input could not be read.
 */
export type QuarantineReason =
  | 'malformed-json'
  | 'malformed-csv'
  | 'unknown-format'
  | 'not-audit'
  | 'truncated'
  | 'oversized'
  | 'too-deep'
  | 'gzip-limit'
  | 'invalid'
  | 'io-error'
  /** A stored event without its raw record (store loaded with --no-raw): cannot be replayed. */
  | 'no-raw';

/** A record that was read but not turned into an event; written as NDJSON by `--quarantine`. */
export interface QuarantineRecord {
  readonly file: string;
  /** 1-based line where the record starts (0 when the whole input is concerned, e.g. an unreadable file). */
  readonly line: number;
  readonly reason: QuarantineReason;
  readonly message: string;
  /** The record text (cut to `quarantineTextLimit` characters for oversized input). */
  readonly record: string;
}

/** Where ingest delivers its results; synchronous callbacks keep the hot path fast. */
export interface IngestSink {
  event(ev: AuditEvent): void;
  quarantine(q: QuarantineRecord): void;
}

export interface IngestOptions {
  /** Longest accepted line in bytes (default 16 MiB). */
  readonly maxLineBytes?: number;
  /** Largest whole-file JSON document (pretty-printed, not JSON Lines) in bytes (default 256 MiB). */
  readonly maxDocumentBytes?: number;
  /** Deepest accepted JSON nesting in the open-ended parts of a record (default 100). */
  readonly maxDepth?: number;
  /** Largest decompressed size of one gzip input in bytes (default: 200 x compressed size, at least 64 MiB, at most 8 GiB). */
  readonly maxGzipBytes?: number;
  /** Called with the bytes read so far and the total when known (for progress bars). */
  readonly onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /**
   * Time given to records that carry none (hand-written rule samples, trimmed test cases). Without
   * it such records are quarantined as `invalid`. ISO-8601.
   */
  readonly fallbackTime?: string;
  /**
   * Byte-level prefilter (performance.md §8): called with a JSON Lines line's bytes
   * (`buf[start..end)`) before it is decoded; false means no loaded rule could match it, so it is
   * counted in `prefiltered` and not parsed. Must be conservative (when unsure, return true).
   * Applies only to JSON Lines input (not whole-file documents or CSV). Commands that must see
   * every record (`events`, `load`) pass none.
   */
  readonly lineFilter?: (buf: Buffer, start: number, end: number) => boolean;
  /** Stream to read for the input `-` (default process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
}

/** Counts from one ingest run. */
export interface IngestStats {
  files: number;
  bytes: number;
  /** Records seen: lines, batch items, rows. */
  records: number;
  /** Events produced. */
  events: number;
  quarantined: number;
  /** Records skipped unparsed by `lineFilter` (records = events + quarantined + prefiltered). */
  prefiltered: number;
  quarantinedByReason: Partial<Record<QuarantineReason, number>>;
  eventsByFormat: Partial<Record<SourceFormat, number>>;
}

export const newStats = (): IngestStats => ({
  files: 0,
  bytes: 0,
  records: 0,
  events: 0,
  quarantined: 0,
  prefiltered: 0,
  quarantinedByReason: {},
  eventsByFormat: {},
});

export const defaultLimits = {
  maxLineBytes: 16 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
  maxDepth: 100,
  gzipRatio: 200,
  gzipFloor: 64 * 1024 * 1024,
  gzipCeiling: 8 * 1024 * 1024 * 1024,
  quarantineTextLimit: 64 * 1024,
} as const;
