import { inCidr, parseCidr, parseIp } from '../engine/cidr.js';
import type { AuditEvent } from '../model/event.js';
import { actorNames, type EventFacts, eventFacts, requestKey } from './event-facts.js';

/** What to keep: every given filter must match (case-insensitive; `*` is a wildcard in names). */
export interface TimelineFilter {
  /** Username, service account (full or `ns:name`), or Activity caller / UPN / object id. */
  readonly user?: readonly string[];
  /** Source IP, or a CIDR range. */
  readonly ip?: readonly string[];
  readonly namespace?: readonly string[];
  /** Resource type (`secrets`, `pods/exec`, `clusterrolebindings`; kubectl events: the object kind). */
  readonly resource?: readonly string[];
  /** Epoch ms bounds, inclusive. */
  readonly from?: number;
  readonly to?: number;
}

/** One line of the timeline: an event, or a collapsed run of identical reads (`count` > 1). */
export interface TimelineRow extends EventFacts {
  readonly count: number;
  /** Time of the last event of a collapsed run (equals `time` otherwise). */
  readonly lastTime: string;
}

/**
 * Compiles a filter to a predicate over events.
 * @example compileFilter({ user: ['eve@contoso.onmicrosoft.com'], resource: ['secrets'] })(ev) // true or false
 */
export function compileFilter(f: TimelineFilter): (ev: AuditEvent) => boolean {
  const users = f.user?.map(namePattern);
  const ips = f.ip?.map(ipPattern);
  const nss = f.namespace?.map(namePattern);
  const res = f.resource?.map((r) => r.toLowerCase());
  return (ev) => {
    if (f.from !== undefined && ev.ts < f.from) return false;
    if (f.to !== undefined && ev.ts > f.to) return false;
    if (users) {
      const names = actorNames(ev);
      if (!users.some((u) => names.some(u))) return false;
    }
    if (ips || nss || res) {
      const facts = eventFacts(ev);
      if (ips && !facts.ip.split(',').some((ip) => ip && ips.some((m) => m(ip)))) return false;
      if (nss && !nss.some((m) => m(facts.namespace.toLowerCase()))) return false;
      if (res && !res.some((r) => resourceMatches(ev, facts, r))) return false;
    }
    return true;
  };
}

function resourceMatches(ev: AuditEvent, facts: EventFacts, r: string): boolean {
  const ref = ev.audit?.objectRef;
  if (ref) {
    const full = [ref.resource, ref.subresource].filter((x) => x).join('/');
    return ref.resource?.toLowerCase() === r || full.toLowerCase() === r;
  }
  const have = facts.resource.toLowerCase();
  // kubectl events name the kind (`Pod`), people type the resource (`pods`).
  return have === r || `${have}s` === r || have === `${r}s`;
}

function namePattern(p: string): (s: string) => boolean {
  const lower = p.toLowerCase();
  if (!lower.includes('*')) return (s) => s === lower;
  const parts = lower.split('*');
  return (s) => {
    if (!s.startsWith(parts[0]!)) return false;
    let pos = parts[0]!.length;
    for (let i = 1; i < parts.length - 1; i++) {
      const at = s.indexOf(parts[i]!, pos);
      if (at < 0) return false;
      pos = at + parts[i]!.length;
    }
    const last = parts[parts.length - 1]!;
    return s.length - last.length >= pos && s.endsWith(last);
  };
}

function ipPattern(p: string): (ip: string) => boolean {
  const range = p.includes('/') ? parseCidr(p) : undefined;
  if (range)
    return (ip) => {
      const b = parseIp(ip);
      return b !== undefined && inCidr(b, range);
    };
  return (ip) => ip === p;
}

/** Verbs that read; a run of them is collapsed. */
const readVerbs = new Set(['get', 'list', 'watch']);
/** Subresources that are not reads whatever the verb (WebSocket `kubectl exec` is audited as `get`). */
const actionSubresources = new Set(['exec', 'attach', 'portforward', 'proxy']);

