import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type Diagnostic, hasErrors } from '../diag/diagnostic.js';
import { evaluateProgram } from '../engine/kusto/evaluate.js';
import type { Row } from '../engine/kusto/values.js';
import type { ColumnDef, QueryProgram } from '../ir/query.js';
import { forEachQueryNode } from '../ir/walk-query.js';
import { parseKusto } from '../lang/kusto/parse-kusto.js';
import type { TableSchema } from '../lang/kusto/schema.js';
import { withStoreReader } from './reader-cache.js';
import { columnsToRecords, jsonRowsSql, jsonToRecords, readTableRows } from './result-values.js';
import type { StoredTable } from './schema.js';
import { compileProgram } from './sql/compile-query.js';
import type { Unsupported } from './sql/unsupported.js';

export interface HuntOptions {
  /** Pinned now (epoch ms) for `now()` / `ago()`; default: the clock when the hunt starts. */
  readonly now?: number;
  /** Compile and return the SQL without running it. */
  readonly explain?: boolean;
  /** When SQL cannot express the query, run it in memory over the store's rows (default true). */
  readonly fallback?: boolean;
  /** How long to wait for a concurrent load's write lock (default 30 s). */
  readonly lockTimeoutMs?: number;
  /** File name for diagnostics. */
  readonly file?: string;
  /**
   * Keep the store open this long after the hunt, for the next hunt of this process to reuse
   * (reader-cache.ts; `serve` does). Default: close at once.
   */
  readonly keepOpenMs?: number;
  /**
   * Return at most this many rows (SQL path: a LIMIT on the compiled query, so a hunt over the
   * whole table does not move every row into JS; a UI shows a page). Default: every row.
   */
  readonly maxRows?: number;
}

export interface HuntResult {
  readonly columns: readonly ColumnDef[];
  /** Rows in the IR's runtime encoding (datetime as Date, dynamic as JSON), keyed by column name. */
  readonly rows: readonly Record<string, unknown>[];
  /** The SQL that ran (or would run, with `explain`). */
  readonly sql?: string;
  /** Which backend produced the rows: `sql`, `memory` (fallback) or `none` (errors / explain). */
  readonly backend: 'sql' | 'memory' | 'none';
  /** Why SQL was not used, when it was not. */
  readonly unsupported?: Unsupported;
  /** Human-readable notes (fallbacks, explain). */
  readonly notes: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The KQL schemas of the tables a store holds (logical column names and types). */
export const storeSchemas = (catalog: ReadonlyMap<string, StoredTable>): TableSchema[] =>
  [...catalog.values()].map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
  }));

/**
 * Runs a KQL hunt on a DuckDB store file: parse and lower with the store's table schemas, compile to
 * SQL, run it on a read-only connection (waiting for a concurrent load's lock, see duck.ts). What SQL
 * cannot express falls back to the in-memory engine over the store's rows, with a note; never a
 * guessed answer. Never throws on a bad query: problems come back as diagnostics.
 *
 * @param dbFile  a store written by `loadFiles` / `auditscope load`
 * @param queryText  KQL text
 * @param opts  `now` pins now()/ago(); `explain` returns the SQL without running it
 * @returns `{ columns, rows, sql, backend, unsupported?, notes, diagnostics }`
 * @example
 * const r = await huntOnStore('/tmp/a.duckdb', 'AKSAudit | where Verb == "create" | count', { now: Date.now() });
 * if (r.sql) console.log(r.sql); console.table(r.rows);
 */
