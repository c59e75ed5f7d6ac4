import type { FilterAst, SigmaMeta, SigmaOrigin } from './ast.js';
import { SIG } from './codes.js';
import type { Diags } from './diags.js';
import { conditionOf, parseLogsource, parseSelections } from './parse-detection.js';
import { entry, refList, type YMap, type YNode } from './yaml-tree.js';

/** Reads a Sigma filter (meta-rule that narrows other rules, filters specification v2.1). */
export function parseFilter(
  m: YMap,
  f: YNode,
  meta: SigmaMeta | undefined,
  d: Diags,
  org: SigmaOrigin,
): FilterAst | undefined {
  const logsource = parseLogsource(m, d);
  if (f.kind !== 'map') {
    d.add(SIG.badFilter, 'error', "'filter' must be a mapping", f.span);
    return undefined;
  }
  const rulesNode = entry(f, 'rules')?.value;
  let rules: FilterAst['rules'];
  if (!rulesNode) {
    d.add(SIG.badFilter, 'error', "a filter needs 'rules' (a list of rule ids or names, or 'any')", f.span);
    return undefined;
  }
  const asText = rulesNode.kind === 'scalar' ? String(rulesNode.value).toLowerCase() : undefined;
  if (asText === 'any' || asText === 'all' || (rulesNode.kind === 'seq' && rulesNode.items.length === 0))
    rules = 'any';
  else rules = refList(rulesNode);
  const selections = parseSelections(f, ['rules', 'condition'], d);
  const condNode = entry(f, 'condition')?.value;
  if (condNode?.kind !== 'scalar' || typeof condNode.value !== 'string') {
    d.add(SIG.badFilter, 'error', "a filter needs one 'condition' string", condNode?.span ?? f.span);
    return undefined;
  }
  const condition = conditionOf(condNode, selections, d);
  if (!meta || !logsource || !condition.cond) return undefined;
  return { type: 'filter', meta, logsource, rules, selections, condition, origin: org };
}
