import type { Converted } from '../../src/convert/convert-rules.js';
import { SigmaCompileContext, compileSigmaDetection } from '../../src/detect/sigma/compile-rule.js';
import { huntEvents } from '../../src/detect/kusto/hunt.js';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import { compileExpr } from '../../src/engine/compile-expr.js';
import type { Expr } from '../../src/ir/expr.js';
import { lowerEqlEvent } from '../../src/lang/eql/lower-eql.js';
import { parseEql } from '../../src/lang/eql/parse-eql.js';
import { lowerKuery } from '../../src/lang/kibana/lower-kuery.js';
import { parseKuery } from '../../src/lang/kibana/parse-kuery.js';
import type { SigmaRuleAst } from '../../src/lang/sigma/ast.js';
import { parseSigmaText } from '../../src/lang/sigma/parse-rule.js';
import type { AuditEvent } from '../../src/model/event.js';
import { type EcsDataset, ecsDatasets, ecsFieldResolverFor } from '../../src/views/ecs/ecs-document.js';
import { sigmaLogsourceApplies } from '../../src/views/sigma-fields.js';
import { getTable } from '../../src/views/tables/index.js';

/**
 * Runs a converted rule with auditscope's engine for the target language and its source rule with
 * the engine for the source language over the same events, and returns both sets of matching
 * event ids. The events a target cannot see (AKSAudit holds only AKS events) are left out of both.
 */
export interface Diff {
  readonly source: string[];
  readonly target: string[];
  readonly considered: number;
  readonly errors: string[];
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

function sigmaMatcher(rule: SigmaRuleAst, errors: string[]): ((ev: AuditEvent) => boolean) | undefined {
  const diags: Diagnostic[] = [];
  const c = compileSigmaDetection(rule, new SigmaCompileContext(), diags);
  for (const d of diags) if (d.severity === 'error') errors.push(`${d.code} ${d.message}`);
  if (!c) return undefined;
  return (ev) => sigmaLogsourceApplies(rule.logsource, ev) && c.match(ev);
}

function ecsMatcher(expr: Expr, ds: EcsDataset): (ev: AuditEvent) => boolean {
  const { match } = compileExpr(expr, ecsFieldResolverFor(ds));
  return (ev) => ecsDatasets(ev).includes(ds) && match(ev);
}

/** Each event made unique by a key column the target table shows (ids rewritten to the event id). */
function keyed(events: readonly AuditEvent[], table: string): AuditEvent[] {
  if (table === 'CloudAuditEvents') return [...events];
  return events.map((ev) =>
    ev.kind === 'activity'
      ? { ...ev, activity: { ...ev.activity, eventDataId: ev.id } }
      : ev.audit
        ? { ...ev, audit: { ...ev.audit, auditID: ev.id } }
        : ev,
  );
}

const KEY: Record<string, string> = {
  CloudAuditEvents: 'ReportId',
  AzureActivity: 'EventDataId',
  AKSAudit: 'AuditId',
  AKSAuditAdmin: 'AuditId',
  ArcK8sAudit: 'AuditId',
};

export function differential(c: Converted, all: readonly AuditEvent[]): Diff {
  const errors: string[] = [];
  const [lang, arg] = c.target.split(':') as [string, string | undefined];
  let events: AuditEvent[] = [...all];
  let target: string[] = [];
  if (lang === 'kusto') {
    const table = arg!;
    const view = getTable(table)!;
    events = keyed(all, table).filter((ev) => view.accepts(ev));
    const r = huntEvents(`${c.query}\n| project K = ${KEY[table]}`, events, {
      now: Date.parse('2030-01-01T00:00:00Z'),
      plain: true,
    });
    for (const d of r.diagnostics) if (d.severity === 'error') errors.push(`${d.code} ${d.message}`);
    target = (r.result?.rows ?? []).map((row) => String(row.K));
  } else if (lang === 'elastic') {
    const ds: EcsDataset = c.query.includes('kubernetes.audit_logs')
      ? 'kubernetes.audit_logs'
      : 'azure.activitylogs';
    let expr: Expr | undefined;
    if (arg === 'eql') {
      const p = parseEql(c.query);
      for (const d of p.diagnostics) errors.push(`${d.code} ${d.message}`);
      if (p.ast?.kind === 'Event') {
        const l = lowerEqlEvent(p.ast.event, c.query);
        for (const d of l.diagnostics) if (d.severity === 'error') errors.push(`${d.code} ${d.message}`);
        expr = l.expr;
      }
    } else {
      const p = parseKuery(c.query);
      for (const d of p.diagnostics) if (d.severity === 'error') errors.push(`${d.code} ${d.message}`);
      const l = lowerKuery(p.ast, { source: c.query });
      for (const d of l.diagnostics) if (d.severity === 'error') errors.push(`${d.code} ${d.message}`);
      expr = l.expr;
    }
    if (expr) {
      const m = ecsMatcher(expr, ds);
      target = events.filter(m).map((ev) => ev.id);
    }
  } else {
    const p = parseSigmaText(c.text, c.outName);
    for (const d of p.diagnostics) if (d.severity === 'error') errors.push(`${d.code} ${d.message}`);
    const doc = p.docs[0];
    const m = doc?.type === 'rule' ? sigmaMatcher(doc, errors) : undefined;
    if (m) target = events.filter(m).map((ev) => ev.id);
  }
  let source: string[] = [];
  if (c.source.kind === 'sigma') {
    const m = sigmaMatcher(c.source.rule, errors);
    if (m) source = events.filter(m).map((ev) => ev.id);
  } else source = events.filter(ecsMatcher(c.source.expr, c.source.dataset)).map((ev) => ev.id);
  return { source: sorted(source), target: sorted(target), considered: events.length, errors };
}
