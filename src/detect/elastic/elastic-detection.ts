import type { RuleMeta } from '../../alerts/alert.js';
import type { Diagnostic } from '../../diag/diagnostic.js';
import type { IndexHint } from '../../engine/rule-index.js';
import type { Expr } from '../../ir/expr.js';
import type { EsqlCommand } from '../../lang/elastic/esql-ast.js';
import { parseEsql } from '../../lang/elastic/esql-parse.js';
import type { ElasticRule } from '../../lang/elastic/rule.js';
import type { EqlQuery } from '../../lang/eql/ast.js';
import { lowerEqlEvent } from '../../lang/eql/lower-eql.js';
import { parseEql } from '../../lang/eql/parse-eql.js';
import { lowerKuery } from '../../lang/kibana/lower-kuery.js';
import { parseKuery } from '../../lang/kibana/parse-kuery.js';
import type { AuditEvent } from '../../model/event.js';
import type { Detection, RuleRunner, RunContext } from '../detection.js';
import { buildAlert, type PendingAlert } from './alert-builder.js';
import { byTime, type Candidate, candidateOf, DatasetMatcher, IndexRouter } from './candidate.js';
import { checkEsql } from './esql-check.js';
import { esqlHint } from './esql-hint.js';
import { EsqlRunner, hoistWheres, type Row } from './esql-run.js';
import { exceptionsExpr } from './exceptions.js';
import { replayEsql } from './replay-esql.js';
import { replayNewTerms } from './replay-new-terms.js';
import { replayQuery } from './replay-query.js';
import { replaySequence, type SequenceCandidate, type SequenceSpec } from './replay-sequence.js';
import { replayThreshold } from './replay-threshold.js';
import { routeRule } from './routing.js';
import { Schedule } from './schedule.js';
import { suppressAlerts } from './suppression.js';

/**
 * Kibana's default `securitySolution:defaultIndex`, used by rules without `index`.
 * @example new IndexRouter(rule.index.length ? rule.index : defaultIndex, allowed)
 */
export const defaultIndex = [
  'apm-*-transaction*',
  'auditbeat-*',
  'endgame-*',
  'filebeat-*',
  'logs-*',
  'packetbeat-*',
  'traces-apm*',
  'winlogbeat-*',
  '-*elastic-cloud-logs-*',
];

const kqlCodes = { unknownField: 'KQL030', badRegex: 'KQL031', badCidr: 'KQL032', badNumber: 'KQL033' };
const eqlCodes = { unknownField: 'EQL030', badRegex: 'EQL031', badCidr: 'EQL032', badNumber: 'EQL033' };

/** Why a rule type or language is not run here. */
const unsupported: Partial<Record<string, string>> = {
  machine_learning: 'machine_learning rules need Elastic ML anomaly detection jobs',
  threat_match: 'indicator match rules need threat intelligence indices',
  saved_query: 'saved_query rules refer to a Kibana saved query that is not in the file',
};

/** The compiled matching logic of a rule: one expression, or the steps of an EQL sequence. */
type Logic =
  | { readonly kind: 'single'; readonly matcher: DatasetMatcher; readonly exprs: readonly Expr[] }
  | {
      readonly kind: 'sequence';
      readonly steps: readonly DatasetMatcher[];
      readonly until: DatasetMatcher | undefined;
      readonly spec: SequenceSpec;
      readonly exprs: readonly Expr[];
    }
  | {
      readonly kind: 'esql';
      readonly indices: readonly string[];
      readonly prefix: readonly EsqlCommand[];
      readonly rest: readonly EsqlCommand[];
      readonly exprs: readonly Expr[];
    };

/**
 * Turns a parsed Elastic rule into a runnable Detection: parses and lowers its query (Kibana
 * query language or EQL), folds in inline exceptions, and replays Elastic's scheduler over the
 * input at flush (see schedule.ts and the replay-* files). Rule types that cannot run here are
 * returned as `skipped` with a reason; query errors are positioned in the rule file.
 * @example const { detection, diagnostics } = buildElasticDetection(rule, fileText);
 */
