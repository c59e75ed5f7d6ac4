import type { AuditEvent } from '../model/event.js';
import { Emitter } from './emitter.js';
import { InputParser } from './input-parser.js';
import { pumpLines } from './line-reader.js';
import { parseTime } from './time.js';
import { expandInputs, GzipLimitError, openChunks } from './sources.js';
import {
  defaultLimits,
  type IngestOptions,
  type IngestSink,
  type IngestStats,
  newStats,
  type QuarantineRecord,
} from './types.js';

export type { IngestOptions, IngestSink, IngestStats, QuarantineReason, QuarantineRecord } from './types.js';

/**
 * Reads every input (files, directories recursively in name order, `-` for stdin, gzip by magic
 * bytes), recognizes each record's format on its own, and delivers normalized events and
 * quarantined records to `sink` in input order. Never throws on bad input: unreadable files are
 * quarantined as `io-error`.
 * @example
 * const stats = await ingest(['./evidence'], { event: (ev) => events.push(ev), quarantine: (q) => bad.push(q) });
 */
export async function ingest(
  inputs: readonly string[],
  sink: IngestSink,
  opts: IngestOptions = {},
): Promise<IngestStats> {
  const stats = newStats();
  const maxLine = opts.maxLineBytes ?? defaultLimits.maxLineBytes;
  const maxDoc = opts.maxDocumentBytes ?? defaultLimits.maxDocumentBytes;
  const maxDepth = opts.maxDepth ?? defaultLimits.maxDepth;
  const fallback = parseTime(opts.fallbackTime);
  const { files, errors } = await expandInputs(inputs);
  for (const e of errors) {
    const em = new Emitter(e.path, sink, stats, maxDepth);
    em.record();
    em.reject(0, 'io-error', e.message, '');
  }
  let total = 0;
  for (const f of files) total += f.size ?? 0;
  const gzipLimit = (size: number | undefined): number =>
    opts.maxGzipBytes ??
    (size === undefined
      ? defaultLimits.gzipCeiling
      : Math.min(
          defaultLimits.gzipCeiling,
          Math.max(defaultLimits.gzipFloor, size * defaultLimits.gzipRatio),
        ));
  const onProgress = opts.onProgress;
  const onRaw = (n: number): void => {
    stats.bytes += n;
    onProgress?.(stats.bytes, total);
  };
  for (const f of files) {
    stats.files++;
    const name = f.path === '-' ? '<stdin>' : f.path;
    const em = new Emitter(name, sink, stats, maxDepth, fallback);
    const parser = new InputParser(em, maxDoc, maxLine);
    let lines = 0;
    try {
      lines = await pumpLines(
        openChunks(f, opts.stdin ?? process.stdin, gzipLimit, onRaw),
        parser,
        maxLine,
        opts.lineFilter,
      );
      parser.end();
    } catch (e) {
      parser.end();
      em.record();
      if (e instanceof GzipLimitError) em.reject(lines, 'gzip-limit', e.message, '');
      else em.reject(0, 'io-error', (e as Error).message, '');
    }
  }
  return stats;
}

/**
 * In-memory entry (webhook receiver, tests): the same parsing as `ingest` over `text`, named
 * `name` in provenance.
 * @example ingestText(body, 'webhook', sink)
 */
export function ingestText(
  text: string,
  name: string,
  sink: IngestSink,
  opts: IngestOptions = {},
): IngestStats {
  const stats = newStats();
  stats.files = 1;
  stats.bytes = Buffer.byteLength(text);
  const maxLine = opts.maxLineBytes ?? defaultLimits.maxLineBytes;
  const em = new Emitter(
    name,
    sink,
    stats,
    opts.maxDepth ?? defaultLimits.maxDepth,
    parseTime(opts.fallbackTime),
  );
  const parser = new InputParser(em, opts.maxDocumentBytes ?? defaultLimits.maxDocumentBytes, maxLine);
  let pos = 0;
  let n = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    n++;
    const line = text.slice(pos, nl);
    if (line.length > maxLine) parser.oversized(n, line.slice(0, 1024));
    else if (nl > pos || nl < text.length) parser.line(line, n);
    pos = nl + 1;
  }
  parser.end();
  return stats;
}

/** Everything `ingest` produced, collected in memory. */
export interface ReadResult {
  readonly events: AuditEvent[];
  readonly quarantined: QuarantineRecord[];
  readonly stats: IngestStats;
}

/**
 * Reads inputs into memory (tests, small inputs).
 * @example const events = await readEvents([corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json')]);
 */
export async function readEvents(inputs: readonly string[], opts: IngestOptions = {}): Promise<AuditEvent[]> {
  return (await readAll(inputs, opts)).events;
}

/** Like `readEvents`, with the quarantined records and the stats. */
export async function readAll(inputs: readonly string[], opts: IngestOptions = {}): Promise<ReadResult> {
  const events: AuditEvent[] = [];
  const quarantined: QuarantineRecord[] = [];
  const stats = await ingest(
    inputs,
    { event: (ev) => events.push(ev), quarantine: (q) => quarantined.push(q) },
    opts,
  );
  return { events, quarantined, stats };
}

/** `ingestText` collected in memory. */
export function readText(text: string, name = '<text>', opts: IngestOptions = {}): ReadResult {
  const events: AuditEvent[] = [];
  const quarantined: QuarantineRecord[] = [];
  const stats = ingestText(
    text,
    name,
    { event: (ev) => events.push(ev), quarantine: (q) => quarantined.push(q) },
    opts,
  );
  return { events, quarantined, stats };
}
