import { lineCol, type Span } from './span.js';

export type Severity = 'error' | 'warning' | 'info';

/**
 * A problem found in user input (a rule, a query, a record). Diagnostics are data: front ends
 * return them and never throw on user input; the caller decides how to render them.
 *
 * Codes by front end: SIG### Sigma, KQL### Kibana query language, KUS### Kusto, ELA### Elastic rule
 * files, EQL### EQL, ING### ingest, SQL### store, RUL### rule packs and tests.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Offsets into `source` (when known). */
  readonly span?: Span;
  /** File the span points into. */
  readonly file?: string;
  /** The text `span` points into, used to render line:col and the caret line. */
  readonly source?: string;
  /** A suggested fix, e.g. "did you mean 'contains'?". */
  readonly hint?: string;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** `file:line:col` of a diagnostic, or as much of it as is known. */
export function location(d: Diagnostic): string {
  const file = d.file ?? '<input>';
  if (!d.span || d.source === undefined) return file;
  const { line, col } = lineCol(d.source, d.span.start);
  return `${file}:${line}:${col}`;
}

/**
 * Renders `file:line:col: error CODE: message` followed by the source line and a caret marker.
 * @example formatDiagnostic({ code: 'SIG004', severity: 'error', message: "unknown modifier 'contain'", ... })
 */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${location(d)}: ${d.severity} ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
  if (!d.span || d.source === undefined) return head;
  const { line, col } = lineCol(d.source, d.span.start);
  const text = d.source.split('\n')[line - 1] ?? '';
  const width = Math.max(1, Math.min(d.span.end - d.span.start, text.length - col + 1));
  return `${head}\n  ${text}\n  ${' '.repeat(col - 1)}^${'~'.repeat(width - 1)}`;
}
