import { join } from 'node:path';
import type { Alert } from '../alerts/alert.js';
import { enrichAlerts } from '../alerts/enrich.js';
import type { Detection } from '../detect/detection.js';
import { eventKey } from '../detect/run-scan.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import { ingestText } from '../ingest/ingest.js';
import type { QuarantineRecord } from '../ingest/types.js';
import type { AuditEvent } from '../model/event.js';
import { AlertStore } from './alert-store.js';
import type { ServeConfig } from './config.js';
import { ServerMetrics } from './metrics.js';
import { SinkWorker } from './sinks.js';
import { alertId, StreamDetector } from './stream-detector.js';
import { RecentKeys } from './key-set.js';
import { readLines, SyncAppender, Wal, type WalEntry, writeAtomic } from './wal.js';

/** What one accepted request produced. */
export interface ReceiveResult {
  readonly records: number;
  readonly events: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly alerts: number;
}

/** Keys of processed events kept on disk (the tail survives restarts; older ones are dropped). */
const maxPersistedKeys = 1_000_000;

/**
 * The server without HTTP: write-ahead spool, ingest, continuous detection, the alert store and the
 * sinks. Requests are processed one at a time (a promise chain), in arrival order.
 *
 * Durability (docs/serve.md): a body is appended to the spool and fsynced before `receive`
 * resolves; on start the spool is replayed through the same path. Processed event keys
 * (`events.ids`) make a re-sent batch a no-op; alert ids (`alerts.ndjson`) make alerts raised
 * again by a replay or a tick a no-op; sink cursors make delivery resume where it stopped.
 */
export class AuditService {
  readonly metrics = new ServerMetrics();
  readonly store: AlertStore;
  readonly detector: StreamDetector;
  readonly sinks: SinkWorker[];
  readonly diagnostics: Diagnostic[] = [];
  private readonly wal: Wal;
  private readonly quarantineOut: SyncAppender;
  private readonly eventIds: SyncAppender;
  /** Keys of events processed in earlier runs and this one (from `events.ids`). */
  private readonly persisted = new RecentKeys(maxPersistedKeys);
  /** Keys of events fed to the detections by this process (replay included). */
  private readonly fed = new RecentKeys(maxPersistedKeys);
  private pending: Alert[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: ServeConfig,
    detections: readonly Detection[],
  ) {
    const dir = config.dataDir;
    this.store = new AlertStore(dir);
    const keys = readLines(join(dir, 'events.ids'));
    const kept = keys.slice(-maxPersistedKeys);
    for (const k of kept) this.persisted.add(k);
    // the file is cut back to the keys still remembered, so it stays bounded too
    if (keys.length > 2 * maxPersistedKeys) writeAtomic(join(dir, 'events.ids'), `${kept.join('\n')}\n`);
    this.eventIds = new SyncAppender(join(dir, 'events.ids'));
    this.quarantineOut = new SyncAppender(join(dir, 'quarantine.ndjson'));
    this.wal = new Wal(join(dir, 'wal'));
    this.detector = new StreamDetector(detections, {
      emit: (a) => this.pending.push(a),
      report: (d) => this.diagnostics.push(d),
      windowEvents: config.windowEvents,
    });
    this.sinks = config.sinks.map(
      (s) =>
        new SinkWorker(s, dir, this.store, this.metrics, {
          baseMs: config.retryBaseMs,
          maxMs: config.retryMaxMs,
        }),
    );
    this.metrics.window.track({}, () => this.detector.window.length);
    this.metrics.rules.track({}, () => this.detector.rules);
  }

  /** Replays the spool (rebuilding detection state, raising only alerts not stored yet), then starts sinks and the tick. */
  async start(): Promise<void> {
    for (const e of this.wal.replay()) await this.process(e, true);
    this.detector.tick(true);
    await this.settle();
    for (const s of this.sinks) s.start();
    if (this.config.tickSeconds > 0)
      this.timer = setInterval(() => {
        this.tick().catch((e: unknown) =>
          this.diagnostics.push({
            code: 'SRV100',
            severity: 'error',
            message: `tick failed: ${(e as Error).message}`,
          }),
        );
      }, this.config.tickSeconds * 1000);
  }

  /** Runs `fn` after everything queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /**
   * Accepts a request body: spooled durably first, then ingested and run through the detections;
   * resolves when the alerts it raised are stored.
   */
  receive(source: string, body: string): Promise<ReceiveResult> {
    return this.serial(async () => {
      const entry = this.wal.append(source, body);
      return this.process(entry, false);
    });
  }

  /** A detection tick (also run by the timer): flush stateful and scheduled rules, rebuild from the window. */
  tick(): Promise<number> {
    return this.serial(async () => {
      this.detector.tick();
      return this.settle();
    });
  }

  /** Adds a detection at run time (a hunt scheduled from the UI); alerts it raises on the window are stored. */
  addDetection(d: Detection): Promise<number> {
    return this.serial(async () => {
      this.detector.add(d);
      return this.settle();
    });
  }

  private async process(entry: WalEntry, replay: boolean): Promise<ReceiveResult> {
    let events = 0;
    let duplicates = 0;
    let quarantined = 0;
    let qtext = '';
    const newKeys: string[] = [];
    const name = `${entry.source}#${entry.seq}`;
    const stats = ingestText(entry.body, name, {
      event: (ev: AuditEvent) => {
        const key = eventKey(ev);
        if (this.fed.has(key) || (!replay && this.persisted.has(key))) {
          duplicates++;
          if (!replay) this.metrics.duplicates.inc();
          return;
        }
        this.fed.add(key);
        if (!this.persisted.has(key)) {
          this.persisted.add(key);
          newKeys.push(key);
        }
        events++;
        if (!replay) this.metrics.parsed.inc({ format: ev.format });
        this.detector.push(ev);
      },
      quarantine: (q: QuarantineRecord) => {
        quarantined++;
        if (replay) return; // kept on disk the first time
        this.metrics.quarantined.inc({ reason: q.reason });
        qtext += `${JSON.stringify({ receivedAt: new Date(entry.at).toISOString(), ...q })}\n`;
      },
    });
    if (!replay) this.metrics.received.inc({ endpoint: entry.source }, stats.records);
    if (qtext) this.quarantineOut.append(qtext);
    if (newKeys.length) this.eventIds.append(`${newKeys.join('\n')}\n`);
    const alerts = await this.settle();
    return { records: stats.records, events, duplicates, quarantined, alerts };
  }

  /** Enriches and stores the alerts raised since the last call; returns how many were new. */
  private async settle(): Promise<number> {
    if (!this.pending.length) return 0;
    const raised = this.pending;
    this.pending = [];
    let ready: Alert[] = raised;
    try {
      ready = await enrichAlerts(raised);
    } catch (e) {
      this.diagnostics.push({
        code: 'RUL901',
        severity: 'warning',
        message: `enrichment failed: ${(e as Error).message}`,
      });
    }
    let added = 0;
    for (const a of ready) {
      if (!this.store.add(alertId(a), a)) continue;
      added++;
      this.metrics.alerts.inc({ severity: a.severity, rule: a.rule.name });
    }
    return added;
  }

  /** Resolves when every sink has delivered everything stored so far. */
  async delivered(): Promise<void> {
    await this.chain;
    await Promise.all(this.sinks.map((s) => s.idle()));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    await Promise.all(this.sinks.map((s) => s.stop()));
    this.wal.close();
    this.store.close();
    this.eventIds.close();
    this.quarantineOut.close();
  }
}
