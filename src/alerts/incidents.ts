import type { Alert, Entities, SeverityLevel } from './alert.js';
import { ruleAttack } from './rule-attack.js';
import { describeEvent } from './describe-event.js';

/** One step of an incident's story: an alert, in time order. */
export interface TimelineEntry {
  readonly time: string;
  readonly rule: string;
  readonly severity: SeverityLevel;
  readonly summary: string;
  readonly techniques: readonly string[];
}

/** Related alerts (sharing an entity within the time window), as Defender groups them. */
export interface Incident {
  /** Stable id: derived from the first alert's rule and time. */
  readonly id: string;
  readonly title: string;
  readonly severity: SeverityLevel;
  readonly riskScore: number;
  readonly start: string;
  readonly end: string;
  /** Alerts in time order. */
  readonly alerts: readonly Alert[];
  /** Union of the alerts' entities. */
  readonly entities: Entities;
  /** The entity values that tied the alerts together (`users:eve@contoso.example`). */
  readonly links: readonly string[];
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly timeline: readonly TimelineEntry[];
}

export interface GroupOptions {
  /** Largest gap (ms) between two alerts sharing an entity for them to be grouped. Default 1 hour. */
  readonly window?: number;
  /**
   * Entity kinds that link alerts. Default: users, ips, pods, workloads, images, subjects, impersonated.
   * Clusters and namespaces are shared by unrelated activity and do not link on their own.
   */
  readonly linkBy?: readonly string[];
  /** Entity values that never link (e.g. shared NAT addresses, platform identities). */
  readonly ignore?: readonly string[];
}

const severityRank: Record<SeverityLevel, number> = {
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
const defaultLinks = ['users', 'ips', 'pods', 'workloads', 'images', 'subjects', 'impersonated'];
/** Identities every cluster shares; linking on them would merge unrelated alerts. */
const neverLink = new Set([
  'system:anonymous',
  'system:apiserver',
  'aksService',
  'acsService',
  '127.0.0.1',
  '::1',
]);

/**
 * Groups alerts into incidents: two alerts are related when they share a linking entity (user,
 * source IP, pod, workload, image, RBAC subject) and are at most `window` apart; relation is
 * transitive (A-B by user, B-C by pod puts A, B and C together). Every alert ends up in exactly one
 * incident (a lone alert is an incident of one). Incidents are ordered by start time.
 * @example groupIncidents(alerts, { window: 3_600_000 })[0].timeline.map((t) => t.rule)
 */
export function groupIncidents(alerts: readonly Alert[], opts: GroupOptions = {}): Incident[] {
  const window = opts.window ?? 3_600_000;
  const linkBy = opts.linkBy ?? defaultLinks;
  const ignore = new Set([...neverLink, ...(opts.ignore ?? [])]);
  const sorted = [...alerts].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const links = new Map<number, Set<string>>();
  // Last alert seen per entity value: alerts are visited in time order, so linking each alert to the
  // latest earlier alert with the same value (if within the window) chains the whole group.
  const last = new Map<string, { index: number; ts: number }>();
  sorted.forEach((a, i) => {
    const ts = Date.parse(a.time);
    for (const kind of linkBy) {
      for (const v of a.entities[kind] ?? []) {
        if (ignore.has(v)) continue;
        const key = `${kind}:${v}`;
        const prev = last.get(key);
        if (prev && ts - prev.ts <= window) {
          const ra = find(prev.index);
          const rb = find(i);
          if (ra !== rb) parent[rb] = ra;
          for (const idx of [prev.index, i]) {
            let s = links.get(idx);
            if (!s) links.set(idx, (s = new Set()));
            s.add(key);
          }
        }
        last.set(key, { index: i, ts });
      }
    }
  });
  const groups = new Map<number, number[]>();
  sorted.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const incidents = [...groups.values()].map((idx) =>
    buildIncident(
      idx.map((i) => sorted[i]!),
      idx.flatMap((i) => [...(links.get(i) ?? [])]),
    ),
  );
  return incidents.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

function buildIncident(alerts: readonly Alert[], linkKeys: readonly string[]): Incident {
  const first = alerts[0]!;
  const lastAlert = alerts[alerts.length - 1]!;
  let top = first;
  for (const a of alerts) if (severityRank[a.severity] > severityRank[top.severity]) top = a;
  const entities: Record<string, string[]> = {};
  for (const a of alerts) {
    for (const [k, vs] of Object.entries(a.entities)) {
      const into = (entities[k] ??= []);
      for (const v of vs ?? []) if (!into.includes(v)) into.push(v);
    }
  }
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  const timeline: TimelineEntry[] = alerts.map((a) => {
    const att = ruleAttack(a.rule);
    for (const t of att.tactics) tactics.add(t);
    for (const t of att.techniques) techniques.add(t);
    const ev = a.events[a.events.length - 1];
    return {
      time: a.time,
      rule: a.rule.name,
      severity: a.severity,
      summary: a.title ?? (ev ? describeEvent(ev) : a.rule.name),
      techniques: att.techniques,
    };
  });
  const who = entities.users?.filter((u) => !neverLink.has(u)) ?? [];
  const title =
    alerts.length === 1
      ? first.rule.name
      : `${alerts.length} related alerts${who.length ? ` involving ${who.slice(0, 2).join(', ')}` : ''}: ${top.rule.name}`;
  return {
    id: `inc-${first.rule.id.slice(0, 8)}-${Date.parse(first.time) || 0}`,
    title,
    severity: top.severity,
    riskScore: Math.max(...alerts.map((a) => a.riskScore)),
    start: first.time,
    end: lastAlert.time,
    alerts,
    entities,
    links: [...new Set(linkKeys)],
    tactics: [...tactics],
    techniques: [...techniques].sort(),
    timeline,
  };
}
