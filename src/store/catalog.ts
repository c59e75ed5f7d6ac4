import type { DuckDBConnection } from '@duckdb/node-api';
import { caeActivityTable, createDerivedViewSql } from './derived-views.js';
import { queryRows, quoteIdent, quoteString } from './duck.js';
import {
  createTableSql,
  metaDdl,
  physicalColumns,
  type StoredTable,
  sqlType,
  storeVersion,
} from './schema.js';

/**
 * The store's catalogue: which KQL tables it holds and their physical layout (`_tables`), so a hunt
 * can compile against a store file without loading the table views.
 */

/** Creates the metadata tables (idempotent) and checks the layout version. */
export async function ensureMeta(con: DuckDBConnection): Promise<void> {
  for (const ddl of metaDdl) await con.run(ddl);
  const rows = await queryRows(con, `SELECT value FROM _meta WHERE key = 'version'`);
  const v = rows[0]?.[0];
  if (v === undefined) {
    await con.run(`INSERT INTO _meta VALUES ('version', ${quoteString(storeVersion)})`);
  } else if (v !== storeVersion) {
    throw new Error(
      `store layout version ${String(v)} is not supported (expected ${storeVersion}): load the files again into a new store`,
    );
  }
}

/**
 * Creates a planned table, or adds the physical columns it lacks (a table view that gained columns),
 * and records its layout in `_tables`. A `derived` audit table is (re)created as a view over `_events`.
 */
export async function ensureTable(con: DuckDBConnection, t: StoredTable, derived = false): Promise<void> {
  const view = derived ? createDerivedViewSql(t) : undefined;
  if (view) {
    // An audit table: a view over `_events`; CloudAuditEvents keeps its Activity rows physically.
    if (t.name === 'CloudAuditEvents') await ensurePhysical(con, t, caeActivityTable);
    await con.run(view);
  } else await ensurePhysical(con, t, t.name);
  await con.run(
    `INSERT OR REPLACE INTO _tables VALUES (${quoteString(t.name)}, ${quoteString(JSON.stringify(t))})`,
  );
}

async function ensurePhysical(con: DuckDBConnection, t: StoredTable, name: string): Promise<void> {
  await con.run(createTableSql(t, name));
  const existing = new Set(
    (
      await queryRows(
        con,
        `SELECT lower(column_name) FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ${quoteString(name)}`,
      )
    ).map((r) => String(r[0])),
  );
  for (const c of physicalColumns(t)) {
    if (!existing.has(c.physical.toLowerCase()))
      await con.run(
        `ALTER TABLE ${quoteIdent(name)} ADD COLUMN ${quoteIdent(c.physical)} ${sqlType(c.type)}`,
      );
  }
  for (const h of t.hot) {
    if (!existing.has(h.physical.toLowerCase()))
      await con.run(`ALTER TABLE ${quoteIdent(name)} ADD COLUMN ${quoteIdent(h.physical)} VARCHAR`);
  }
}

/** Base tables of the store (not views): what retention prunes. */
export async function baseTables(con: DuckDBConnection): Promise<string[]> {
  return (
    await queryRows(
      con,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' AND table_name NOT IN ('_meta', '_tables', '_files') ORDER BY 1`,
    )
  ).map((r) => String(r[0]));
}

/** The tables a store holds, from its catalogue. Empty for a store with no catalogue yet. */
export async function readCatalog(con: DuckDBConnection): Promise<Map<string, StoredTable>> {
  const out = new Map<string, StoredTable>();
  const has = await queryRows(
    con,
    `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = '_tables'`,
  );
  if (Number(has[0]?.[0] ?? 0) === 0) return out;
  for (const [name, spec] of await queryRows(
    con,
    `SELECT name, CAST(spec AS VARCHAR) FROM _tables ORDER BY name`,
  )) {
    out.set(String(name), JSON.parse(String(spec)) as StoredTable);
  }
  return out;
}
