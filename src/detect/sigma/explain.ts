import type { Diagnostic } from '../../diag/diagnostic.js';
import { compileExpr } from '../../engine/compile-expr.js';
import type { Expr } from '../../ir/expr.js';
import { lowerSelection } from '../../lang/sigma/lower.js';
import { Diags } from '../../lang/sigma/parse-rule.js';
import type { AuditEvent } from '../../model/event.js';
import type { Detection } from '../detection.js';
import { sigmaEngineCodes } from './compile-rule.js';
import { SigmaRuleDetection } from './sigma-detection.js';

export interface SelectionVerdict {
  readonly name: string;
  readonly matched: boolean;
  /** Per field of the selection (first group for lists of maps): did it match, and the event's value. */
  readonly fields: readonly { readonly field: string; readonly matched: boolean; readonly value: unknown }[];
}

/**
 * Why a Sigma rule did or did not fire on an event, with the engine's own semantics: each
 * selection's verdict and, per field, whether it matched and the value the event had. Undefined
 * for detections that are not single-event Sigma rules.
 * @example explainSigmaMatch(detection, ev)?.selections.find((s) => !s.matched)
 */
export function explainSigmaMatch(
  d: Detection,
  ev: AuditEvent,
): { readonly fired: boolean; readonly selections: readonly SelectionVerdict[] } | undefined {
  if (!(d instanceof SigmaRuleDetection)) return undefined;
  const ast = d.ast;
  const resolve = d.compiled.resolve;
  const scratch: Diagnostic[] = [];
  const diags = new Diags(scratch, ast.origin.file, ast.origin.source);
  const test = (e: Expr) => compileExpr(e, resolve, { codes: sigmaEngineCodes }).match(ev);
  const selections: SelectionVerdict[] = [];
  for (const [name, sel] of ast.selections) {
    const matched = test(lowerSelection(sel, diags));
    const group = sel.groups[0] ?? [];
    const fields = group.map((it) => {
      const one = lowerSelection({ ...sel, groups: [[it]] }, diags);
      const field = it.field ?? '(keywords)';
      return { field, matched: test(one), value: it.field ? resolve(it.field)?.(ev) : undefined };
    });
    selections.push({ name, matched, fields });
  }
  let fired = false;
  d.createRunner({ emit: () => (fired = true), report: () => {} }).push(ev);
  return { fired: fired && d.applies(ev), selections };
}
