import type { AuditEvent } from '../model/event.js';
import { type IndexHint, RuleIndex } from './rule-index.js';

/** The part of a Detection (detect/detection.ts) the indexed scan needs; structural, so engine/ does not import detect/. */
export interface ScannableRule<C> {
  applies(ev: AuditEvent): boolean;
  readonly index?: IndexHint;
  createRunner(ctx: C): { push(ev: AuditEvent): void; flush(): void };
}

/**
 * Runs many rules over a stream of events, evaluating for each event only the rules the index says
 * could match it (then their own `applies`). Equivalent to pushing every event to every runner
 * whose `applies` is true, as long as index hints are necessary conditions.
 * @example
 * const scan = createIndexedScan(detections, { emit, report });
 * for (const ev of events) scan.push(ev);
 * scan.flush();
 */
export function createIndexedScan<C>(
  rules: readonly ScannableRule<C>[],
  ctx: C,
): { push(ev: AuditEvent): void; flush(): void; readonly rules: number } {
  const runners = rules.map((r) => ({ rule: r, runner: r.createRunner(ctx) }));
  const index = new RuleIndex(runners.map((x) => ({ item: x, hint: x.rule.index })));
  return {
    rules: runners.length,
    push(ev) {
      const cands = index.candidates(ev);
      for (let i = 0; i < cands.length; i++) {
        const c = cands[i]!;
        if (c.rule.applies(ev)) c.runner.push(ev);
      }
    },
    flush() {
      for (const x of runners) x.runner.flush();
    },
  };
}