export function buildElasticDetection(
  rule: ElasticRule,
  text: string,
): { detection?: Detection; diagnostics: Diagnostic[]; skipped?: string } {
  const diagnostics: Diagnostic[] = [];
  if (rule.maturity === 'deprecated')
    return { diagnostics, skipped: 'deprecated rule (maturity = "deprecated")' };
  const reason = unsupported[rule.type];
  if (reason) return { diagnostics, skipped: reason };
  // Rules for data auditscope never produces (endpoint, Windows, AWS...) are counted, not errors:
  // their queries may use features only those data sets need.
  const patterns = readsIndices(rule);
  if (routeRule(patterns, []).datasets.size === 0) {
    return {
      diagnostics,
      skipped: `its index patterns (${patterns.join(', ')}) select none of the data auditscope reads (Kubernetes audit logs, Azure activity and platform logs)`,
    };
  }
  if (rule.language === 'lucene')
    return { diagnostics, skipped: 'Lucene queries (language lucene) are not supported' };
  const shift = (ds: readonly Diagnostic[]): Diagnostic[] =>
    ds.map((d) => ({
      ...d,
      file: rule.file,
      source: text,
      ...(d.span
        ? { span: { start: d.span.start + rule.queryOffset, end: d.span.end + rule.queryOffset } }
        : {}),
    }));
  const warnings: Diagnostic[] = [];
  const exc = exceptionsExpr(
    rule.exceptionsList.flatMap((l) => l.items),
    (message) => warnings.push({ code: 'ELA011', severity: 'warning', message, file: rule.file }),
  );
  const withExceptions = (e: Expr): Expr => (exc ? { kind: 'And', args: [e, { kind: 'Not', arg: exc }] } : e);
  let logic: Logic | undefined;
  const query = rule.query ?? '';
  if (rule.type === 'esql' || rule.language === 'esql') {
    const p = parseEsql(query);
    diagnostics.push(...shift(p.diagnostics));
    if (p.ast) {
      diagnostics.push(...shift(checkEsql(p.ast.commands, query)));
      const cut = p.ast.commands.findIndex((c) => !EsqlRunner.rowWise(c));
      const at = cut < 0 ? p.ast.commands.length : cut;
      const prefix = hoistWheres(p.ast.commands.slice(0, at));
      logic = {
        kind: 'esql',
        indices: p.ast.from.indices,
        prefix,
        rest: p.ast.commands.slice(at),
        // necessary conditions of the leading WHEREs, for routing and the scan's rule index
        exprs: [esqlHint(prefix)],
      };
      if (exc)
        warnings.push({
          code: 'ELA012',
          severity: 'warning',
          message: 'exceptions are not applied to ES|QL rules here',
          file: rule.file,
        });
    }
  } else if (rule.type === 'eql' || rule.language === 'eql') {
    const p = parseEql(query);
    diagnostics.push(...shift(p.diagnostics));
    if (p.ast) logic = eqlLogic(p.ast, query, withExceptions, diagnostics, shift);
  } else {
    const p = parseKuery(query);
    diagnostics.push(...shift(p.diagnostics));
    if (p.ast || p.diagnostics.length === 0) {
      const l = lowerKuery(p.ast, { source: query, nested: 'element' });
      diagnostics.push(...shift(l.diagnostics));
      const expr = withExceptions(l.expr);
      const matcher = new DatasetMatcher(expr, kqlCodes);
      diagnostics.push(...matcher.check(rule.file, text).filter((d) => d.severity === 'error'));
      logic = { kind: 'single', matcher, exprs: [expr] };
    }
  }
  if (rule.lookbackMs < rule.intervalMs) {
    warnings.push({
      code: 'ELA021',
      severity: 'warning',
      message: `from (${rule.from}) looks back less than the interval (${rule.interval}): events between two executions are never searched`,
      file: rule.file,
    });
  }
  diagnostics.push(...warnings);
  if (!logic || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { detection: new ElasticDetection(rule, logic), diagnostics };
}

function eqlLogic(
  ast: EqlQuery,
  query: string,
  withExceptions: (e: Expr) => Expr,
  diagnostics: Diagnostic[],
  shift: (ds: readonly Diagnostic[]) => Diagnostic[],
): Logic {
  const exprs: Expr[] = [];
  const lower = (q: Parameters<typeof lowerEqlEvent>[0], exc: boolean): DatasetMatcher => {
    const l = lowerEqlEvent(q, query);
    diagnostics.push(...shift(l.diagnostics));
    const e = exc ? withExceptions(l.expr) : l.expr;
    exprs.push(e);
    return new DatasetMatcher(e, eqlCodes);
  };
  if (ast.kind === 'Event') return { kind: 'single', matcher: lower(ast.event, true), exprs };
  return {
    kind: 'sequence',
    exprs,
    steps: ast.steps.map((s) => lower(s.event, true)),
    until: ast.until ? lower(ast.until.event, false) : undefined,
    spec: {
      keys: ast.steps.map((s) => [...ast.by, ...s.by]),
      untilKeys: ast.until ? [...ast.by, ...ast.until.by] : undefined,
      maxspanMs: ast.maxspanMs,
      stepCount: ast.steps.length,
    },
  };
}

/** The index patterns a rule searches: ES|QL `FROM`, else `index`, else Kibana's default indices. */
function readsIndices(rule: ElasticRule): readonly string[] {
  if (rule.type === 'esql' || rule.language === 'esql') {
    const m = /^\s*from\s+([\s\S]*?)(?:\s+metadata\s|\||$)/i.exec(rule.query ?? '');
    const from = (m?.[1] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    return from.length ? from : defaultIndex;
  }
  return rule.index.length ? rule.index : defaultIndex;
}

/**
 * RuleMeta of an Elastic rule, as a Kibana user knows it.
 * @example elasticRuleMeta(rule).riskScore // 47
 */
export function elasticRuleMeta(rule: ElasticRule): RuleMeta {
  return {
    id: rule.ruleId,
    name: rule.name,
    language: 'elastic',
    severity: rule.severity,
    riskScore: rule.riskScore,
    description: rule.description,
    threat: rule.threat,
    tags: rule.tags,
    references: rule.references,
    falsePositives: rule.falsePositives,
    ...(rule.note !== undefined ? { guide: rule.note } : {}),
    author: rule.author,
    ...(rule.maturity !== undefined ? { status: rule.maturity } : {}),
    file: rule.file,
    line: rule.line,
  };
}

class ElasticDetection implements Detection {
  readonly meta: RuleMeta;
  readonly index: IndexHint;
  private readonly router: IndexRouter;
  constructor(
    readonly rule: ElasticRule,
    private readonly logic: Logic,
  ) {
    this.meta = elasticRuleMeta(rule);
    const patterns = logic.kind === 'esql' ? logic.indices : rule.index.length ? rule.index : defaultIndex;
    // Every step and the `until` condition: an event is needed when it can match any of them.
    const route = routeRule(patterns, logic.exprs);
    this.router = new IndexRouter(patterns, route.datasets);
    this.index = route.hint;
  }

  applies(ev: AuditEvent): boolean {
    return this.router.datasets(ev).length > 0;
  }

  createRunner(ctx: RunContext): RuleRunner {
    const { rule, logic, meta } = this;
    const index = this.router;
    const singles: Candidate[] = [];
    const seqs: SequenceCandidate[] = [];
    const rows: Row[] = [];
    const esql = new EsqlRunner();
    let seq = 0;
    const schedule = (ts: readonly number[]): Schedule => {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const t of ts) {
        if (t < min) min = t;
        if (t > max) max = t;
      }
      return new Schedule(rule.intervalMs, rule.lookbackMs, min, max, ctx.now);
    };
    return {
      push(ev) {
        seq++;
        if (logic.kind === 'single') {
          const c = candidateOf(ev, index, logic.matcher, rule.timestampOverride, seq);
          if (c) singles.push(c);
          return;
        }
        if (logic.kind === 'esql') {
          const c = candidateOf(ev, index, undefined, rule.timestampOverride, seq);
          if (c) esql.runEvent(logic.prefix, c, rows);
          return;
        }
        const c = candidateOf(ev, index, undefined, rule.timestampOverride, seq);
        if (!c) return;
        const steps: number[] = [];
        logic.steps.forEach((m, i) => {
          if (m.matches(ev, c.dataset)) steps.push(i);
        });
        const until = logic.until?.matches(ev, c.dataset) ?? false;
        if (steps.length || until) seqs.push({ cand: c, steps, until });
      },
      flush() {
        let pending: PendingAlert[];
        if (logic.kind === 'single') {
          if (singles.length === 0) return;
          singles.sort(byTime);
          const sched = schedule(singles.map((c) => c.ts));
          if (rule.type === 'new_terms' && rule.newTerms)
            pending = replayNewTerms(singles, sched, rule.newTerms, rule.maxSignals);
          else if (rule.type === 'threshold' && rule.threshold)
            pending = replayThreshold(singles, sched, rule.threshold, rule.maxSignals);
          else pending = replayQuery(singles, sched, rule.maxSignals);
        } else if (logic.kind === 'esql') {
          if (rows.length === 0) return;
          rows.sort((a, b) => byTime(a.cand!, b.cand!));
          const sched = schedule(rows.map((r) => r.cand!.ts));
          pending = replayEsql(rows, logic.rest, esql, sched, rule.maxSignals);
        } else {
          if (seqs.length === 0) return;
          seqs.sort((a, b) => byTime(a.cand, b.cand));
          const sched = schedule(seqs.map((c) => c.cand.ts));
          pending = replaySequence(seqs, logic.spec, sched, rule.maxSignals).map((p, i) => ({
            ...p,
            fields: {
              ...p.fields,
              'kibana.alert.group.id': `${rule.ruleId}:${i + 1}`,
              'kibana.alert.group.index': i,
            },
          }));
        }
        const perExec = new Map<number, number>();
        for (const p of pending) perExec.set(p.execTime, (perExec.get(p.execTime) ?? 0) + 1);
        const capped = [...perExec.values()].filter((n) => n >= rule.maxSignals).length;
        if (capped > 0) {
          ctx.report({
            code: 'ELA020',
            severity: 'warning',
            message: `${rule.name}: ${capped} execution(s) reached max_signals (${rule.maxSignals}); further matches in those windows were left to later executions`,
            file: rule.file,
          });
        }
        if (rule.alertSuppression) pending = suppressAlerts(pending, rule.alertSuppression);
        for (const p of pending) ctx.emit(buildAlert(rule, meta, p));
        singles.length = 0;
        seqs.length = 0;
        rows.length = 0;
      },
    };
  }
}