function isRead(row: EventFacts): boolean {
  const sub = row.resource ? row.target.split(' ')[0]!.split('/')[1] : undefined;
  if (sub && actionSubresources.has(sub)) return false;
  if (readVerbs.has(row.action)) return true;
  return /\/READ$/i.test(row.action);
}

/** Runs of identical reads within this many ms of the run's first event become one line. */
export const collapseWindowMs = 60_000;

/**
 * Collects events into a chronological timeline: one row per request (stages and copies from a
 * second feed are merged), oldest first, with runs of identical reads (same actor, verb, resource
 * and namespace within a minute) collapsed into one row with a count unless `collapse` is false.
 * @example
 * const tl = new TimelineBuilder({ user: ['eve@contoso.onmicrosoft.com'] });
 * for (const ev of events) tl.add(ev);
 * tl.rows(); // [{ time, actor, action: 'list', target: 'secrets', count: 1, ... }, ...]
 */
export class TimelineBuilder {
  private readonly match: (ev: AuditEvent) => boolean;
  private readonly seen = new Map<string, number>();
  private readonly facts: EventFacts[] = [];
  /** Events dropped because an earlier copy of the same request was already on the timeline. */
  duplicates = 0;

  constructor(filter: TimelineFilter = {}) {
    this.match = compileFilter(filter);
  }

  add(ev: AuditEvent): void {
    if (!this.match(ev)) return;
    const key = requestKey(ev);
    const at = this.seen.get(key);
    const f = eventFacts(ev);
    if (at !== undefined) {
      this.duplicates++;
      // Keep the final stage's outcome (ResponseComplete) but the first time the request was seen.
      const prev = this.facts[at]!;
      if (ev.audit?.stage === 'ResponseComplete' && f.outcome)
        this.facts[at] = { ...prev, outcome: f.outcome };
      return;
    }
    this.seen.set(key, this.facts.length);
    this.facts.push(f);
  }

  /** The timeline so far, oldest first. */
  rows(collapse = true): TimelineRow[] {
    const sorted = [...this.facts].sort((a, b) => a.ts - b.ts || a.location.localeCompare(b.location));
    if (!collapse) return sorted.map((f) => ({ ...f, count: 1, lastTime: f.time }));
    const out: { row: TimelineRow; firstTs: number }[] = [];
    const open = new Map<string, number>();
    for (const f of sorted) {
      if (!isRead(f)) {
        out.push({ row: { ...f, count: 1, lastTime: f.time }, firstTs: f.ts });
        continue;
      }
      const key = `${f.actor}\u0000${f.action}\u0000${f.target.split(' ')[0]}\u0000${f.namespace}\u0000${f.source}`;
      const idx = open.get(key);
      const run = idx === undefined ? undefined : out[idx];
      if (run && f.ts - run.firstTs <= collapseWindowMs) {
        const r = run.row;
        run.row = {
          ...r,
          count: r.count + 1,
          lastTime: f.time,
          target: r.target === f.target ? r.target : `${f.target.split(' ')[0]} (several)`,
          outcome: r.outcome.split(', ').includes(f.outcome) ? r.outcome : `${r.outcome}, ${f.outcome}`,
        };
        continue;
      }
      open.set(key, out.length);
      out.push({ row: { ...f, count: 1, lastTime: f.time }, firstTs: f.ts });
    }
    return out.map((o) => o.row);
  }
}

/** Table / CSV column headers of the timeline. */
export const timelineHeaders = [
  'TIME',
  'SOURCE',
  'ACTOR',
  'ACTION',
  'TARGET',
  'OUTCOME',
  'SOURCE IP',
  'USER AGENT',
  'COUNT',
  'LOCATION',
] as const;

/**
 * A timeline row as table cells (`COUNT` is `x3 until <time>` for a collapsed run, empty otherwise).
 * @example renderTable(timelineHeaders, rows.map(timelineCells))
 */
export function timelineCells(r: TimelineRow): string[] {
  return [
    r.time,
    r.source,
    r.actor,
    r.action,
    r.target,
    r.outcome,
    r.ip,
    r.userAgent,
    r.count > 1 ? `x${r.count} until ${r.lastTime}` : '',
    r.location,
  ];
}
