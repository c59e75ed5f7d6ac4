import { ingestText } from '../ingest/ingest.js';
import type { IngestSink, IngestStats } from '../ingest/types.js';
import { newStats } from '../ingest/types.js';
import type { AuditEvent } from '../model/event.js';
import { openStore, queryRows } from '../store/duck.js';

/** Records read from the store per query (keeps memory flat on large stores). */
const pageSize = 20_000;

/**
 * Replays the events of a DuckDB store (`auditscope load --db FILE`) into an ingest sink, in event
 * time order, so every detection (Sigma correlations, Elastic new_terms history windows, scheduled
 * Kusto rules) runs over the store as it would over the original files. Each stored raw record is
 * normalized again by the same readers (`ingestText`) and keeps the provenance it was loaded with
 * (file and line). A record the readers no longer accept is quarantined, never dropped.
 * The store is opened read-only, so a `load` may run at the same time (it sees committed batches).
 * @example const stats = await replayStore('cases.duckdb', { event: (ev) => runner.push(ev), quarantine: () => {} });
 */
export async function replayStore(
  dbFile: string,
  sink: IngestSink,
  opts: { readonly from?: number; readonly to?: number } = {},
): Promise<IngestStats> {
  const total = newStats();
  const h = await openStore(dbFile, { readOnly: true });
  try {
    const where: string[] = ['raw IS NOT NULL'];
    if (opts.from !== undefined) where.push(`_ts >= make_timestamp(${Math.floor(opts.from * 1000)})`);
    if (opts.to !== undefined) where.push(`_ts <= make_timestamp(${Math.floor(opts.to * 1000)})`);
    const noRaw = await queryRows(h.con, `SELECT count(*) FROM _events WHERE raw IS NULL`);
    const files = new Set<string>();
    for (let offset = 0; ; offset += pageSize) {
      const rows = await queryRows(
        h.con,
        `SELECT raw, file, line FROM _events WHERE ${where.join(' AND ')} ORDER BY _ts, file, line, _id LIMIT ${pageSize} OFFSET ${offset}`,
      );
      for (const [raw, file, line] of rows) {
        const name = String(file ?? dbFile);
        const at = Number(line ?? 0);
        files.add(name);
        const s = ingestText(String(raw), name, {
          event: (ev: AuditEvent) => sink.event({ ...ev, source: { ...ev.source, file: name, line: at } }),
          quarantine: (q) => sink.quarantine({ ...q, file: name, line: at }),
        });
        merge(total, s);
      }
      if (rows.length < pageSize) break;
    }
    total.files = files.size;
    const missing = Number(noRaw[0]?.[0] ?? 0);
    if (missing > 0) {
      // Loaded with --no-raw: those events cannot be replayed; say so rather than skip them silently.
      total.records += missing;
      total.quarantined += missing;
      total.quarantinedByReason['no-raw'] = (total.quarantinedByReason['no-raw'] ?? 0) + missing;
      sink.quarantine({
        file: dbFile,
        line: 0,
        reason: 'no-raw',
        message: `${missing} stored events have no raw record (loaded with --no-raw) and cannot be replayed`,
        record: '',
      });
    }
  } finally {
    h.close();
  }
  return total;
}

function merge(into: IngestStats, s: IngestStats): void {
  into.bytes += s.bytes;
  into.records += s.records;
  into.events += s.events;
  into.quarantined += s.quarantined;
  into.prefiltered += s.prefiltered;
  for (const [k, v] of Object.entries(s.quarantinedByReason) as [
    keyof IngestStats['quarantinedByReason'],
    number,
  ][])
    into.quarantinedByReason[k] = (into.quarantinedByReason[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.eventsByFormat) as [keyof IngestStats['eventsByFormat'], number][])
    into.eventsByFormat[k] = (into.eventsByFormat[k] ?? 0) + v;
}
