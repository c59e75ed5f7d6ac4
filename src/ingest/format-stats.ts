import type { IngestStats } from './types.js';

/**
 * A short human summary of an ingest run: records read / parsed / quarantined (by reason) and
 * events by format.
 * @example formatIngestSummary(stats) // 'records: 73 read, 72 events, 1 quarantined (unknown-format 1)\nformats: k8s-audit 51, aks-diagnostic 21\n'
 */
export function formatIngestSummary(stats: IngestStats): string {
  const reasons = Object.entries(stats.quarantinedByReason)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  const formats = Object.entries(stats.eventsByFormat)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([f, n]) => `${f} ${n}`)
    .join(', ');
  return (
    `inputs: ${stats.files} file${stats.files === 1 ? '' : 's'}, ${humanBytes(stats.bytes)}\n` +
    `records: ${stats.records} read, ${stats.events} events, ${stats.quarantined} quarantined${reasons ? ` (${reasons})` : ''}${
      stats.prefiltered ? `, ${stats.prefiltered} skipped by the prefilter` : ''
    }\n` +
    `formats: ${formats || 'none'}\n`
  );
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}