export async function huntOnStore(
  dbFile: string,
  queryText: string,
  opts: HuntOptions = {},
): Promise<HuntResult> {
  const now = opts.now ?? Date.now();
  if (!existsSync(dbFile)) {
    const message = `no store at ${dbFile} (create one with 'auditscope load PATH... --db ${dbFile}')`;
    return {
      columns: [],
      rows: [],
      backend: 'none',
      notes: [],
      diagnostics: [{ code: 'SQL002', severity: 'error', message }],
    };
  }
  return withStoreReader(
    dbFile,
    {
      ...(opts.lockTimeoutMs ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
      ...(opts.keepOpenMs ? { keepOpenMs: opts.keepOpenMs } : {}),
    },
    ({ con, catalog }) => huntWith(con, catalog, queryText, now, opts),
  );
}

async function huntWith(
  con: DuckDBConnection,
  catalog: ReadonlyMap<string, StoredTable>,
  queryText: string,
  now: number,
  opts: HuntOptions,
): Promise<HuntResult> {
  const parsed = parseKusto(queryText, storeSchemas(catalog), opts.file ? { file: opts.file } : {});
  const diagnostics = [...parsed.diagnostics];
  const none = (notes: string[] = []): HuntResult => ({
    columns: [],
    rows: [],
    backend: 'none',
    notes,
    diagnostics,
  });
  if (!parsed.program || hasErrors(diagnostics)) return none();
  const program = parsed.program;
  const compiled = compileProgram(program, catalog, { nowMs: now });
  const notes: string[] = [];
  if (compiled.kind === 'Sql') {
    if (opts.explain)
      return {
        columns: compiled.columns,
        rows: [],
        sql: compiled.sql,
        backend: 'none',
        notes,
        diagnostics,
      };
    try {
      return {
        columns: compiled.columns,
        rows: await readResult(
          con,
          opts.maxRows !== undefined
            ? `SELECT * FROM (${compiled.sql}) AS _page LIMIT ${Math.max(0, Math.floor(opts.maxRows))}`
            : compiled.sql,
          compiled.columns,
        ),
        sql: compiled.sql,
        backend: 'sql',
        notes,
        diagnostics,
      };
    } catch (e) {
      // A runtime failure in SQL (e.g. a regex DuckDB rejects) is answered by the in-memory engine.
      notes.push(`SQL failed (${(e as Error).message.split('\n')[0]}); ran in memory instead`);
      if (opts.fallback === false) {
        const message = (e as Error).message.split('\n')[0] ?? 'SQL failed';
        // DuckDB reports a bad RE2 pattern as invalid input: the runtime error the in-memory engine gives.
        const code = /^Invalid Input Error/.test(message) ? 'KUS030' : 'SQL001';
        diagnostics.push({ code, severity: 'error', message, source: queryText });
        return { ...none(notes), sql: compiled.sql };
      }
    }
  } else {
    notes.push(`SQL backend cannot run ${compiled.feature} (${compiled.reason}); ran in memory instead`);
    if (opts.explain || opts.fallback === false) return { ...none(notes), unsupported: compiled };
  }
  return {
    ...(await runInMemory(con, catalog, program, now, diagnostics, queryText)),
    notes,
    ...(compiled.kind === 'Unsupported' ? { unsupported: compiled } : {}),
  };
}

async function runInMemory(
  con: Parameters<typeof readTableRows>[0],
  catalog: ReadonlyMap<string, StoredTable>,
  program: QueryProgram,
  now: number,
  diagnostics: Diagnostic[],
  source: string,
): Promise<Omit<HuntResult, 'notes'>> {
  const tables = new Map<string, Row[]>();
  for (const name of tablesOf(program)) {
    const t = catalog.get(name);
    if (t) tables.set(name, (await readTableRows(con, t)) as Row[]);
  }
  try {
    const r = evaluateProgram(program, { tables, now });
    return { columns: r.columns, rows: r.rows, backend: 'memory', diagnostics };
  } catch (e) {
    diagnostics.push({ code: 'KUS030', severity: 'error', message: (e as Error).message, source });
    return { columns: [], rows: [], backend: 'none', diagnostics };
  }
}

/** Names of the catalogue tables a program reads (anywhere, including scalar subqueries). */
export function tablesOf(p: QueryProgram): Set<string> {
  const out = new Set<string>();
  forEachQueryNode(p, (o) => {
    if (o['kind'] === 'Table' && typeof o['name'] === 'string') out.add(o['name']);
    return true;
  });
  return out;
}

/**
 * Runs compiled SQL and reads its rows: as JSON texts of 2,048 rows each (result-values.ts `jsonRowsSql`),
 * else, when that form fails (a value JSON cannot carry), column by column.
 */
async function readResult(
  con: DuckDBConnection,
  sql: string,
  columns: readonly ColumnDef[],
): Promise<Record<string, unknown>[]> {
  try {
    const r = await con.runAndReadAll(jsonRowsSql(sql, columns));
    return jsonToRecords(r.getColumns()[0] ?? [], columns);
  } catch {
    const r = await con.runAndReadAll(sql);
    return columnsToRecords(r.getColumns(), columns, r.currentRowCount);
  }
}
