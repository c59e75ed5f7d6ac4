import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import { defaultLimits } from '../ingest/types.js';
import type { AuditEvent } from '../model/event.js';
import { getTable } from '../views/tables/index.js';
import { ensureMeta, ensureTable } from './catalog.js';
import { derivedSelect } from './derived-views.js';
import { openStore, queryRows, quoteIdent, type StoreHandle } from './duck.js';
import {
  dropLines,
  type FastFormat,
  fastFormat,
  fastLoadFile,
  stagedInOrder,
  stageLines,
} from './fast-load.js';
import { type FileScan, firstLineOf, scanFile, scanFileAsync } from './file-scan.js';
import { countAdded, type FileRecord, ingestBatch, recordFile } from './load-batch.js';
import { pruneStore } from './retention.js';
import { planTable, type StoredTable } from './schema.js';
import {
  defaultFileReader,
  defaultTableViews,
  type FileReader,
  type QuarantinedLike,
  type TableViewLike,
} from './sources.js';
import { Stager } from './stager.js';

export interface LoadOptions {
  /** Table views to store (default: the product's `src/views/tables`). */
  readonly views?: readonly TableViewLike[];
  /** Store only these tables (names of views); default: every view. Fewer tables load faster. */
  readonly tables?: readonly string[];
  /** File reader (default: the product's `src/ingest`). */
  readonly reader?: FileReader;
  /** Events per staged batch; each batch is one transaction (default 50000; bounds memory). */
  readonly batchEvents?: number;
  /** Keep each record's raw text in `_events.raw` (default true). */
  readonly keepRaw?: boolean;
  /** Let DuckDB read AKS and raw audit JSON Lines itself (default true; fast-load.ts). */
  readonly fast?: boolean;
  /** Drop stored events older than this many ms before `now`, and do not load them. */
  readonly retentionMs?: number;
  /** Pinned "now" in epoch ms for retention (default: the clock). */
  readonly now?: number;
  /** Re-read files even when the store says they were loaded unchanged. */
  readonly force?: boolean;
  readonly lockTimeoutMs?: number;
  readonly onQuarantine?: (q: QuarantinedLike) => void;
}

export type FileStatus = 'loaded' | 'unchanged' | 'duplicate';

export interface FileOutcome {
  readonly path: string;
  readonly status: FileStatus;
  readonly records: number;
  readonly events: number;
  readonly quarantined: number;
}

export interface LoadReport {
  readonly files: readonly FileOutcome[];
  /** Events read from the files that were loaded. */
  readonly events: number;
  /** Rows added per table (`_events` counts distinct events). */
  readonly added: Readonly<Record<string, number>>;
  readonly quarantined: number;
  /** Rows removed by retention, all tables together. */
  readonly pruned: number;
  readonly batches: number;
}

interface PlannedView {
  readonly view: TableViewLike;
  readonly table: StoredTable;
  /** An audit table computed from `_events` by a view (derived-views.ts), not stored itself. */
  readonly derived: boolean;
}

/** The views a load stores: `opts.views` (default: the product's) narrowed to `opts.tables`. */
export async function selectViews(opts: LoadOptions): Promise<readonly TableViewLike[]> {
  const all = opts.views ?? (await defaultTableViews());
  if (!opts.tables) return all;
  const unknown = opts.tables.filter((t) => !all.some((v) => v.name === t));
  if (unknown.length)
    throw new Error(`unknown table(s): ${unknown.join(', ')} (known: ${all.map((v) => v.name).join(', ')})`);
  return all.filter((v) => opts.tables?.includes(v.name));
}

/** The tables to store for a set of views. */
export const planViews = (views: readonly TableViewLike[]): PlannedView[] =>
  views.map((view) => {
    const table = planTable(view.name, view.columns);
    // Only the product's own views are derived in SQL (a caller's view of the same name may compute
    // its columns differently, so it is stored as rows).
    const derived = view === getTable(view.name) && derivedSelect(table) !== undefined;
    return { view, table, derived };
  });

/**
 * DuckDB's memory limit while it reads a file itself: a quarter of the machine's memory, between
 * 1 and 4 GB. The staged lines of a file stay in memory up to it and spill to disk beyond; with the
 * Node path's 1 GB the staged lines of a 1M-event file spilled and the load took 18 s instead of 13 s.
 */
export function fastLoadMemory(): string {
  const mb = Math.floor(totalmem() / 4 / 2 ** 20);
  return `${Math.max(1024, Math.min(4096, mb))}MB`;
}

/** Lines longer than this go through the Node reader (which quarantines oversized lines). */
const fastMaxLine = defaultLimits.maxLineBytes;

