import { RE2JS } from 're2js';
import { parse } from 'smol-toml';
import type { KqlLiteral, KqlNode, KqlValue } from '../../lang/kibana/ast.js';
import { parseKuery } from '../../lang/kibana/parse-kuery.js';
import type { AuditEvent } from '../../model/event.js';
import { ecsDocument, ecsGet } from '../../views/ecs/ecs-document.js';

/**
 * Says why an Elastic rule written in the Kibana query language did or did not match a sample,
 * for `rules test`: each top-level `and` clause is checked against the event's ECS document and the
 * failing ones are named with the value the event has (`event.outcome = 'failure' (wanted
 * Success or success)`). An approximation of the engine (exact and wildcard matches); it explains,
 * it never decides a test.
 * @example explainKuery(tomlText, ev, 'match')
 */
export function explainKuery(
  ruleText: string,
  ev: AuditEvent,
  expect: 'match' | 'no-match',
): string | undefined {
  let query: unknown;
  let language: unknown;
  try {
    const rule = (parse(ruleText) as { rule?: Record<string, unknown> }).rule;
    query = rule?.query;
    language = rule?.language;
  } catch {
    return undefined;
  }
  if (typeof query !== 'string' || (language !== undefined && language !== 'kuery')) return undefined;
  const { ast } = parseKuery(query);
  const doc = ecsDocument(ev);
  if (!ast || !doc) return undefined;
  const get = (f: string) => ecsGet(doc, f);
  const clauses = ast.kind === 'And' ? ast.args : [ast];
  const failed = clauses.filter((c) => !holds(c, get));
  if (expect === 'match' && failed.length)
    return `query clauses that did not hold: ${failed.map((c) => describe(c, get)).join('; ')}`;
  if (expect === 'no-match' && failed.length === 0)
    return `every query clause held: ${clauses.map((c) => describe(c, get)).join('; ')}`;
  return undefined;
}

type Get = (field: string) => unknown;

function holds(n: KqlNode, get: Get): boolean {
  switch (n.kind) {
    case 'And':
      return n.args.every((a) => holds(a, get));
    case 'Or':
      return n.args.some((a) => holds(a, get));
    case 'Not':
      return !holds(n.arg, get);
    case 'Field':
      return valueHolds(n.value, get(n.field));
    case 'Nested':
      return holds(n.query, (f) => get(`${n.field}.${f}`));
    case 'Text':
    case 'Range':
      return true; // not explained: assume it held
  }
}

function valueHolds(v: KqlValue, actual: unknown): boolean {
  switch (v.kind) {
    case 'ValueOr':
      return v.args.some((a) => valueHolds(a, actual));
    case 'ValueAnd':
      return v.args.every((a) => valueHolds(a, actual));
    case 'ValueNot':
      return !valueHolds(v.arg, actual);
    case 'Literal':
      return (Array.isArray(actual) ? actual : [actual]).some((x) => literalMatches(v, x));
  }
}

function literalMatches(l: KqlLiteral, x: unknown): boolean {
  if (x === undefined || x === null) return false;
  const s = String(x);
  if (l.parts.every((p) => typeof p === 'string')) return s === l.text;
  // wildcard: the literal parts in order, any text between (RE2: linear time whatever the rule says)
  let re = '';
  for (const p of l.parts) re += typeof p === 'string' ? RE2JS.quote(p) : p.wildcard === '*' ? '.*' : '.';
  return RE2JS.compile(`^(?:${re})$`, RE2JS.DOTALL).matcher(s).matches();
}

function describe(n: KqlNode, get: Get): string {
  if (n.kind === 'Field') {
    const actual = get(n.field);
    return `${n.field} = ${actual === undefined ? '(missing)' : JSON.stringify(actual)} (wanted ${valueText(n.value)})`;
  }
  if (n.kind === 'Not') return `not (${describe(n.arg, get)})`;
  if (n.kind === 'Or' || n.kind === 'And')
    return n.args.map((a) => describe(a, get)).join(n.kind === 'Or' ? ' or ' : ' and ');
  return n.kind;
}

function valueText(v: KqlValue): string {
  switch (v.kind) {
    case 'ValueOr':
      return v.args.map(valueText).join(' or ');
    case 'ValueAnd':
      return v.args.map(valueText).join(' and ');
    case 'ValueNot':
      return `not ${valueText(v.arg)}`;
    case 'Literal':
      return v.quoted ? `"${v.text}"` : v.text;
  }
}
