import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMeta } from '../../src/store/catalog.js';
import { openStore } from '../../src/store/duck.js';
import { type HuntResult, huntOnStore } from '../../src/store/hunt.js';
import { storeTableRows } from '../../src/store/load-rows.js';
import type { BackendResult, CaseTable } from '../kusto/conformance.js';

/**
 * The DuckDB SQL compiler as a conformance backend: the case's tables are stored in a fresh store
 * file under os.tmpdir(), the query runs through `huntOnStore` with the in-memory fallback off, so
 * a passing case really ran as SQL. `last` keeps the hunt result (SQL text, Unsupported) for the test.
 */
export async function runOnStore(
  tables: readonly CaseTable[],
  query: string,
  opts: { readonly now?: number },
): Promise<{ result: BackendResult; hunt: HuntResult }> {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-conf-'));
  try {
    const db = join(dir, 'case.duckdb');
    const h = await openStore(db);
    try {
      await ensureMeta(h.con);
    } finally {
      h.close();
    }
    for (const t of tables) await storeTableRows(db, t.name, t.columns, t.rows);
    const hunt = await huntOnStore(db, query, {
      ...(opts.now !== undefined ? { now: opts.now } : {}),
      fallback: false,
    });
    const result: BackendResult = {
      diagnostics: hunt.diagnostics,
      ...(hunt.backend === 'sql' ? { rows: hunt.rows, columns: hunt.columns.map((c) => c.name) } : {}),
    };
    return { result, hunt };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
