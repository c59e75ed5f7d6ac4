import { type Alert, type SeverityLevel, severityRank } from './alert.js';
import { eventColumns } from './format-fields.js';

/** Column headers of the alert table (people output). */
export const alertHeaders = [
  'TIME',
  'SEVERITY',
  'RULE',
  'USER',
  'VERB/OPERATION',
  'RESOURCE/NAME',
  'NAMESPACE',
  'SOURCE',
] as const;

/** Column limits for the alert table: long ARM operation names and blob paths keep their end. */
export const alertColumnWidths: readonly (number | undefined)[] = [24, 13, 56, 34, 34, 40, 16, 44];
export const alertKeepEnd: readonly number[] = [4, 5, 7];

/**
 * Alerts as table rows, oldest first (ties: most severe first), with each row's severity for
 * colouring. Rendering (alignment, colour) is the caller's.
 * @example const { rows, severities } = alertRows(alerts);
 */
export function alertRows(alerts: readonly Alert[]): { rows: string[][]; severities: SeverityLevel[] } {
  const sorted = [...alerts].sort(
    (a, b) =>
      (a.events.at(-1)?.ts ?? 0) - (b.events.at(-1)?.ts ?? 0) ||
      severityRank[a.severity] - severityRank[b.severity],
  );
  const rows: string[][] = [];
  const severities: SeverityLevel[] = [];
  for (const al of sorted) {
    const ev = al.events.at(-1);
    const c = ev ? eventColumns(ev) : { user: '', action: '', target: '', namespace: '', source: '' };
    const when = ev ? new Date(ev.ts).toISOString() : al.time;
    rows.push([when, al.severity, al.rule.name, c.user, c.action, c.target, c.namespace, c.source]);
    severities.push(al.severity);
  }
  return { rows, severities };
}

/** Alert counts by severity, most severe first, omitting zeros. */
export function countBySeverity(alerts: readonly Alert[]): [SeverityLevel, number][] {
  const counts = new Map<SeverityLevel, number>();
  for (const a of alerts) counts.set(a.severity, (counts.get(a.severity) ?? 0) + 1);
  return [...counts].sort((a, b) => severityRank[a[0]] - severityRank[b[0]]);
}
