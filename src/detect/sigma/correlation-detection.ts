import type { Alert, RuleMeta } from '../../alerts/alert.js';
import type { IndexHint } from '../../engine/rule-index.js';
import type { CorrelationAst } from '../../lang/sigma/ast.js';
import { SIG } from '../../lang/sigma/codes.js';
import type { AuditEvent, EventKind, Getter } from '../../model/event.js';
import type { Detection, RuleRunner, RunContext } from '../detection.js';
import { CorrelationWindows, type WindowHit, type WinRecord } from './correlation-window.js';
import { entitiesOf } from './entities.js';
import type { SigmaRegistry } from './registry.js';
import { type SigmaRuleDetection, sigmaRuleMeta } from './sigma-detection.js';

/** Alerts list at most this many events (the count in `details` stays exact). */
const maxAlertEvents = 1000;

export type SigmaDetectionOf = (ref: string) => SigmaRuleDetection | SigmaCorrelationDetection | undefined;

/**
 * A Sigma correlation rule (event_count, value_count, temporal, temporal_ordered, value_sum,
 * value_avg, value_percentile, value_median) over exact sliding event-time windows per group.
 * Referenced rules are found by id or name across every loaded file when the runner is created;
 * a referenced correlation (chaining) feeds its alerts in as records, its group values as fields.
 */
export class SigmaCorrelationDetection implements Detection {
  readonly meta: RuleMeta;
  private consumed: boolean | undefined;

  constructor(
    readonly ast: CorrelationAst,
    private readonly registry: SigmaRegistry,
    private readonly detectionOf: SigmaDetectionOf,
    private readonly toleranceMs: number,
  ) {
    this.meta = sigmaRuleMeta(ast.meta, ast.origin);
  }

  /** Kinds of the referenced rules (index hint); unknown until references resolve, so computed lazily. */
  get index(): IndexHint {
    const kinds = new Set<EventKind>();
    for (const r of this.ast.rules) {
      const d = this.detectionOf(r.ref);
      const k = d?.index?.kinds;
      if (!d || !k) return {};
      for (const x of k) kinds.add(x);
    }
    return { kinds: [...kinds] };
  }

  applies(ev: AuditEvent): boolean {
    this.consumed ??= this.registry.isConsumed(this.ast);
    if (this.consumed) return false;
    return this.feeds(ev);
  }

  /** True when some referenced rule could see the event. */
  feeds(ev: AuditEvent): boolean {
    for (const r of this.ast.rules) {
      const d = this.detectionOf(r.ref);
      if (!d) continue;
      if (d instanceof SigmaCorrelationDetection ? d.feeds(ev) : d.appliesToSource(ev)) return true;
    }
    return false;
  }

  createRunner(ctx: RunContext): RuleRunner {
    const ast = this.ast;
    const spec = {
      kind: ast.kind,
      spanMs: ast.timespanMs,
      condition: ast.condition,
      ruleCount: ast.rules.length,
      ...(ast.percentile !== undefined ? { percentile: ast.percentile } : {}),
      toleranceMs: this.toleranceMs,
    };
    const windows = new CorrelationWindows(spec);
    let seq = 0;
    const meta = this.meta;
    const emitHit = (h: WindowHit) => ctx.emit(correlationAlert(meta, ast, h));
    const onRecord = (group: string, rec: WinRecord) => {
      for (const h of windows.add(group, rec)) emitHit(h);
    };
    interface Source {
      push(ev: AuditEvent): void;
      flush(): void;
    }
    const sources: Source[] = [];
    ast.rules.forEach((ref, i) => {
      const d = this.detectionOf(ref.ref);
      const ruleName = ref.ref;
      const refName = d?.ast.meta.name ?? ruleName;
      if (!d) {
        ctx.report({
          code: SIG.unknownRuleRef,
          severity: 'error',
          message: `correlation '${ast.meta.title}' references '${ref.ref}', which is not loaded`,
          span: ref.span,
          file: ast.origin.file,
          source: ast.origin.source,
        });
        return;
      }
      const fieldFor = (g: string): string =>
        ast.aliases.get(g)?.get(refName) ?? ast.aliases.get(g)?.get(d.ast.meta.id ?? '') ?? g;
      if (d instanceof SigmaCorrelationDetection) {
        const inner = d.createRunner({
          ...ctx,
          emit: (a) => {
            const group = (a.details?.group ?? {}) as Record<string, string>;
            const key = JSON.stringify(ast.groupBy.map((g) => group[fieldFor(g)] ?? ''));
            const evs = a.events;
            const ts = evs.length ? evs[evs.length - 1]!.ts : Date.parse(a.time);
            const value = ast.field ? group[fieldFor(ast.field)] : undefined;
            onRecord(key, { ts, seq: seq++, rule: i, value, events: evs });
          },
        });
        sources.push(inner);
        return;
      }
      const match = d.matcher(ctx.report);
      const resolve = d.compiled.resolve;
      const getters: (Getter | undefined)[] = ast.groupBy.map((g) => resolve(fieldFor(g)));
      const valueGetter = ast.field ? resolve(fieldFor(ast.field)) : undefined;
      sources.push({
        push: (ev) => {
          if (!d.appliesToSource(ev) || !match(ev)) return;
          const key = JSON.stringify(getters.map((g) => keyPart(g?.(ev))));
          const value = valueGetter ? scalar(valueGetter(ev)) : undefined;
          onRecord(key, { ts: ev.ts, seq: seq++, rule: i, value, events: [ev] });
        },
        flush: () => {},
      });
    });
    return {
      push: (ev) => {
        for (const s of sources) s.push(ev);
      },
      flush: () => {
        for (const s of sources) s.flush();
        for (const h of windows.flush()) emitHit(h);
      },
    };
  }
}

/** A group-by value as text: scalars as-is, lists joined, missing as ''. */
function keyPart(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(keyPart).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The aggregated field's value: first scalar of a list. */
function scalar(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? scalar(v[0]) : undefined;
  return v;
}

function correlationAlert(meta: RuleMeta, ast: CorrelationAst, h: WindowHit): Alert {
  const all: AuditEvent[] = [];
  for (const r of h.records) for (const e of r.events) all.push(e);
  const events = all.length > maxAlertEvents ? all.slice(all.length - maxAlertEvents) : all;
  const parts = JSON.parse(h.group) as string[];
  const group: Record<string, string> = {};
  ast.groupBy.forEach((g, i) => {
    group[g] = parts[i] ?? '';
  });
  const last = all[all.length - 1];
  const desc = ast.groupBy.length ? ` for ${ast.groupBy.map((g) => `${g}=${group[g]}`).join(', ')}` : '';
  return {
    time: last?.time ?? new Date(h.end).toISOString(),
    rule: meta,
    events,
    entities: entitiesOf(events),
    severity: meta.severity,
    riskScore: meta.riskScore,
    details: {
      correlation: ast.kind,
      group,
      value: h.value,
      events: all.length,
      ...(all.length > maxAlertEvents ? { truncated: true } : {}),
      window: { start: new Date(h.start).toISOString(), end: new Date(h.end).toISOString() },
      rules: ast.rules.map((r) => r.ref),
    },
    title: `${ast.meta.title}: ${ast.kind} ${formatValue(h.value)}${desc}`,
  };
}

const formatValue = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));
