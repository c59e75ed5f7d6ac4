import type { Diagnostic } from '../../diag/diagnostic.js';
import { hasErrors } from '../../diag/diagnostic.js';
import { QueryRuntimeError } from '../../engine/kusto/regex.js';
import { ingest } from '../../ingest/ingest.js';
import type { IngestOptions, IngestStats, QuarantineRecord } from '../../ingest/types.js';
import type { QueryProgram } from '../../ir/query.js';
import { parseKusto } from '../../lang/kusto/parse-kusto.js';
import type { AuditEvent } from '../../model/event.js';
import { compilePrefilter } from '../../engine/prefilter.js';
import { getTable } from '../../views/tables/index.js';
import { kustoSchemas } from './catalog.js';
import { huntPrefilterPlan } from './hunt-prefilter.js';
import { evaluateParsed, type RunQueryOptions, type RunQueryResult, runtimeDiagnostic } from './run-query.js';
import { TableStreamer, type TableStreamOptions } from './stream-tables.js';

export interface HuntOptions extends RunQueryOptions {
  /** Plain path (differential tests): build every column, run no filter while streaming. */
  readonly plain?: boolean;
}

export interface HuntResult extends RunQueryResult {
  /** Copies of an already kept request that were dropped (one row per request). */
  readonly duplicates: number;
}

type Prepared =
  | { readonly program: QueryProgram; readonly diagnostics: Diagnostic[]; readonly streamer: TableStreamer }
  | { readonly program?: QueryProgram; readonly diagnostics: Diagnostic[]; readonly streamer?: undefined };

function prepare(query: string, now: number, opts: HuntOptions): Prepared {
  const parsed = parseKusto(query, kustoSchemas(), opts.file ? { file: opts.file } : {});
  const diagnostics = [...parsed.diagnostics];
  const program = parsed.program;
  if (!program || hasErrors(diagnostics)) return { diagnostics };
  const so: TableStreamOptions = opts.plain ? { now, noPruning: true, noPushdown: true } : { now };
  try {
    return { program, diagnostics, streamer: new TableStreamer(program, so) };
  } catch (e) {
    if (!(e instanceof QueryRuntimeError)) throw e;
    diagnostics.push(runtimeDiagnostic(e, query, opts));
    return { program, diagnostics };
  }
}

function finish(
  query: string,
  p: Prepared,
  now: number,
  opts: HuntOptions,
  failure?: QueryRuntimeError,
): HuntResult {
  const { program, diagnostics, streamer } = p;
  if (!program || !streamer) return { ...(program ? { program } : {}), diagnostics, duplicates: 0 };
  if (failure) {
    diagnostics.push(runtimeDiagnostic(failure, query, opts));
    return { program, diagnostics, duplicates: streamer.duplicates };
  }
  const scans = streamer.scans();
  const r = evaluateParsed(query, program, diagnostics, () => ({ tables: () => undefined, scans }), {
    ...opts,
    now,
  });
  return { ...r, duplicates: streamer.duplicates };
}

/**
 * Runs a KQL hunt over normalized events, through the table views (AKSAudit, CloudAuditEvents, ...):
 * one row per request (a request seen through two feeds counts once), only the columns the query
 * reads, leading `where` filters applied as rows are built. The bench's "run over events" entry point.
 * @example const { result, diagnostics } = huntEvents('AKSAudit | count', events, { now: Date.parse('2024-11-16') })
 */
export function huntEvents(query: string, events: readonly AuditEvent[], opts: HuntOptions = {}): HuntResult {
  const now = opts.now ?? Date.now();
  const p = prepare(query, now, opts);
  let failure: QueryRuntimeError | undefined;
  if (p.streamer)
    try {
      for (const ev of events) p.streamer.push(ev);
    } catch (e) {
      if (!(e instanceof QueryRuntimeError)) throw e;
      failure = e;
    }
  return finish(query, p, now, opts, failure);
}

export interface HuntFilesOptions extends HuntOptions {
  /** Bad records (never dropped silently: the caller reports or keeps them). */
  readonly quarantine?: (q: QuarantineRecord) => void;
  readonly ingest?: IngestOptions;
  /**
   * Skip, unparsed, the audit lines no table reference could keep (hunt-prefilter.ts; default true).
   * Off, every line is parsed (differential tests).
   */
  readonly prefilter?: boolean;
}

export interface HuntFilesResult extends HuntResult {
  /** Ingest counters; absent when the query did not parse (no input was read). */
  readonly stats?: IngestStats;
}

/**
 * `auditscope hunt FILE...`: parses the query, then streams the inputs through ingest into the rows
 * of the tables it reads (TableStreamer), so memory holds only the rows that pass the query's
 * leading filters, never the events. Inputs are not read when the query has errors.
 * @example const r = await huntFiles('AKSAudit | where Verb == "create" | count', ['audit/'], { now })
 */
export async function huntFiles(
  query: string,
  inputs: readonly string[],
  opts: HuntFilesOptions = {},
): Promise<HuntFilesResult> {
  const now = opts.now ?? Date.now();
  const p = prepare(query, now, opts);
  const streamer = p.streamer;
  if (!streamer) return finish(query, p, now, opts);
  let failure: QueryRuntimeError | undefined;
  const quarantine = opts.quarantine ?? (() => {});
  const lineFilter =
    opts.prefilter === false || opts.ingest?.lineFilter
      ? undefined
      : compilePrefilter(huntPrefilterPlan(streamer.tableScans, (t) => getTable(t) !== undefined));
  const stats = await ingest(
    inputs,
    {
      event(ev) {
        if (failure) return;
        try {
          streamer.push(ev);
        } catch (e) {
          // a runtime failure of a filter (a regex from a column): stop building, report it
          if (!(e instanceof QueryRuntimeError)) throw e;
          failure = e;
        }
      },
      quarantine,
    },
    { ...opts.ingest, ...(lineFilter ? { lineFilter } : {}) },
  );
  return { ...finish(query, p, now, opts, failure), stats };
}
