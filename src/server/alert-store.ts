import { join } from 'node:path';
import type { Alert, SeverityLevel } from '../alerts/alert.js';
import { alertJson } from '../alerts/format-ndjson.js';
import { readLines, SyncAppender } from './wal.js';

const maxLive = 20_000;

/** An alert as stored, served by `/api/alerts` and sent to sinks: `alertJson` plus a stable `id`. */
export interface StoredAlert {
  readonly id: string;
  readonly '@timestamp': string;
  readonly rule: {
    readonly id: string;
    readonly name: string;
    readonly severity: SeverityLevel;
    readonly [k: string]: unknown;
  };
  readonly entities?: Readonly<Record<string, readonly string[]>>;
  readonly [k: string]: unknown;
}

export interface AlertFilter {
  readonly severity?: readonly string[];
  readonly rule?: string;
  readonly user?: string;
  /** Epoch ms: alerts at or after. */
  readonly since?: number;
  readonly limit?: number;
}

/**
 * Every alert raised, in raising order, in `alerts.ndjson` under the data directory (appended and
 * fsynced before the batch that raised it is acknowledged). The file doubles as the sinks' spool:
 * each sink keeps a cursor into it. Ids already stored are never stored again.
 * @example const store = new AlertStore(dir); store.add(id, alert) // false when already known
 */
export class AlertStore {
  private readonly list: StoredAlert[] = [];
  private readonly ids = new Set<string>();
  /** Alerts raised by this process (with their events), for incident grouping. */
  private readonly live = new Map<string, Alert>();
  private readonly out: SyncAppender;
  private readonly listeners: (() => void)[] = [];

  constructor(dataDir: string) {
    const path = join(dataDir, 'alerts.ndjson');
    for (const line of readLines(path)) {
      try {
        const a = JSON.parse(line) as StoredAlert;
        if (this.ids.has(a.id)) continue;
        this.ids.add(a.id);
        this.list.push(a);
      } catch {
        // complete lines are always valid JSON; a hand-edited file must not stop the server
      }
    }
    this.out = new SyncAppender(path);
  }

  get length(): number {
    return this.list.length;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Stores a new alert durably; false (and nothing written) when its id is known. */
  add(id: string, alert: Alert): boolean {
    if (!this.live.has(id)) {
      this.live.set(id, alert);
      // incidents are grouped from the most recent alerts (with their events) only
      if (this.live.size > maxLive) this.live.delete(this.live.keys().next().value as string);
    }
    if (this.ids.has(id)) return false;
    const rec = { id, ...alertJson(alert) } as StoredAlert;
    this.out.append(`${JSON.stringify(rec)}\n`);
    this.ids.add(id);
    this.list.push(rec);
    for (const l of this.listeners) l();
    return true;
  }

  /** Records `[from, to)` in raising order. */
  slice(from: number, to: number): readonly StoredAlert[] {
    return this.list.slice(from, to);
  }

  onAdd(l: () => void): void {
    this.listeners.push(l);
  }

  liveAlerts(): Alert[] {
    return [...this.live.values()];
  }

  /** Newest first. */
  query(f: AlertFilter): StoredAlert[] {
    const sev = f.severity?.map((s) => s.toLowerCase());
    const rule = f.rule?.toLowerCase();
    const user = f.user?.toLowerCase();
    const out: StoredAlert[] = [];
    for (let i = this.list.length - 1; i >= 0 && out.length < (f.limit ?? 1000); i--) {
      const a = this.list[i]!;
      if (sev && !sev.includes(a.rule.severity)) continue;
      if (rule && a.rule.id.toLowerCase() !== rule && !a.rule.name.toLowerCase().includes(rule)) continue;
      if (user && !(a.entities?.users ?? []).some((u) => u.toLowerCase() === user)) continue;
      if (f.since !== undefined && Date.parse(a['@timestamp']) < f.since) continue;
      out.push(a);
    }
    return out;
  }

  close(): void {
    this.out.close();
  }
}
