import type { RuleMeta } from '../../alerts/alert.js';
import { tacticColumn, tactics, techniqueInfo, techniques } from '../../alerts/attack-ids.js';
import { ruleAttack } from '../../alerts/rule-attack.js';

/** One technique under one tactic column, with the rules that cover it. */
export interface CoverageCell {
  readonly tactic: string;
  readonly technique: string;
  readonly name: string;
  readonly rules: readonly string[];
}

/**
 * ATT&CK coverage of a set of rules: a cell per (tactic column, technique) a rule claims. A
 * technique listed without a tactic in the rule is placed under each of its tactics that the rule
 * names, or under all its tactics when the rule names none that fit.
 * @example attackCoverage(metas).filter((c) => c.technique === 'T1609')
 */
export function attackCoverage(metas: readonly RuleMeta[]): CoverageCell[] {
  const cells = new Map<string, { tactic: string; technique: string; name: string; rules: Set<string> }>();
  for (const m of metas) {
    const att = ruleAttack(m);
    const ruleColumns = att.tactics.map(tacticColumn);
    for (const id of att.techniques) {
      const info = techniqueInfo(id);
      const own = info?.tactics ?? [];
      let cols = own.filter((t) => ruleColumns.includes(t));
      if (cols.length === 0) cols = own.length ? [...own] : ruleColumns.length ? ruleColumns : ['unknown'];
      for (const tactic of cols) {
        const key = `${tactic}|${id}`;
        let c = cells.get(key);
        if (!c)
          cells.set(
            key,
            (c = { tactic, technique: id, name: info?.name ?? '(unknown technique)', rules: new Set() }),
          );
        c.rules.add(m.name);
      }
    }
  }
  const order = new Map(tactics.map((t, i) => [t.shortName, i]));
  return [...cells.values()]
    .map((c) => ({ ...c, rules: [...c.rules].sort() }))
    .sort(
      (a, b) =>
        (order.get(a.tactic) ?? 99) - (order.get(b.tactic) ?? 99) || a.technique.localeCompare(b.technique),
    );
}

/**
 * An ATT&CK Navigator layer (format 4.5) scoring each covered technique by its number of rules,
 * with the rule names as the comment.
 * @example writeFileSync('layer.json', JSON.stringify(navigatorLayer(cells), null, 2))
 */
export function navigatorLayer(
  cells: readonly CoverageCell[],
  name = 'auditscope rule coverage',
): Record<string, unknown> {
  const max = Math.max(1, ...cells.map((c) => c.rules.length));
  return {
    name,
    versions: { attack: '16', navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: `Techniques covered by ${new Set(cells.flatMap((c) => c.rules)).size} rules (score = number of rules).`,
    filters: { platforms: ['Containers', 'IaaS', 'Identity Provider'] },
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true },
    hideDisabled: false,
    techniques: cells
      .filter((c) => techniques.has(c.technique) || /^T\d{4}/.test(c.technique))
      .map((c) => ({
        techniqueID: c.technique,
        tactic: c.tactic,
        score: c.rules.length,
        color: '',
        comment: c.rules.join('; '),
        enabled: true,
        metadata: [],
        showSubtechniques: c.technique.includes('.'),
      })),
    gradient: { colors: ['#ffffff', '#66b1ff', '#1f5fbf'], minValue: 0, maxValue: max },
    legendItems: [],
    showTacticRowBackground: true,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: false,
    selectSubtechniquesWithParent: false,
  };
}

/** Coverage as rows for a table: tactic, technique, name, rule count, rules. */
export function coverageRows(cells: readonly CoverageCell[]): Record<string, string | number>[] {
  return cells.map((c) => ({
    tactic: c.tactic,
    technique: c.technique,
    name: c.name,
    rules: c.rules.length,
    names: c.rules.join('; '),
  }));
}
