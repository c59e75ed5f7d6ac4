import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/**
 * Opening an embedded DuckDB store file.
 *
 * Concurrency (DuckDB's rule: one process may hold a database file read-write, or any number of
 * processes may hold it read-only, never both): `load` opens the file read-write only for the short
 * moment it ingests one staged batch and closes it in between, while the slow part (reading and
 * normalizing records in Node) runs without the lock. A hunt opens the file read-only and, when a
 * writer holds the lock, retries with a growing back-off for up to `lockTimeoutMs` (default 30 s).
 * So hunts run while a load is in progress and see the last committed batch.
 */
export interface StoreHandle {
  readonly path: string;
  readonly readOnly: boolean;
  readonly con: DuckDBConnection;
  /** The DuckDB instance, for more connections to the same open store (reader-cache.ts). */
  readonly instance: DuckDBInstance;
  close(): void;
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  /** How long to keep retrying while another process holds a conflicting lock. Default 30000. */
  readonly lockTimeoutMs?: number;
  /** DuckDB worker threads (default: DuckDB's own choice, the number of cores). */
  readonly threads?: number;
  /** DuckDB `memory_limit`, e.g. `'1GB'` (default: DuckDB's, 80% of RAM). */
  readonly memoryLimit?: string;
}

/** True for DuckDB's "could not set lock on file" error, i.e. another process holds the file. */
export const isLockError = (e: unknown): boolean =>
  e instanceof Error && /Could not set lock on file|Conflicting lock/i.test(e.message);

/** How long to wait for another process's lock: the option, else AUDITSCOPE_LOCK_WAIT seconds, else 30 s. */
function waitedMs(opts: OpenOptions): number {
  if (opts.lockTimeoutMs !== undefined) return opts.lockTimeoutMs;
  const text = process.env.AUDITSCOPE_LOCK_WAIT;
  const env = text ? Number(text) : Number.NaN;
  return Number.isFinite(env) && env >= 0 ? env * 1000 : 30_000;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Opens (creating when read-write) a store file, retrying while another process holds the lock.
 * Every connection runs with `TimeZone='UTC'` so no result depends on the machine's zone.
 * @example const h = await openStore('/tmp/a.duckdb', { readOnly: true }); try { ... } finally { h.close(); }
 */
export async function openStore(path: string, opts: OpenOptions = {}): Promise<StoreHandle> {
  const options: Record<string, string> = {};
  if (opts.readOnly) options['access_mode'] = 'READ_ONLY';
  // A new store file uses the current storage format: it has zstd for text columns (canonical.ts).
  else options['storage_compatibility_version'] = 'latest';
  if (opts.threads) options['threads'] = String(opts.threads);
  if (opts.memoryLimit) options['memory_limit'] = opts.memoryLimit;
  const deadline = Date.now() + waitedMs(opts);
  let wait = 25;
  for (;;) {
    try {
      const instance = await DuckDBInstance.create(path, options);
      const con = await instance.connect();
      await con.run(`SET TimeZone='UTC'`);
      let closed = false;
      return {
        path,
        readOnly: opts.readOnly === true,
        con,
        instance,
        close() {
          if (closed) return;
          closed = true;
          con.closeSync();
          instance.closeSync();
        },
      };
    } catch (e) {
      if (!isLockError(e)) throw e;
      if (Date.now() >= deadline)
        throw new Error(
          `store ${path} is locked by another process (a load holds it while it writes a batch, or a whole file DuckDB reads itself); waited ${Math.round(waitedMs(opts) / 1000)} s (AUDITSCOPE_LOCK_WAIT=SECONDS waits longer)`,
          { cause: e },
        );
      await sleep(wait);
      wait = Math.min(wait * 2, 500);
    }
  }
}

/** Runs a statement and returns its rows as arrays of DuckDB values. */
export async function queryRows(
  con: DuckDBConnection,
  sql: string,
  params?: DuckDBValue[],
): Promise<DuckDBValue[][]> {
  const r = await con.runAndReadAll(sql, params);
  return r.getRows();
}

/** Runs `fn` inside BEGIN/COMMIT; rolls back when it throws. */
export async function inTransaction<T>(con: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await con.run('BEGIN TRANSACTION');
  try {
    const out = await fn();
    await con.run('COMMIT');
    return out;
  } catch (e) {
    await con.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Quotes an SQL identifier. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Quotes an SQL string literal. */
export const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
