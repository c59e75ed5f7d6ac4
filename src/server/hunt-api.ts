import { huntEvents } from '../detect/kusto/hunt.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import { lineCol } from '../diag/span.js';
import { timespanText } from '../engine/kusto/values.js';
import { TimelineBuilder } from '../investigate/timeline.js';
import type { ColumnDef } from '../ir/query.js';
import type { AuditEvent } from '../model/event.js';
import { getTable, listTables } from '../views/tables/index.js';

/** A diagnostic as the UI shows it: offsets and 1-based line:col into the query text. */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly hint?: string;
  readonly start?: number;
  readonly end?: number;
  readonly line?: number;
  readonly col?: number;
}

export interface HuntResponse {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Record<string, unknown>[];
  readonly diagnostics: readonly DiagnosticJson[];
  readonly render?: { readonly chart: string; readonly properties: Readonly<Record<string, unknown>> };
  readonly elapsedMs: number;
  readonly source: 'window' | 'db';
  readonly notes: readonly string[];
  /** Rows past `maxRows` were cut. */
  readonly truncated: boolean;
}

const maxRows = 10_000;

export function diagnosticJson(d: Diagnostic, query: string): DiagnosticJson {
  const base = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
  };
  if (!d.span) return base;
  const { line, col } = lineCol(query, d.span.start);
  return { ...base, start: d.span.start, end: d.span.end, line, col };
}

/** A cell as JSON: datetimes ISO, timespans as KQL text, longs as numbers, dynamic as-is. */
function cellJson(v: unknown, type: ColumnDef['type']): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (type === 'timespan' && typeof v === 'number') return timespanText(v);
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function rowsJson(columns: readonly ColumnDef[], rows: readonly Record<string, unknown>[]) {
  return rows.slice(0, maxRows).map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of columns) o[c.name] = cellJson(r[c.name], c.type);
    return o;
  });
}

/** How long the UI keeps a `--db` store open after a hunt. */
export const storeKeepOpenMs = 2_000;

/**
 * Runs a KQL hunt over the events in memory (or, with `db`, over a DuckDB store) and shapes the
 * answer for the UI. Never throws on a bad query: problems are diagnostics with positions.
 * @example await runHunt('CloudAuditEvents | take 5', events, { now: Date.now() })
 */
export async function runHunt(
  query: string,
  events: readonly AuditEvent[],
  opts: { readonly now?: number; readonly db?: string },
): Promise<HuntResponse> {
  const started = performance.now();
  const now = opts.now ?? Date.now();
  if (opts.db) {
    const { huntOnStore } = await import('../store/hunt.js');
    // The store stays open briefly between hunts: the next one skips the open and finds DuckDB's
    // block cache warm (a load in another process waits at most this long after the last hunt).
    // One row past the page says whether it was cut.
    const r = await huntOnStore(opts.db, query, { now, keepOpenMs: storeKeepOpenMs, maxRows: maxRows + 1 });
    return {
      columns: r.columns.map((c) => ({ name: c.name, type: c.type })),
      rows: rowsJson(r.columns, r.rows),
      diagnostics: r.diagnostics.map((d) => diagnosticJson(d, query)),
      elapsedMs: Math.round(performance.now() - started),
      source: 'db',
      notes: r.notes,
      truncated: r.rows.length > maxRows,
    };
  }
  const r = huntEvents(query, events, { now });
  const columns = r.result?.columns ?? [];
  const rows = r.result?.rows ?? [];
  return {
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    rows: rowsJson(columns, rows),
    diagnostics: r.diagnostics.map((d) => diagnosticJson(d, query)),
    ...(r.result?.render ? { render: r.result.render } : {}),
    elapsedMs: Math.round(performance.now() - started),
    source: 'window',
    notes: [],
    truncated: rows.length > maxRows,
  };
}

/** Paths every audit Event has in `RawEventData` (PascalCase top level), before any event arrives. */
const knownRawPaths = [
  'AuditID',
  'Verb',
  'Stage',
  'Level',
  'RequestURI',
  'UserAgent',
  'SourceIPs',
  'User.username',
  'User.groups',
  'User.uid',
  'User.extra',
  'ImpersonatedUser.username',
  'ObjectRef.resource',
  'ObjectRef.subresource',
  'ObjectRef.namespace',
  'ObjectRef.name',
  'ObjectRef.apiGroup',
  'ObjectRef.apiVersion',
  'ResponseStatus.code',
  'ResponseStatus.reason',
  'ResponseStatus.message',
  'RequestObject.kind',
  'RequestObject.metadata.name',
  'RequestObject.spec',
  'RequestObject.roleRef.name',
  'RequestObject.subjects',
  'ResponseObject.kind',
  'Annotations',
  'RequestReceivedTimestamp',
  'StageTimestamp',
];

function collectPaths(v: unknown, prefix: string, depth: number, out: Set<string>): void {
  if (out.size > 2000 || depth > 5 || v === null || typeof v !== 'object' || Array.isArray(v)) return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!/^[A-Za-z_][\w-]*$/.test(k)) continue;
    const p = prefix ? `${prefix}.${k}` : k;
    out.add(p);
    collectPaths(x, p, depth + 1, out);
  }
}

export interface SchemaResponse {
  readonly tables: readonly {
    readonly name: string;
    readonly description?: string;
    readonly columns: readonly {
      readonly name: string;
      readonly type: string;
      readonly description?: string;
    }[];
  }[];
  /** Dotted paths inside `RawEventData`, from the known audit fields and the events in memory. */
  readonly rawEventDataPaths: readonly string[];
}

/** Tables and columns for completion, plus `RawEventData` paths seen in (a sample of) the window. */
export function schemaOf(events: readonly AuditEvent[]): SchemaResponse {
  const paths = new Set(knownRawPaths);
  const view = getTable('CloudAuditEvents');
  const raw = view?.column('RawEventData');
  if (view && raw) {
    const step = Math.max(1, Math.floor(events.length / 500));
    for (let i = events.length - 1; i >= 0; i -= step) {
      const ev = events[i]!;
      if (view.accepts(ev)) collectPaths(raw(ev), '', 0, paths);
    }
  }
  return {
    tables: listTables().map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      columns: t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        ...(c.description ? { description: c.description } : {}),
      })),
    })),
    rawEventDataPaths: [...paths].sort(),
  };
}

/** One actor's events in the window, oldest first (the same rows as `auditscope timeline --user`). */
export function timelineOf(events: readonly AuditEvent[], user: string) {
  const b = new TimelineBuilder({ user: [user] });
  for (const ev of events) b.add(ev);
  return b.rows(true);
}
