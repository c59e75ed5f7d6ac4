import { type Alert, defaultRiskScore, type RuleMeta, type SeverityLevel } from '../../alerts/alert.js';
import type { Diagnostic } from '../../diag/diagnostic.js';
import type { Matcher } from '../../engine/compile-expr.js';
import type { IndexHint } from '../../engine/rule-index.js';
import type {
  CorrelationAst,
  FilterAst,
  SigmaMeta,
  SigmaOrigin,
  SigmaRuleAst,
} from '../../lang/sigma/ast.js';
import type { AuditEvent } from '../../model/event.js';
import { sigmaLogsourceApplies } from '../../views/sigma-fields.js';
import type { Detection, RuleRunner, RunContext } from '../detection.js';
import { sigmaThreats } from './attack-tags.js';
import { type CompiledSigmaExpr, compileSigmaDetection, type SigmaCompileContext } from './compile-rule.js';
import { entitiesOf } from './entities.js';
import type { SigmaRegistry } from './registry.js';

const severities = new Set<SeverityLevel>(['informational', 'low', 'medium', 'high', 'critical']);

/**
 * RuleMeta of a Sigma document: level -> severity (medium when absent), tags -> ATT&CK threats.
 * @example sigmaRuleMeta(rule.meta, rule.origin).severity === 'medium'
 */
export function sigmaRuleMeta(m: SigmaMeta, o: SigmaOrigin): RuleMeta {
  const severity: SeverityLevel = severities.has(m.level as SeverityLevel)
    ? (m.level as SeverityLevel)
    : 'medium';
  return {
    id: m.id ?? `sigma:${o.file}:${o.line}`,
    name: m.title,
    language: 'sigma',
    severity,
    riskScore: defaultRiskScore[severity],
    ...(m.description !== undefined ? { description: m.description.trim() } : {}),
    threat: sigmaThreats(m.tags),
    tags: m.tags,
    references: m.references,
    falsePositives: m.falsepositives,
    ...(m.author !== undefined ? { author: [m.author] } : {}),
    ...(m.status !== undefined ? { status: m.status } : {}),
    ...(m.guide?.trim() ? { guide: m.guide } : {}),
    file: o.file,
    line: o.line,
  };
}

/** A single-event Sigma rule. Filters that name it are applied when its runner is created. */
export class SigmaRuleDetection implements Detection {
  readonly meta: RuleMeta;
  readonly index: IndexHint;
  private consumed: boolean | undefined;
  private filtered: Matcher | undefined;
  /** Log-source routing memo by `kind/provider`: views/sigma-fields routes on nothing else. */
  private readonly routes = new Map<string, Map<string, boolean>>();
  private lastKind: string | undefined;
  private lastProvider: string | undefined;
  private lastRoute = false;

  constructor(
    readonly ast: SigmaRuleAst,
    readonly compiled: CompiledSigmaExpr,
    private readonly registry: SigmaRegistry,
    private readonly cc: SigmaCompileContext,
  ) {
    this.meta = sigmaRuleMeta(ast.meta, ast.origin);
    this.index = compiled.index;
  }

  applies(ev: AuditEvent): boolean {
    this.consumed ??= this.registry.isConsumed(this.ast);
    return !this.consumed && this.appliesToSource(ev);
  }

  /** Log-source routing only (a correlation consuming this rule uses it). */
  appliesToSource(ev: AuditEvent): boolean {
    // Fast path: a file's events mostly share kind and provider.
    if (ev.kind === this.lastKind && ev.provider === this.lastProvider) return this.lastRoute;
    let byProvider = this.routes.get(ev.kind);
    if (!byProvider) {
      byProvider = new Map();
      this.routes.set(ev.kind, byProvider);
    }
    let r = byProvider.get(ev.provider);
    if (r === undefined) {
      r = sigmaLogsourceApplies(this.ast.logsource, ev);
      byProvider.set(ev.provider, r);
    }
    this.lastKind = ev.kind;
    this.lastProvider = ev.provider;
    this.lastRoute = r;
    return r;
  }

  /** The rule's matcher with every applicable filter AND-ed in (filters compiled once, on first use). */
  matcher(report?: (d: Diagnostic) => void): Matcher {
    if (this.filtered) return this.filtered;
    const parts: Matcher[] = [this.compiled.match];
    for (const f of this.registry.filtersFor(this.ast)) {
      const m = compileFilter(f, this.ast, this.cc, report);
      if (m) parts.push(m);
    }
    this.filtered = parts.length === 1 ? parts[0]! : (ev) => parts.every((p) => p(ev));
    return this.filtered;
  }

  createRunner(ctx: RunContext): RuleRunner {
    this.consumed ??= this.registry.isConsumed(this.ast);
    const match = this.matcher(ctx.report);
    const meta = this.meta;
    // Sigma `fields`: shown with each alert (resolved once, read per alert).
    const shown = this.ast.meta.fields.flatMap((f) => {
      const g = this.compiled.resolve(f);
      return g ? [[f, g] as const] : [];
    });
    return {
      push: (ev) => {
        if (!match(ev)) return;
        const alert: Alert = {
          time: ev.time,
          rule: meta,
          events: [ev],
          entities: entitiesOf([ev]),
          severity: meta.severity,
          riskScore: meta.riskScore,
          ...(shown.length
            ? { details: { fields: Object.fromEntries(shown.map(([f, g]) => [f, g(ev)])) } }
            : {}),
        };
        ctx.emit(alert);
      },
      flush: () => {},
    };
  }
}

/** A filter compiled against the rule it applies to (the filter's fields resolve in the rule's log source). */
function compileFilter(
  f: FilterAst,
  rule: SigmaRuleAst,
  cc: SigmaCompileContext,
  report?: (d: Diagnostic) => void,
): Matcher | undefined {
  const diags: Diagnostic[] = [];
  const c = compileSigmaDetection(
    { logsource: rule.logsource, selections: f.selections, conditions: [f.condition], origin: f.origin },
    cc,
    diags,
  );
  for (const d of diags) report?.(d);
  return c?.match;
}

export type { CorrelationAst };
