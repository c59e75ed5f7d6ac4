import { createHash } from 'node:crypto';
import type { Alert } from '../alerts/alert.js';
import type { Detection, RuleRunner } from '../detect/detection.js';
import { eventKey } from '../detect/run-scan.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import { RuleIndex } from '../engine/rule-index.js';
import type { AuditEvent } from '../model/event.js';

/**
 * The stable identity of an alert: its rule and the events behind it (id and time, as `scan`
 * deduplicates). The same alert raised again (a replay after a restart, a stateful rule rebuilt
 * from the window at a tick) has the same id, so it is stored and delivered once.
 * @example alertId(alert) // '9f2c…' (32 hex digits)
 */
export function alertId(alert: Alert): string {
  const keys = alert.events.map(eventKey).sort();
  const basis = keys.length ? keys.join('\u0001') : JSON.stringify(alert.details ?? {});
  return createHash('sha256').update(`${alert.rule.id}\u0000${basis}`).digest('hex').slice(0, 32);
}

interface Slot {
  readonly d: Detection;
  runner: RuleRunner | undefined;
  failed: boolean;
}

export interface StreamDetectorOptions {
  /** Every alert raised (possibly again: the caller deduplicates by `alertId`). */
  readonly emit: (alert: Alert) => void;
  readonly report: (d: Diagnostic) => void;
  /** Most events kept in the window (oldest dropped first). */
  readonly windowEvents: number;
}

/**
 * Runs detections continuously over a stream, with the runners `scan` uses.
 *
 * Every event goes to the live runners at once (single-event rules alert immediately; stateful
 * rules keep their state in memory). A `tick` ends the runners' input (`flush`: scheduled Kusto
 * rules and what correlations hold are evaluated), then starts fresh runners and replays the
 * in-memory window into them, so state that spans ticks is rebuilt rather than lost. What a
 * replay raises again has the same `alertId` and is dropped by the caller.
 * @example const sd = new StreamDetector(rules.detections, { emit, report, windowEvents: 1e5 }); sd.push(ev); sd.tick();
 */
export class StreamDetector {
  private readonly slots: Slot[] = [];
  private index: RuleIndex<Slot>;
  /** Events in arrival order; a ring would avoid the splice, but the window is cut in chunks. */
  private win: AuditEvent[] = [];
  private dirty = false;

  constructor(
    detections: readonly Detection[],
    private readonly opts: StreamDetectorOptions,
  ) {
    for (const d of detections) this.slots.push({ d, runner: undefined, failed: false });
    for (const s of this.slots) this.start(s);
    this.index = this.buildIndex();
  }

  private buildIndex(): RuleIndex<Slot> {
    return new RuleIndex(this.slots.map((s) => ({ item: s, hint: s.d.index })));
  }

  private fail(s: Slot, e: unknown): void {
    if (s.failed) return;
    s.failed = true;
    s.runner = undefined;
    this.opts.report({
      code: 'RUL900',
      severity: 'error',
      message: `rule '${s.d.meta.name}' (${s.d.meta.id}) failed and was disabled: ${(e as Error).message}`,
      ...(s.d.meta.file ? { file: s.d.meta.file } : {}),
    });
  }

  private start(s: Slot): void {
    if (s.failed) return;
    try {
      s.runner = s.d.createRunner({ emit: this.opts.emit, report: this.opts.report });
    } catch (e) {
      this.fail(s, e);
    }
  }

  private feed(s: Slot, ev: AuditEvent): void {
    const r = s.runner;
    if (!r) return;
    try {
      if (s.d.applies(ev)) r.push(ev);
    } catch (e) {
      this.fail(s, e);
    }
  }

  /** The events held for hunts and timelines, oldest first. */
  get window(): readonly AuditEvent[] {
    return this.win;
  }

  get rules(): number {
    return this.slots.length;
  }

  push(ev: AuditEvent): void {
    this.win.push(ev);
    if (this.win.length > this.opts.windowEvents * 1.1) this.win = this.win.slice(-this.opts.windowEvents);
    this.dirty = true;
    const cands = this.index.candidates(ev);
    for (let i = 0; i < cands.length; i++) this.feed(cands[i]!, ev);
  }

  /**
   * Flushes every runner, then rebuilds the runners from the window. Does nothing when no event
   * arrived since the last tick (unless `force`).
   */
  tick(force = false): void {
    if (!this.dirty && !force) return;
    this.dirty = false;
    for (const s of this.slots) {
      try {
        s.runner?.flush();
      } catch (e) {
        this.fail(s, e);
      }
    }
    for (const s of this.slots) this.start(s);
    for (const ev of this.win) {
      const cands = this.index.candidates(ev);
      for (let i = 0; i < cands.length; i++) this.feed(cands[i]!, ev);
    }
  }

  /**
   * Adds a detection (a hunt scheduled from the UI) and runs it over the window at once: its
   * runner is fed the window and flushed, then a fresh runner is fed the window again to carry on.
   */
  add(d: Detection): void {
    const s: Slot = { d, runner: undefined, failed: false };
    this.slots.push(s);
    this.index = this.buildIndex();
    for (let pass = 0; pass < 2; pass++) {
      this.start(s);
      for (const ev of this.win) this.feed(s, ev);
      if (pass === 0) {
        try {
          s.runner?.flush();
        } catch (e) {
          this.fail(s, e);
        }
      }
    }
  }
}
