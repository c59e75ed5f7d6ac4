import type { AuditEvent } from '../model/event.js';
import type { Alert } from './alert.js';

/**
 * Drops repeated events: the same request delivered by two feeds (AKS diagnostic logs and a Log
 * Analytics / CloudAuditEvents export, or both kube-audit and kube-audit-admin) has the same
 * `AuditEvent.id`. The first copy wins; the formats of every copy are returned for reporting.
 * @example dedupEvents([aksCopy, laCopy]).events.length === 1
 */
export function dedupEvents(events: readonly AuditEvent[]): {
  events: AuditEvent[];
  duplicates: number;
  feeds: Map<string, string[]>;
} {
  const seen = new Map<string, string[]>();
  const out: AuditEvent[] = [];
  let duplicates = 0;
  for (const ev of events) {
    const feeds = seen.get(ev.id);
    if (feeds) {
      duplicates++;
      if (!feeds.includes(ev.format)) feeds.push(ev.format);
      continue;
    }
    seen.set(ev.id, [ev.format]);
    out.push(ev);
  }
  return { events: out, duplicates, feeds: seen };
}

/** The identity of an alert across feeds: its rule and the ids of the events that made it. */
export const alertKey = (a: Alert): string => `${a.rule.id}\u0000${a.events.map((e) => e.id).join('\u0001')}`;

/**
 * Merges alerts that the same rule raised on the same request seen through two feeds into one
 * alert. The kept alert lists every feed it was seen in under `details.feeds` (source formats) and
 * `details.sources` (files), so an analyst knows where to find each copy.
 * @example dedupAlerts([fromAks, fromLogAnalytics]).length === 1
 */
export function dedupAlerts(alerts: readonly Alert[]): Alert[] {
  const byKey = new Map<string, { alert: Alert; feeds: Set<string>; sources: Set<string> }>();
  const order: string[] = [];
  for (const a of alerts) {
    const key = alertKey(a);
    const prev = byKey.get(key);
    const feeds = a.events.map((e) => e.format);
    const sources = a.events.map((e) => e.source.file);
    if (prev) {
      for (const f of feeds) prev.feeds.add(f);
      for (const s of sources) prev.sources.add(s);
      continue;
    }
    byKey.set(key, { alert: a, feeds: new Set(feeds), sources: new Set(sources) });
    order.push(key);
  }
  return order.map((k) => {
    const { alert, feeds, sources } = byKey.get(k)!;
    if (feeds.size <= 1 && sources.size <= 1) return alert;
    return { ...alert, details: { ...alert.details, feeds: [...feeds], sources: [...sources] } };
  });
}
