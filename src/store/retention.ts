import type { DuckDBConnection } from '@duckdb/node-api';
import { baseTables } from './catalog.js';
import { inTransaction, quoteIdent, quoteString } from './duck.js';

/**
 * Deletes every stored row whose event time is before `cutoffMs` (epoch ms), in all tables and in
 * `_events`, in one transaction. Rows without a time are kept.
 * @returns the number of rows removed, all tables together.
 * @example await pruneStore(con, Date.now() - 90 * 86_400_000)
 */
export async function pruneStore(con: DuckDBConnection, cutoffMs: number): Promise<number> {
  const cutoff = `TIMESTAMP ${quoteString(new Date(cutoffMs).toISOString())}`;
  const tables = await baseTables(con);
  return inTransaction(con, async () => {
    let n = 0;
    for (const t of tables) {
      const r = await con.run(`DELETE FROM ${quoteIdent(t)} WHERE _ts < ${cutoff}`);
      n += r.rowsChanged;
    }
    return n;
  });
}

const unitMs: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Parses a retention such as `90d`, `12h`, `2w`, `30m` to milliseconds; undefined when malformed.
 * @example parseRetention('90d') === 90 * 86_400_000
 */
export function parseRetention(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (unitMs[m[2]!] ?? 0);
}
