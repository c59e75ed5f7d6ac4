import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readCatalog } from './catalog.js';
import { openStore, type StoreHandle } from './duck.js';
import type { StoredTable } from './schema.js';

/**
 * Read-only store handles shared by the hunts of one process (the `serve` UI, a session running
 * several hunts). Opening a store costs ~25 ms (instance, catalogue, close) and starts DuckDB's block
 * cache cold; a handle kept open for `keepOpenMs` after its last hunt lets the next one skip both.
 *
 * A read-only handle holds the file's shared lock, so no other process writes it while the handle
 * is open (the rows a cached handle sees cannot go stale); a load waits at most `keepOpenMs` after
 * the last hunt. Each hunt gets its own connection, so concurrent hunts do not share one.
 */

export interface StoreReader {
  readonly con: DuckDBConnection;
  readonly catalog: ReadonlyMap<string, StoredTable>;
}

export interface ReaderOptions {
  /** How long to wait for a writer's lock (see duck.ts). */
  readonly lockTimeoutMs?: number;
  /** Keep the store open this long after the last hunt (0 or absent: close at once). */
  readonly keepOpenMs?: number;
}

interface Entry {
  readonly h: StoreHandle;
  readonly catalog: ReadonlyMap<string, StoredTable>;
  users: number;
  timer: NodeJS.Timeout | undefined;
}

const open = new Map<string, Promise<Entry>>();

async function entryFor(path: string, opts: ReaderOptions): Promise<Entry> {
  const h = await openStore(path, {
    readOnly: true,
    ...(opts.lockTimeoutMs ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
  });
  try {
    return { h, catalog: await readCatalog(h.con), users: 0, timer: undefined };
  } catch (e) {
    h.close();
    throw e;
  }
}

/**
 * Runs `fn` with a read-only connection and the catalogue of a store; with `keepOpenMs` the store
 * stays open for the next call.
 * @example const n = await withStoreReader('/tmp/a.duckdb', { keepOpenMs: 2000 }, async (r) => r.catalog.size);
 */
export async function withStoreReader<T>(
  dbFile: string,
  opts: ReaderOptions,
  fn: (r: StoreReader) => Promise<T>,
): Promise<T> {
  if (!opts.keepOpenMs) {
    const e = await entryFor(dbFile, opts);
    try {
      return await fn({ con: e.h.con, catalog: e.catalog });
    } finally {
      e.h.close();
    }
  }
  const key = resolve(dbFile);
  let pending = open.get(key);
  if (!pending) {
    pending = entryFor(key, opts);
    open.set(key, pending);
    pending.catch(() => open.delete(key));
  }
  const e = await pending;
  e.users++;
  clearTimeout(e.timer);
  e.timer = undefined;
  const con = await e.h.instance.connect();
  try {
    await con.run(`SET TimeZone='UTC'`);
    return await fn({ con, catalog: e.catalog });
  } finally {
    con.closeSync();
    e.users--;
    if (e.users === 0) {
      e.timer = setTimeout(() => {
        if (e.users > 0) return;
        open.delete(key);
        e.h.close();
      }, opts.keepOpenMs);
      e.timer.unref();
    }
  }
}

/** Closes every kept-open store no hunt is using (a server's shutdown, tests). */
export async function closeStoreReaders(): Promise<void> {
  for (const [key, pending] of [...open]) {
    const e = await pending.catch(() => undefined);
    if (!e || e.users > 0) continue;
    clearTimeout(e.timer);
    open.delete(key);
    e.h.close();
  }
}

/** Paths of the stores kept open (tests). */
export const openStoreReaders = (): string[] => [...open.keys()];
