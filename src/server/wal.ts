import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** One acknowledged request body as kept in the write-ahead spool. */
export interface WalEntry {
  readonly seq: number;
  /** Receive time, epoch ms. */
  readonly at: number;
  /** Which endpoint received it (`webhook`, `ingest`). */
  readonly source: string;
  readonly body: string;
}

/**
 * Appends a line and fsyncs before returning: a request is acknowledged only after this, so an
 * acknowledged batch survives a crash or power loss.
 */
export class SyncAppender {
  private fd: number;
  size: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = statSync(path).size;
    // a torn last line (crash mid-write) is closed off, so the next record starts on its own line
    if (this.size > 0) {
      const last = Buffer.alloc(1);
      const rfd = openSync(path, 'r');
      readSync(rfd, last, 0, 1, this.size - 1);
      closeSync(rfd);
      if (last[0] !== 0x0a) this.append('\n');
    }
  }

  append(text: string): void {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    fsyncSync(this.fd);
    this.size += buf.length;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Complete lines of a file; a torn last line (crash mid-write) is ignored. */
export function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  lines.pop(); // after the last '\n': empty, or a torn write
  return lines.filter((l) => l.length > 0);
}

/** Writes a small file atomically (temp file, fsync, rename). */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

const segmentName = (n: number): string => `${String(n).padStart(10, '0')}.ndjson`;

/**
 * The write-ahead spool: request bodies appended (and fsynced) before they are acknowledged,
 * in segments of `segmentBytes`. On start `replay` yields every entry in order; the server runs
 * them through ingest and detection again, and the persisted event and alert ids make that
 * idempotent. Segments older than the newest `keepSegments` are removed on rotation (their events
 * have long left the in-memory window).
 * @example const wal = new Wal('/var/lib/auditscope/wal'); for (const e of wal.replay()) ...; wal.append('webhook', body)
 */
export class Wal {
  private out: SyncAppender | undefined;
  private segment = 0;
  private seq = 0;

  constructor(
    readonly dir: string,
    private readonly segmentBytes = 64 * 1024 * 1024,
    private readonly keepSegments = 8,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private segments(): number[] {
    return readdirSync(this.dir)
      .filter((n) => /^\d{10}\.ndjson$/.test(n))
      .map((n) => Number(n.slice(0, 10)))
      .sort((a, b) => a - b);
  }

  /** Every entry on disk, oldest first (call once, before the first append). */
  *replay(): Generator<WalEntry> {
    for (const n of this.segments()) {
      this.segment = n;
      for (const line of readLines(join(this.dir, segmentName(n)))) {
        let e: WalEntry;
        try {
          e = JSON.parse(line) as WalEntry;
        } catch {
          continue; // cannot happen for complete lines; never stop a replay on one
        }
        if (e.seq > this.seq) this.seq = e.seq;
        yield e;
      }
    }
  }

  append(source: string, body: string, at = Date.now()): WalEntry {
    if (!this.out || this.out.size >= this.segmentBytes) this.rotate();
    const entry: WalEntry = { seq: ++this.seq, at, source, body };
    this.out!.append(`${JSON.stringify(entry)}\n`);
    return entry;
  }

  private rotate(): void {
    const existing = this.segments();
    if (this.out) this.segment++;
    else this.segment = Math.max(1, existing[existing.length - 1] ?? 1);
    this.out?.close();
    this.out = new SyncAppender(join(this.dir, segmentName(this.segment)));
    const all = this.segments();
    for (const n of all.slice(0, Math.max(0, all.length - this.keepSegments)))
      unlinkSync(join(this.dir, segmentName(n)));
  }

  close(): void {
    this.out?.close();
    this.out = undefined;
  }
}
