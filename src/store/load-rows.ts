import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnDef } from '../ir/query.js';
import { ensureMeta, ensureTable } from './catalog.js';
import { inTransaction, openStore } from './duck.js';
import { insertStagedSql } from './load-batch.js';
import { RowEncoder } from './row-line.js';
import { planTable } from './schema.js';

/**
 * Stores rows of an arbitrary KQL table (not derived from audit events): `datatable`-like inputs,
 * the conformance suite, exported results. Rows use the IR's runtime encoding (datetime as Date or
 * epoch ms, dynamic as JSON). Each row gets a synthetic id (`row:<n>`) and no event time.
 * @example await storeTableRows('/tmp/a.duckdb', 'T', [{ name: 'a', type: 'long' }], [{ a: 1 }])
 */
export async function storeTableRows(
  dbFile: string,
  name: string,
  columns: readonly ColumnDef[],
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<number> {
  const table = planTable(name, columns);
  const encoder = new RowEncoder(table, new Map());
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-rows-'));
  try {
    const file = join(dir, 'rows.ndjson');
    const lines = rows.map((r, n) => encoder.line(`row:${n}`, null, r));
    writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '');
    const h = await openStore(dbFile);
    try {
      await ensureMeta(h.con);
      await ensureTable(h.con, table);
      if (rows.length === 0) return 0;
      return await inTransaction(
        h.con,
        async () => (await h.con.run(insertStagedSql(table, file))).rowsChanged,
      );
    } finally {
      h.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
