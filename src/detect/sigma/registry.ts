import type { CorrelationAst, FilterAst, SigmaRuleAst } from '../../lang/sigma/ast.js';

/**
 * Every Sigma document a loader has read, by id and by name, so that correlations and filters can
 * reference rules in other files. References are resolved late (when runners are created, after
 * every file is loaded). A later document with the same id or name replaces the earlier one.
 */
export class SigmaRegistry {
  private readonly byRef = new Map<string, SigmaRuleAst | CorrelationAst>();
  private readonly filterList: FilterAst[] = [];
  /** Rules (by id or name) that a correlation consumes without `generate: true`: they do not alert alone. */
  private readonly consumed = new Set<string>();

  addRule(r: SigmaRuleAst | CorrelationAst): void {
    if (r.meta.id) this.byRef.set(r.meta.id, r);
    if (r.meta.name) this.byRef.set(r.meta.name, r);
    if (r.type === 'correlation' && !r.generate) for (const x of r.rules) this.consumed.add(x.ref);
  }

  addFilter(f: FilterAst): void {
    this.filterList.push(f);
  }

  /** Every filter read so far. */
  get filters(): readonly FilterAst[] {
    return this.filterList;
  }

  /** The rule or correlation an id or name refers to. */
  lookup(ref: string): SigmaRuleAst | CorrelationAst | undefined {
    return this.byRef.get(ref);
  }

  /** True when a correlation consumes this rule and it should not alert on its own. */
  isConsumed(r: SigmaRuleAst | CorrelationAst): boolean {
    return (
      (r.meta.id !== undefined && this.consumed.has(r.meta.id)) ||
      (r.meta.name !== undefined && this.consumed.has(r.meta.name))
    );
  }

  /** Filters that apply to a rule: those naming its id, name or title, and `rules: any` filters of its log source. */
  filtersFor(r: SigmaRuleAst): FilterAst[] {
    return this.filterList.filter((f) => {
      if (!logsourceCovers(f.logsource, r.logsource)) return false;
      if (f.rules === 'any') return true;
      return f.rules.some((x) => x.ref === r.meta.id || x.ref === r.meta.name || x.ref === r.meta.title);
    });
  }
}

/** A filter's logsource covers a rule's when every key the filter sets is equal (case-insensitive). */
function logsourceCovers(
  f: { product?: string; service?: string; category?: string },
  r: { product?: string; service?: string; category?: string },
): boolean {
  for (const k of ['product', 'service', 'category'] as const) {
    const fv = f[k];
    if (fv !== undefined && fv.toLowerCase() !== (r[k] ?? '').toLowerCase()) return false;
  }
  return true;
}
