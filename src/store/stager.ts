import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../model/event.js';
import { canonicalLine, isoOf } from './canonical.js';
import { caeActivityTable } from './derived-views.js';
import { RowEncoder } from './row-line.js';
import type { StoredTable } from './schema.js';
import type { TableViewLike } from './sources.js';

/**
 * Stages events as NDJSON files, one for `_events` (the canonical rows, canonical.ts) plus one per
 * physically stored table, for DuckDB's own
 * NDJSON reader to ingest (measured far faster than the row-at-a-time Node appender:
 * performance.md section 5). Each staged row uses short positional keys `c0, c1, ...` so JSON key
 * case never matters. Events already staged in this batch (same `AuditEvent.id`) are skipped here;
 * the store skips ids it already holds.
 */
export interface StagedTable {
  readonly table: StoredTable;
  /** The physical table the rows go to (`table.name`, or `_cae_activity` for CloudAuditEvents' Activity rows). */
  readonly target: string;
  readonly file: string;
  rows: number;
  /** Longest staged line in UTF-16 units (bounds DuckDB's reader buffer, see `readerObjectSize`). */
  maxLine: number;
}

export interface StagedBatch {
  readonly dir: string;
  readonly tables: readonly StagedTable[];
  readonly eventsFile: string;
  events: number;
  /** `_load` of the batch's rows. */
  readonly load: string;
  /** Longest line of `eventsFile` in UTF-16 units. */
  eventsMaxLine: number;
}

const flushEvery = 512;

const isActivity = (ev: AuditEvent): boolean => ev.kind === 'activity';

class TableStage {
  readonly seen = new Set<string>();
  readonly fd: number;
  readonly encoder: RowEncoder;
  pending: string[] = [];
  rows = 0;
  maxLine = 0;
  constructor(
    readonly view: TableViewLike,
    readonly table: StoredTable,
    readonly target: string,
    private readonly only: ((ev: AuditEvent) => boolean) | undefined,
    readonly file: string,
    cache: Map<object, string>,
  ) {
    this.encoder = new RowEncoder(table, cache);
    this.fd = openSync(file, 'w');
  }
  add(ev: AuditEvent, tsIso: string | null): void {
    if (this.seen.has(ev.id) || (this.only && !this.only(ev)) || !this.view.accepts(ev)) return;
    this.seen.add(ev.id);
    const line = this.encoder.line(ev.id, tsIso, this.view.row(ev));
    if (line.length > this.maxLine) this.maxLine = line.length;
    this.pending.push(line);
    this.rows++;
    if (this.pending.length >= flushEvery) this.flush();
  }
  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, `${this.pending.join('\n')}\n`);
    this.pending = [];
  }
}

/** Accumulates one batch of events into staged NDJSON files under a fresh temp directory. */
export class Stager {
  private readonly dir: string;
  private readonly stages: TableStage[];
  private readonly eventsFd: number;
  private readonly eventsFile: string;
  private readonly seen = new Set<string>();
  /** Serialized sub-objects of the current event, shared by its rows in every table (cleared per event: a batch-wide WeakMap cost more in GC than it saved). */
  private readonly cache = new Map<object, string>();
  private pending: string[] = [];
  private closed = false;
  private maxLine = 0;
  /** `_load` of this batch's rows (canonical.ts). */
  readonly load = `node:${randomUUID()}`;
  events = 0;

  constructor(
    tables: readonly { view: TableViewLike; table: StoredTable; derived: boolean }[],
    private readonly keepRaw: boolean,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'auditscope-load-'));
    // Derived audit tables are views over `_events`: nothing to stage, except the Activity rows of
    // CloudAuditEvents, which are stored physically.
    this.stages = tables.flatMap((t, i) => {
      const file = join(this.dir, `t${i}.ndjson`);
      if (!t.derived) return [new TableStage(t.view, t.table, t.table.name, undefined, file, this.cache)];
      if (t.table.name !== 'CloudAuditEvents') return [];
      return [new TableStage(t.view, t.table, caeActivityTable, isActivity, file, this.cache)];
    });
    this.eventsFile = join(this.dir, 'events.ndjson');
    this.eventsFd = openSync(this.eventsFile, 'w');
  }

  add(ev: AuditEvent): void {
    if (this.seen.has(ev.id)) return;
    this.seen.add(ev.id);
    this.events++;
    const tsIso = isoOf(ev.ts);
    this.cache.clear();
    for (const s of this.stages) s.add(ev, tsIso);
    const line = canonicalLine(ev, this.keepRaw, this.load);
    if (line.length > this.maxLine) this.maxLine = line.length;
    this.pending.push(line);
    if (this.pending.length >= flushEvery) this.flushEvents();
  }

  private flushEvents(): void {
    if (this.pending.length === 0) return;
    writeSync(this.eventsFd, `${this.pending.join('\n')}\n`);
    this.pending = [];
  }

  /** Writes everything out and closes the files; the batch can then be ingested. */
  finish(): StagedBatch {
    if (!this.closed) {
      for (const s of this.stages) {
        s.flush();
        closeSync(s.fd);
      }
      this.flushEvents();
      closeSync(this.eventsFd);
      this.closed = true;
    }
    return {
      dir: this.dir,
      tables: this.stages.map((s) => ({
        table: s.table,
        target: s.target,
        file: s.file,
        rows: s.rows,
        maxLine: s.maxLine,
      })),
      eventsFile: this.eventsFile,
      events: this.events,
      load: this.load,
      eventsMaxLine: this.maxLine,
    };
  }

  /** Removes the staged files. */
  dispose(): void {
    this.finish();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
