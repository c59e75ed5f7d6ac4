import type { Diagnostic } from '../../diag/diagnostic.js';
import type { Expr } from '../../ir/expr.js';
import { lowerEqlEvent } from '../../lang/eql/lower-eql.js';
import { parseEql } from '../../lang/eql/parse-eql.js';
import { lowerKuery } from '../../lang/kibana/lower-kuery.js';
import { parseKuery } from '../../lang/kibana/parse-kuery.js';
import type { AuditEvent } from '../../model/event.js';
import { DatasetMatcher, IndexRouter } from './candidate.js';
import { defaultIndex } from './elastic-detection.js';
import { routeRule } from './routing.js';

export interface HuntMatcher {
  /** True when the event, in one of its ECS datasets selected by `index`, matches the query. */
  match(ev: AuditEvent): boolean;
}

/**
 * Compiles an ad-hoc Kibana query (`kuery`) or single-event EQL query (`eql`) into a matcher over
 * events, as Discover / Timeline would run it over the ECS view: the query is tried on each
 * dataset document of the event that the index patterns select (default: Kibana's default
 * security indices). Diagnostics are positioned in `query`; `matcher` is undefined on errors.
 * @example const { matcher } = compileHuntQuery('kubernetes.audit.verb:delete', 'kuery'); events.filter((e) => matcher?.match(e))
 */
export function compileHuntQuery(
  query: string,
  language: 'kuery' | 'eql',
  index: readonly string[] = defaultIndex,
): { matcher?: HuntMatcher; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let expr: Expr | undefined;
  if (language === 'kuery') {
    const p = parseKuery(query);
    diagnostics.push(...p.diagnostics);
    if (p.ast || p.diagnostics.length === 0) {
      const l = lowerKuery(p.ast, { source: query, nested: 'element' });
      diagnostics.push(...l.diagnostics);
      expr = l.expr;
    }
  } else {
    const p = parseEql(query);
    diagnostics.push(...p.diagnostics);
    if (p.ast?.kind === 'Sequence') {
      diagnostics.push({
        code: 'EQL012',
        severity: 'error',
        message: 'sequences need a rule (type eql); hunts take event queries',
        span: p.ast.span,
        source: query,
      });
    } else if (p.ast) {
      const l = lowerEqlEvent(p.ast.event, query);
      diagnostics.push(...l.diagnostics);
      expr = l.expr;
    }
  }
  if (!expr || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const m = new DatasetMatcher(expr, {
    unknownField: 'KQL030',
    badRegex: 'KQL031',
    badCidr: 'KQL032',
    badNumber: 'KQL033',
  });
  diagnostics.push(...m.check('<query>', query));
  const router = new IndexRouter(index, routeRule(index, [expr]).datasets);
  return { matcher: { match: (ev) => router.datasets(ev).some((ds) => m.matches(ev, ds)) }, diagnostics };
}
