import type { Diagnostic } from '../../diag/diagnostic.js';
import { compileExpr, type EngineCodes, type Matcher } from '../../engine/compile-expr.js';
import { FieldTable } from '../../engine/field-table.js';
import { PayloadStrings } from '../../engine/payload-strings.js';
import { type IndexHint, necessaryValues } from '../../engine/rule-index.js';
import type { Expr } from '../../ir/expr.js';
import type { Getter } from '../../model/event.js';
import type { SigmaLogsourceAst, SigmaRuleAst } from '../../lang/sigma/ast.js';
import { SIG } from '../../lang/sigma/codes.js';
import { lowerDetection } from '../../lang/sigma/lower.js';
import { Diags } from '../../lang/sigma/parse-rule.js';
import { type SigmaUserFieldMapping, sigmaFieldResolver, sigmaTarget } from '../../views/sigma-fields.js';

/** Options that change how Sigma rules compile, shared by every rule of a load. */
export interface SigmaOptions {
  /** User field mappings (`--sigma-mapping FILE`), applied over the built-in table. */
  readonly mappings?: readonly SigmaUserFieldMapping[];
  /** Values for `|expand` placeholders. */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
  /** Unknown fields are errors (the rule is not loaded) instead of warnings. */
  readonly strictFields?: boolean;
  /** Correlations accept events up to this much older than the newest seen (default 5 minutes). */
  readonly outOfOrderToleranceMs?: number;
}

/** The SIG codes the expression engine reports for Sigma rules. */
export const sigmaEngineCodes: EngineCodes = {
  unknownField: SIG.unknownField,
  badRegex: SIG.badRegex,
  badCidr: SIG.badCidr,
  badNumber: SIG.badNumber,
};

/**
 * Per-load compile state: one FieldTable per log source (so rules on the same source share field
 * extraction and lower-casing per event) and one keyword memo.
 */
export class SigmaCompileContext {
  private readonly tables = new Map<
    string,
    { table: FieldTable; resolve: (f: string) => Getter | undefined }
  >();
  readonly payload = new PayloadStrings();

  constructor(readonly options: SigmaOptions = {}) {}

  /** The resolver and shared field table of a log source. */
  fieldsFor(ls: SigmaLogsourceAst): { table: FieldTable; resolve: (f: string) => Getter | undefined } {
    const key = `${(ls.product ?? '').toLowerCase()}/${(ls.service ?? '').toLowerCase()}`;
    let t = this.tables.get(key);
    if (!t) {
      const resolve = sigmaFieldResolver(ls, this.options.mappings ?? []);
      t = { table: new FieldTable(resolve), resolve };
      this.tables.set(key, t);
    }
    return t;
  }
}

export interface CompiledSigmaExpr {
  readonly expr: Expr;
  readonly match: Matcher;
  readonly resolve: (f: string) => Getter | undefined;
  readonly index: IndexHint;
}

/**
 * Lowers and compiles a detection (rule or filter) for its log source. Undefined when it has
 * errors (reported into `diagnostics`).
 */
export function compileSigmaDetection(
  rule: Pick<SigmaRuleAst, 'logsource' | 'selections' | 'conditions' | 'origin'>,
  cc: SigmaCompileContext,
  diagnostics: Diagnostic[],
): CompiledSigmaExpr | undefined {
  const { file, source } = rule.origin;
  const before = diagnostics.length;
  const d = new Diags(diagnostics, file, source);
  const expr = lowerDetection(rule.selections, rule.conditions, d, {
    placeholders: cc.options.placeholders ?? {},
  });
  if (!expr) return undefined;
  const { table, resolve } = cc.fieldsFor(rule.logsource);
  const compiled = compileExpr(expr, resolve, {
    table,
    payload: cc.payload,
    codes: sigmaEngineCodes,
    file,
    source,
  });
  for (const diag of compiled.diagnostics) {
    if (diag.code === SIG.unknownField && cc.options.strictFields)
      diagnostics.push({ ...diag, severity: 'error' });
    else diagnostics.push(diag);
  }
  if (diagnostics.slice(before).some((x) => x.severity === 'error')) return undefined;
  return { expr, match: compiled.match, resolve, index: indexHint(rule.logsource, expr, cc) };
}

/** Index hint from the log source and the IR (only when the field names keep their built-in meaning). */
function indexHint(ls: SigmaLogsourceAst, expr: Expr, cc: SigmaCompileContext): IndexHint {
  const target = sigmaTarget(ls);
  if (target === 'azure/activitylogs') return { kinds: ['activity'] };
  if (target !== 'kubernetes/audit' && target !== 'gcp/gcp.audit') return {};
  if (target === 'gcp/gcp.audit') return { kinds: ['audit'] };
  const overridden = new Set<string>();
  for (const m of cc.options.mappings ?? []) for (const k of Object.keys(m.fieldmappings)) overridden.add(k);
  const verbFields = new Set(['verb'].filter((f) => !overridden.has(f)));
  const resFields = new Set(['objectRef.resource', 'resource'].filter((f) => !overridden.has(f)));
  const verbs = necessaryValues(expr, (f) => verbFields.has(f));
  const resources = necessaryValues(expr, (f) => resFields.has(f));
  return {
    kinds: ['audit'],
    ...(verbs ? { verbs: [...verbs] } : {}),
    ...(resources ? { resources: [...resources] } : {}),
  };
}
