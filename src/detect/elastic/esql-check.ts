import type { Diagnostic } from '../../diag/diagnostic.js';
import type { EsqlCommand, EsqlExpr } from '../../lang/elastic/esql-ast.js';
import { parseKuery } from '../../lang/kibana/parse-kuery.js';
import { compileGrok } from './esql-grok.js';

/** Scalar functions the ES|QL evaluator implements (esql-run.ts). */
export const scalarFns = new Set([
  'starts_with',
  'ends_with',
  'to_string',
  'to_lower',
  'to_upper',
  'url_decode',
  'replace',
  'case',
  'date_trunc',
  'now',
  'coalesce',
  'length',
  'concat',
  'kql',
  'mv_count',
  'trim',
  'substring',
  'to_integer',
  'to_long',
  'to_double',
]);
/** Aggregations STATS implements. */
export const aggFns = new Set(['count', 'count_distinct', 'values', 'min', 'max', 'sum', 'avg']);

/**
 * Problems a query would hit at run time that can be found up front: unknown functions, bad grok/KQL.
 * @example checkEsql(ast.commands, query) // [] when every function is known
 */
export function checkEsql(commands: readonly EsqlCommand[], source: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (message: string, s: { start: number; end: number }): void => {
    out.push({ code: 'ESQ011', severity: 'error', message, span: s, source });
  };
  const walk = (e: EsqlExpr, aggOk: boolean): void => {
    switch (e.kind) {
      case 'Call':
        if (aggFns.has(e.name) && !aggOk) err(`${e.name}() is an aggregation: use it in STATS`, e.span);
        else if (!aggFns.has(e.name) && !scalarFns.has(e.name))
          err(`the function ${e.name}() is not supported`, e.span);
        if (e.name === 'kql') {
          const a = e.args[0];
          const p = a?.kind === 'Literal' && typeof a.value === 'string' ? parseKuery(a.value) : undefined;
          if (!p || p.diagnostics.some((d) => d.severity === 'error'))
            err('kql() needs a valid Kibana query string', e.span);
        }
        for (const a of e.args) walk(a, false);
        return;
      case 'Binary':
      case 'And':
      case 'Or':
        walk(e.left, aggOk && e.kind === 'Binary');
        walk(e.right, aggOk && e.kind === 'Binary');
        return;
      case 'Not':
      case 'Like':
      case 'IsNull':
        walk(e.arg, false);
        return;
      case 'In':
        walk(e.arg, false);
        for (const x of e.list) walk(x, false);
        return;
      default:
        return;
    }
  };
  for (const c of commands) {
    if (c.kind === 'Where') walk(c.cond, false);
    else if (c.kind === 'Eval') for (const a of c.assigns) walk(a.expr, false);
    else if (c.kind === 'Stats') {
      for (const a of c.aggs) {
        if (a.expr.kind !== 'Call' || !aggFns.has(a.expr.name))
          err('STATS takes aggregation functions (count, values, ...)', a.expr.span);
        else for (const x of a.expr.args) walk(x, false);
      }
      for (const b of c.by) walk(b.expr, false);
    } else if (c.kind === 'Grok') {
      const g = compileGrok(c.pattern);
      if (typeof g === 'string') err(g, c.span);
    }
  }
  return out;
}