/**
 * One file through DuckDB (fast-load.ts) in its own transaction with its `_files` record; the rows
 * added per table, or undefined (nothing changed) when the file must take the Node path. `staged`:
 * the session's connection already holds the file's lines (read while the file was hashed).
 */
async function fastLoad(
  session: FastSession,
  path: string,
  scan: FileScan,
  fmt: FastFormat,
  file: FileRecord,
  planned: readonly PlannedView[],
  opts: LoadOptions,
  cutoffIso: string | undefined,
  staged: boolean,
): Promise<Map<string, number> | undefined> {
  const h = await session.open();
  try {
    if (!staged && !(await stageLines(h.con, path, scan.maxLine))) return undefined;
    if (!(await stagedInOrder(h.con, scan))) return undefined;
    const derived = planned.filter((p) => p.derived).map((p) => p.table.name);
    await h.con.run('BEGIN TRANSACTION');
    try {
      const r = await fastLoadFile(h.con, path, scan, fmt, {
        keepRaw: opts.keepRaw !== false,
        ...(cutoffIso === undefined ? {} : { cutoffIso }),
      });
      if (!r) {
        await h.con.run('ROLLBACK');
        return undefined;
      }
      const fresh = await countAdded(h.con, derived, r.load);
      await recordFile(h.con, { ...file, added: r.added });
      await h.con.run('COMMIT');
      const added = new Map<string, number>([['_events', r.added]]);
      for (const [i, name] of derived.entries()) added.set(name, fresh[i] ?? 0);
      return added;
    } catch (e) {
      await h.con.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  } finally {
    await dropLines(h.con).catch(() => undefined);
    session.done();
  }
}

/**
 * The store opened read-write for a run of files DuckDB reads itself. Closing a store checkpoints
 * it, which cost ~50 ms a file on hourly blobs, so the handle stays open across files; it is released
 * after `holdMs` (hunts waiting for the lock get their turn) and before the Node path takes over.
 */
class FastSession {
  private h: StoreHandle | undefined;
  private since = 0;

  constructor(
    private readonly dbFile: string,
    private readonly opts: LoadOptions,
    private readonly holdMs = 5_000,
  ) {}

  async open(): Promise<StoreHandle> {
    if (!this.h) {
      this.h = await openStore(this.dbFile, {
        lockTimeoutMs: this.opts.lockTimeoutMs,
        memoryLimit: process.env.AUDITSCOPE_LOAD_MEMORY ?? fastLoadMemory(),
      });
      // Small files (hourly blobs) commit through the WAL, and DuckDB checkpointed every 16 MB of it:
      // ~46 ms a 2,000-record file. The session closes (and checkpoints) every holdMs anyway, which
      // bounds the WAL; 50 files x 2,000 records: 6.8-7.1 s -> 4.8-5.3 s.
      await this.h.con.run(`SET checkpoint_threshold = '1GB'`);
      this.since = Date.now();
    }
    return this.h;
  }

  /** After a file: release the store once it has been held for `holdMs`. */
  done(): void {
    if (Date.now() - this.since >= this.holdMs) this.close();
  }

  close(): void {
    this.h?.close();
    this.h = undefined;
  }
}

/**
 * Batches events into staged NDJSON files and ingests each full batch in the background, one
 * transaction per batch, opening the store read-write only for that moment (see duck.ts).
 */
class BatchPipeline {
  private stager: Stager;
  private filesDone: FileRecord[] = [];
  private chain: Promise<void> = Promise.resolve();
  readonly added = new Map<string, number>();
  batches = 0;

  constructor(
    private readonly dbFile: string,
    private readonly planned: readonly PlannedView[],
    private readonly opts: LoadOptions,
    private readonly cutoffIso: string | undefined,
  ) {
    this.stager = new Stager(planned, opts.keepRaw !== false);
  }

  add(ev: AuditEvent): void {
    this.stager.add(ev);
    if (this.stager.events >= (this.opts.batchEvents ?? 50_000)) this.rotate();
  }

  fileDone(f: FileRecord): void {
    this.filesDone.push(f);
  }

  /** Closes the current batch and queues its ingestion. */
  rotate(): void {
    const stager = this.stager;
    const files = this.filesDone;
    this.stager = new Stager(this.planned, this.opts.keepRaw !== false);
    this.filesDone = [];
    if (stager.events === 0 && files.length === 0) {
      stager.dispose();
      return;
    }
    this.batches++;
    this.chain = this.chain.then(async () => {
      const batch = stager.finish();
      // A batch insert needs little working memory; without a limit DuckDB's buffer pool (80% of
      // RAM by default) kept growing over a long load (4 GB peak RSS at 1M events).
      const h = await openStore(this.dbFile, {
        lockTimeoutMs: this.opts.lockTimeoutMs,
        memoryLimit: process.env.AUDITSCOPE_LOAD_MEMORY ?? '1GB',
      });
      try {
        const added = await ingestBatch(
          h.con,
          batch,
          files,
          this.cutoffIso,
          this.planned.filter((p) => p.derived).map((p) => p.table.name),
        );
        for (const [k, v] of added) this.added.set(k, (this.added.get(k) ?? 0) + v);
      } finally {
        h.close();
        stager.dispose();
      }
    });
  }

  /** Waits for queued batches; rethrows the first ingestion error. The pipeline stays usable. */
  async drain(): Promise<void> {
    this.rotate();
    await this.chain;
  }

  /** Drains and removes the staging directory (the end of a load). */
  async close(): Promise<void> {
    await this.drain();
    this.stager.dispose();
  }

  /**
   * After a failure: drops the batch being staged and waits for the batches already queued, so the
   * store is settled (committed batches stay; the next load resumes the unfinished file) before the
   * error reaches the caller.
   */
  async abandon(): Promise<void> {
    this.stager.dispose();
    await this.chain.catch(() => undefined);
  }
}

/**
 * Loads audit log files into a store: incremental and idempotent. Files whose path, size and
 * modification time match a loaded file are skipped without reading; files whose content hash
 * matches are skipped after hashing; events already stored (same `AuditEvent.id`) are never added twice.
 * @example const r = await loadFiles('/tmp/a.duckdb', ['audit.log']); r.added['AKSAudit']
 */
export async function loadFiles(
  dbFile: string,
  paths: readonly string[],
  opts: LoadOptions = {},
): Promise<LoadReport> {
  const planned = planViews(await selectViews(opts));
  const reader = opts.reader ?? (await defaultFileReader());
  const known = await prepareStore(dbFile, planned, opts);
  const now = opts.now ?? Date.now();
  const cutoffIso =
    opts.retentionMs !== undefined ? new Date(now - opts.retentionMs).toISOString() : undefined;
  const pipe = new BatchPipeline(dbFile, planned, opts, cutoffIso);
  // DuckDB reads AKS / raw audit JSON Lines itself when the product's reader and views are in use.
  const fast = opts.fast !== false && opts.reader === undefined && opts.views === undefined;
  const session = new FastSession(dbFile, opts);
  const outcomes: FileOutcome[] = [];
  let events = 0;
  let quarantined = 0;
  try {
    for (const p of paths) {
      const path = resolve(p);
      const st = statSync(path);
      const prior = known.byPath.get(path);
      if (!opts.force && prior && prior.size === st.size && prior.mtimeMs === st.mtimeMs) {
        outcomes.push({ path, status: 'unchanged', records: 0, events: 0, quarantined: 0 });
        continue;
      }
      // A file whose first line is a fast format: DuckDB reads its lines while Node hashes it
      // (1M records: 1.9 s for both instead of 2.5 s one after the other); the lines are used only if
      // the scan then says the file can take the DuckDB path.
      const head = fast ? firstLineOf(path) : '';
      let staged = false;
      let scan: FileScan;
      if (fastFormat(head)) {
        await pipe.drain();
        const h = await session.open();
        // A line longer than the first one's reader limit fails this read: fastLoad reads again.
        const read = stageLines(h.con, path, Buffer.byteLength(head));
        [scan, staged] = await Promise.all([scanFileAsync(path), read]);
      } else scan = scanFile(path);
      const sha256 = scan.sha256;
      if (!opts.force && known.hashes.has(sha256)) {
        if (staged) await dropLines((await session.open()).con);
        outcomes.push({ path, status: 'duplicate', records: 0, events: 0, quarantined: 0 });
        pipe.fileDone({
          path,
          size: st.size,
          mtimeMs: st.mtimeMs,
          sha256,
          records: 0,
          events: 0,
          added: 0,
          quarantined: 0,
        });
        continue;
      }
      const fmt =
        fast && scan.lines > 0 && !scan.irregular && scan.maxLine <= fastMaxLine
          ? fastFormat(scan.firstLine)
          : undefined;
      if (fmt) {
        await pipe.drain();
        const file = {
          path,
          size: st.size,
          mtimeMs: st.mtimeMs,
          sha256,
          records: scan.lines,
          events: scan.lines,
          added: 0,
          quarantined: 0,
        };
        const done = await fastLoad(session, path, scan, fmt, file, planned, opts, cutoffIso, staged);
        if (done) {
          for (const [k, v] of done) pipe.added.set(k, (pipe.added.get(k) ?? 0) + v);
          pipe.batches++;
          known.hashes.add(sha256);
          events += scan.lines;
          outcomes.push({ path, status: 'loaded', records: scan.lines, events: scan.lines, quarantined: 0 });
          continue;
        }
      }
      let fileEvents = 0;
      let fileQuarantined = 0;
      session.close();
      await reader(path, {
        event(ev) {
          fileEvents++;
          pipe.add(ev);
        },
        quarantine(q) {
          fileQuarantined++;
          opts.onQuarantine?.(q);
        },
      });
      known.hashes.add(sha256);
      events += fileEvents;
      quarantined += fileQuarantined;
      outcomes.push({
        path,
        status: 'loaded',
        records: fileEvents + fileQuarantined,
        events: fileEvents,
        quarantined: fileQuarantined,
      });
      pipe.fileDone({
        path,
        size: st.size,
        mtimeMs: st.mtimeMs,
        sha256,
        records: fileEvents + fileQuarantined,
        events: fileEvents,
        added: 0,
        quarantined: fileQuarantined,
      });
    }
    session.close();
    await pipe.close();
  } catch (e) {
    session.close();
    await pipe.abandon();
    throw e;
  }
  const pruned = opts.retentionMs !== undefined ? await pruneAfterLoad(dbFile, now, opts) : 0;
  return {
    files: outcomes,
    events,
    added: Object.fromEntries(pipe.added),
    quarantined,
    pruned,
    batches: pipe.batches,
  };
}

/**
 * Loads already-normalized events (tests, the conformance suite, other front ends). Same dedup and
 * transaction rules as `loadFiles`.
 * @example await loadEvents('/tmp/a.duckdb', events, { views })
 */
export async function loadEvents(
  dbFile: string,
  events: Iterable<AuditEvent>,
  opts: LoadOptions = {},
): Promise<LoadReport> {
  const planned = planViews(await selectViews(opts));
  await prepareStore(dbFile, planned, opts);
  const now = opts.now ?? Date.now();
  const cutoffIso =
    opts.retentionMs !== undefined ? new Date(now - opts.retentionMs).toISOString() : undefined;
  const pipe = new BatchPipeline(dbFile, planned, opts, cutoffIso);
  let n = 0;
  try {
    for (const ev of events) {
      n++;
      pipe.add(ev);
    }
    await pipe.close();
  } catch (e) {
    await pipe.abandon();
    throw e;
  }
  const pruned = opts.retentionMs !== undefined ? await pruneAfterLoad(dbFile, now, opts) : 0;
  return {
    files: [],
    events: n,
    added: Object.fromEntries(pipe.added),
    quarantined: 0,
    pruned,
    batches: pipe.batches,
  };
}

interface KnownFiles {
  readonly byPath: Map<string, { size: number; mtimeMs: number }>;
  readonly hashes: Set<string>;
}

async function prepareStore(
  dbFile: string,
  planned: readonly PlannedView[],
  opts: LoadOptions,
): Promise<KnownFiles> {
  const h = await openStore(dbFile, { lockTimeoutMs: opts.lockTimeoutMs });
  try {
    await ensureMeta(h.con);
    for (const p of planned) await ensureTable(h.con, p.table, p.derived);
    const byPath = new Map<string, { size: number; mtimeMs: number }>();
    const hashes = new Set<string>();
    for (const [path, size, mtime, sha] of await queryRows(
      h.con,
      `SELECT path, size, mtime_ms, sha256 FROM _files`,
    )) {
      byPath.set(String(path), { size: Number(size), mtimeMs: Number(mtime) });
      if (sha) hashes.add(String(sha));
    }
    return { byPath, hashes };
  } finally {
    h.close();
  }
}

async function pruneAfterLoad(dbFile: string, now: number, opts: LoadOptions): Promise<number> {
  const h = await openStore(dbFile, { lockTimeoutMs: opts.lockTimeoutMs });
  try {
    return await pruneStore(h.con, now - (opts.retentionMs ?? 0));
  } finally {
    h.close();
  }
}

/** Row count of one stored table (0 when absent). */
export async function countRows(dbFile: string, table: string): Promise<number> {
  const h = await openStore(dbFile, { readOnly: true });
  try {
    const r = await queryRows(h.con, `SELECT count(*) FROM ${quoteIdent(table)}`);
    return Number(r[0]?.[0] ?? 0);
  } finally {
    h.close();
  }
}
