/**
 * The ingest library: every supported audit-log format in, normalized AuditEvents out.
 * @example
 * import { ingest } from './ingest/index.js';
 * const stats = await ingest(['./evidence'], { event: (ev) => {}, quarantine: (q) => {} });
 */
export { ingest, ingestText, readAll, readEvents, readText, type ReadResult } from './ingest.js';
export { formatIngestSummary } from './format-stats.js';
export type { IngestOptions, IngestSink, IngestStats, QuarantineReason, QuarantineRecord } from './types.js';
