/**
 * Benchmark adapters for Kusto hunting (in memory and on the DuckDB store) and for store loading.
 * Like `adapters.ts`, every product entry point is imported at run time; a missing one is a `Skip`.
 */
import { rmSync } from 'node:fs';
import { Skip } from './adapters.js';

type AnyFn = (...args: unknown[]) => unknown;

async function tryImport(rel: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(new URL(rel, import.meta.url).href)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(rel.replace(/^(\.\.\/)+/, '')))
      return undefined;
    throw new Skip(`${rel.replace(/^\.\.\//, '')} failed to load: ${err.message.split('\n')[0]}`);
  }
}

/** The first `[module, export]` of the candidates that exists as a function. */
async function findEntry(what: string, candidates: readonly (readonly [string, string])[]): Promise<AnyFn> {
  for (const [rel, name] of candidates) {
    const m = await tryImport(rel);
    const f = m?.[name];
    if (typeof f === 'function') return f as AnyFn;
  }
  throw new Skip(
    `${what} not there yet (looked for ${candidates.map(([m, n]) => `${m.replace(/^\.\.\//, '')}#${n}`).join(', ')})`,
  );
}

const sec = () => performance.now() / 1000;

interface HuntResultLike {
  readonly rows?: readonly unknown[];
  readonly diagnostics?: readonly {
    readonly severity?: string;
    readonly message?: string;
    readonly code?: string;
  }[];
}

function rowsOf(r: unknown): number {
  if (Array.isArray(r)) return r.length;
  const rows = (r as HuntResultLike | undefined)?.rows;
  return Array.isArray(rows) ? rows.length : -1;
}

function errorsOf(r: unknown): string | undefined {
  const d = (r as HuntResultLike | undefined)?.diagnostics;
  const e = Array.isArray(d) ? d.find((x) => x.severity === 'error') : undefined;
  return e ? `${e.code ?? ''} ${e.message ?? ''}`.trim() : undefined;
}

// ---- Kusto front end ------------------------------------------------------------------------

const parseCandidates = [
  ['../src/lang/kusto/parse-kusto.js', 'parseKusto'],
  ['../src/lang/kusto/index.js', 'parseKusto'],
] as const;
const tableCandidates = [
  ['../src/views/tables/index.js', 'listTables'],
  ['../src/views/tables/tables.js', 'listTables'],
] as const;

/** Parses (and lowers) one query with the product's front end, or the bare official parser. */
async function kustoParser(): Promise<{ parse: (q: string) => unknown; kind: string }> {
  try {
    const f = await findEntry('Kusto front end', parseCandidates);
    const listTables = await findEntry('table views', tableCandidates);
    const tables = listTables();
    return { parse: (q) => f(q, tables), kind: 'parseKusto: official parser + analyzer + lowering to IR' };
  } catch (e) {
    if (!(e instanceof Skip)) throw e;
  }
  const m = await tryImport('../src/lang/kusto/kusto-runtime.js');
  const load = m?.loadKustoRuntime;
  if (typeof load !== 'function') throw new Skip('src/lang/kusto has no parser entry yet');
  const rt = (
    load as () => {
      api: { KustoCode: { Parse(t: string, g: unknown): unknown }; GlobalState: { Default: unknown } };
    }
  )();
  return {
    parse: (q) => rt.api.KustoCode.Parse(q, rt.api.GlobalState.Default),
    kind: 'official parser only',
  };
}

/** Cold start: lazy load of @kusto/language-service-next plus the first parse, in a fresh process. */
export async function kustoColdStart(
  query: string,
): Promise<{ seconds: number; info: Record<string, unknown> }> {
  const t0 = sec();
  const p = await kustoParser();
  const t1 = sec();
  p.parse(query);
  const t2 = sec();
  return { seconds: t2 - t0, info: { loadSeconds: t1 - t0, firstParseSeconds: t2 - t1, parser: p.kind } };
}

/** Per-query overhead once warm: median parse (+ lower) time of each query. */
export async function kustoParseOverhead(
  queries: readonly string[],
  repeat: number,
): Promise<{ seconds: number; setupSeconds: number; info: Record<string, unknown> }> {
  const t0 = sec();
  const p = await kustoParser();
  const errors = queries.map((q) => errorsOf(p.parse(q)) ?? '');
  const t1 = sec();
  const perQueryMs: number[] = [];
  for (const q of queries) {
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const a = sec();
      p.parse(q);
      times.push((sec() - a) * 1000);
    }
    times.sort((a, b) => a - b);
    perQueryMs.push(times[times.length >> 1] ?? Number.NaN);
  }
  return {
    seconds: sec() - t1,
    setupSeconds: t1 - t0,
    info: {
      parser: p.kind,
      perQueryMs,
      errors,
      medianMs: [...perQueryMs].sort((a, b) => a - b)[perQueryMs.length >> 1],
    },
  };
}

// ---- hunting --------------------------------------------------------------------------------

interface MemoryHunter {
  readonly kind: string;
  /** Reads the file's events into memory; returns the event count. */
  read(): Promise<number>;
  run(query: string, now: number): unknown;
}

/**
 * The old in-memory hunt: `readEvents` + `huntEvents` (every event held, then table views and the
 * Kusto evaluator). `auditscope hunt FILE` now streams with `huntFiles` (adapters-hunt-files.ts);
 * this path stays as the kusto section's secondary line and as a differential check on row counts.
 */
async function memoryHunter(file: string): Promise<MemoryHunter> {
  const huntEvents = await findEntry('huntEvents', [['../src/detect/kusto/hunt.js', 'huntEvents']]);
  const readEvents = await findEntry('ingest readEvents', [['../src/ingest/index.js', 'readEvents']]);
  huntEvents('print x = 1', []); // warm the parser: its cold start is measured on its own
  let events: unknown[] = [];
  return {
    kind: 'readEvents + huntEvents',
    read: async () => {
      events = (await readEvents([file])) as unknown[];
      return events.length;
    },
    run: (query, now) => {
      const r = huntEvents(query, events, { now }) as {
        result?: { rows?: unknown[] };
        diagnostics?: HuntResultLike['diagnostics'];
      };
      return { rows: r.result?.rows, diagnostics: r.diagnostics };
    },
  };
}

/**
 * In-memory hunts over a file: read it (timed), then run every query. `seconds` = read + all
 * queries; `info.readSeconds` and per-query seconds (query only) for the store comparison.
 */
export async function huntMemory(
  file: string,
  queries: readonly string[],
  now: number,
): Promise<{ events: number; seconds: number; setupSeconds: number; info: Record<string, unknown> }> {
  const t0 = sec();
  const h = await memoryHunter(file);
  const t1 = sec();
  const events = await h.read();
  const readSeconds = sec() - t1;
  const perQuery: { seconds: number; rows: number; error?: string }[] = [];
  for (const query of queries) {
    const a = sec();
    const r = await h.run(query, now);
    perQuery.push({ seconds: sec() - a, rows: rowsOf(r), error: errorsOf(r) });
  }
  return {
    events,
    seconds: sec() - t1,
    setupSeconds: t1 - t0,
    info: { hunter: h.kind, readSeconds, perQuery },
  };
}

// ---- store ----------------------------------------------------------------------------------

/**
 * Loads a file into a fresh DuckDB store as `auditscope load FILE --db DB --force [--no-raw]` does:
 * `loadFiles` with the product's default views, reader and batch size (src/cli/commands/load.ts).
 */
export async function storeLoad(
  file: string,
  db: string,
  keepRaw = true,
): Promise<{ events: number; seconds: number; setupSeconds: number; info: Record<string, unknown> }> {
  const t0 = sec();
  const loadFiles = await findEntry('store load', [['../src/store/load.js', 'loadFiles']]);
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  const t1 = sec();
  const r = (await loadFiles(db, [file], { force: true, keepRaw })) as {
    events: number;
    added: Record<string, number>;
    quarantined: number;
    batches?: number;
  };
  return {
    events: r.events,
    seconds: sec() - t1,
    setupSeconds: t1 - t0,
    info: { added: r.added, quarantined: r.quarantined, batches: r.batches },
  };
}

interface StoreHandleLike {
  readonly con: unknown;
  close(): void;
}

/**
 * The store's hunt path: the library's `huntStore` when it exists, else the same pieces by hand
 * (parseKusto -> compileProgram -> SQL on a read-only connection). Parser warm; latency includes
 * parse, compile, execution and fetching the rows.
 */
async function storeHunter(db: string): Promise<{
  kind: string;
  run: (q: string, now: number) => Promise<unknown>;
  runKeptOpen?: (q: string, now: number) => Promise<unknown>;
  close(): void | Promise<void>;
}> {
  try {
    const huntOnStore = await findEntry('store hunt entry', [['../src/store/hunt.js', 'huntOnStore']]);
    const parseKusto = await findEntry('Kusto front end', parseCandidates);
    parseKusto('print x = 1', []); // warm the parser: its cold start is measured on its own
    const closeReaders = await findEntry('store readers', [
      ['../src/store/reader-cache.js', 'closeStoreReaders'],
    ]).catch(() => undefined);
    return {
      kind: 'huntOnStore',
      run: async (query, now) => huntOnStore(db, query, { now }),
      ...(closeReaders
        ? {
            runKeptOpen: async (query: string, now: number) =>
              huntOnStore(db, query, { now, keepOpenMs: 60_000 }),
          }
        : {}),
      close: async () => {
        await closeReaders?.();
      },
    };
  } catch (e) {
    if (!(e instanceof Skip)) throw e;
  }
  const parseKusto = await findEntry('Kusto front end', parseCandidates);
  const listTables = await findEntry('table views', tableCandidates);
  const compileProgram = await findEntry('SQL compiler', [
    ['../src/store/sql/compile-query.js', 'compileProgram'],
  ]);
  const openStore = await findEntry('store open', [['../src/store/duck.js', 'openStore']]);
  const readCatalog = await findEntry('store catalog', [['../src/store/catalog.js', 'readCatalog']]);
  const queryRows = await findEntry('store query', [['../src/store/duck.js', 'queryRows']]);
  const tables = listTables();
  parseKusto('print x = 1', tables);
  const h = (await openStore(db, { readOnly: true })) as StoreHandleLike;
  const catalog = await readCatalog(h.con);
  return {
    kind: 'parseKusto + compileProgram + DuckDB',
    close: () => h.close(),
    run: async (query, now) => {
      const parsed = parseKusto(query, tables) as {
        program?: unknown;
        diagnostics: HuntResultLike['diagnostics'];
      };
      if (!parsed.program) return { diagnostics: parsed.diagnostics };
      const c = compileProgram(parsed.program, catalog, { nowMs: now }) as {
        kind: string;
        sql?: string;
        reason?: string;
        message?: string;
      };
      if (c.kind !== 'Sql' || !c.sql)
        return {
          diagnostics: [
            {
              severity: 'error',
              code: 'SQL',
              message: `unsupported in SQL: ${c.reason ?? c.message ?? c.kind}`,
            },
          ],
        };
      return { rows: (await queryRows(h.con, c.sql)) as unknown[] };
    },
  };
}

/**
 * Seed hunts on the store: median latency of each query over `repeat` runs (after one warm-up),
 * opening the store per hunt (as one `auditscope hunt --db` does) and, when the hunter can, with the
 * store kept open between hunts (as `serve` does).
 */
export async function huntStore(
  db: string,
  queries: readonly string[],
  now: number,
  repeat: number,
): Promise<{ seconds: number; setupSeconds: number; info: Record<string, unknown> }> {
  const t0 = sec();
  const h = await storeHunter(db);
  const t1 = sec();
  const perQuery: {
    medianSeconds: number;
    keptOpenSeconds?: number;
    rows: number;
    error?: string;
    backend?: string;
  }[] = [];
  const median = async (run: () => Promise<unknown>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const a = sec();
      await run();
      times.push(sec() - a);
    }
    times.sort((a, b) => a - b);
    return times[times.length >> 1] ?? Number.NaN;
  };
  try {
    for (const query of queries) {
      const first = await h.run(query, now);
      const err = errorsOf(first);
      const open = err ? Number.NaN : await median(() => h.run(query, now));
      let kept: number | undefined;
      if (!err && h.runKeptOpen) {
        const keptOpen = h.runKeptOpen;
        await keptOpen(query, now);
        kept = await median(() => keptOpen(query, now));
      }
      perQuery.push({
        medianSeconds: open,
        ...(kept === undefined ? {} : { keptOpenSeconds: kept }),
        rows: rowsOf(first),
        error: err,
        backend: (first as { backend?: string } | undefined)?.backend,
      });
    }
  } finally {
    await h.close();
  }
  return { seconds: sec() - t1, setupSeconds: t1 - t0, info: { hunter: h.kind, perQuery } };
}
