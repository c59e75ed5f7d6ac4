import { statSync } from 'node:fs';
import { readCatalog } from './catalog.js';
import { openStore, queryRows, quoteIdent } from './duck.js';

export interface TableInfo {
  readonly name: string;
  readonly rows: number;
  /** Earliest and latest event time (ISO), when the table has rows with a time. */
  readonly from?: string;
  readonly to?: string;
}

export interface StoreInfo {
  readonly path: string;
  readonly bytes: number;
  readonly tables: readonly TableInfo[];
  readonly events: number;
  readonly files: number;
  readonly from?: string;
  readonly to?: string;
}

const iso = (v: unknown): string | undefined =>
  v === null || v === undefined ? undefined : `${String(v).replace(' ', 'T')}Z`;

/**
 * What a store holds: rows and time range per table, distinct events, loaded files, file size.
 * Opens the store read-only (waits while a load holds the lock).
 * @example const info = await storeInfo('/tmp/a.duckdb'); info.tables.find((t) => t.name === 'AKSAudit')?.rows
 */
export async function storeInfo(dbFile: string): Promise<StoreInfo> {
  const h = await openStore(dbFile, { readOnly: true });
  try {
    const tables: TableInfo[] = [];
    for (const name of (await readCatalog(h.con)).keys()) {
      const [row] = await queryRows(
        h.con,
        `SELECT count(*), CAST(min(_ts) AS VARCHAR), CAST(max(_ts) AS VARCHAR) FROM ${quoteIdent(name)}`,
      );
      tables.push({ name, rows: Number(row?.[0] ?? 0), from: iso(row?.[1]), to: iso(row?.[2]) });
    }
    const [ev] = await queryRows(
      h.con,
      `SELECT count(*), CAST(min(_ts) AS VARCHAR), CAST(max(_ts) AS VARCHAR) FROM _events`,
    );
    const [files] = await queryRows(h.con, `SELECT count(*) FROM _files`);
    return {
      path: dbFile,
      bytes: statSync(dbFile).size,
      tables,
      events: Number(ev?.[0] ?? 0),
      files: Number(files?.[0] ?? 0),
      from: iso(ev?.[1]),
      to: iso(ev?.[2]),
    };
  } finally {
    h.close();
  }
}
