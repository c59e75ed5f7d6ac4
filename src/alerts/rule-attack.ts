import type { RuleMeta } from './alert.js';
import { tacticShortName } from './attack-ids.js';

/** The ATT&CK ids and tactics a rule claims, gathered from `threat` and from tags. */
export interface RuleAttack {
  /** Technique ids, upper-case, sub-techniques included as written (`T1098.006`). */
  readonly techniques: readonly string[];
  /** Tactic short names as written (aliases such as `stealth` kept). */
  readonly tactics: readonly string[];
  /** Tags that look like ATT&CK but are neither a technique id nor a known tactic. */
  readonly unknownTags: readonly string[];
}

const techniqueTag = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
const otherAttackTag = /^attack\.(g\d{4}|s\d{4}|ta\d{4})$/i;

/**
 * Reads the ATT&CK mapping of a rule of any language: Elastic/Kusto `threat` entries and Sigma
 * `attack.*` tags (a Sigma loader may also have turned the tags into `threat`; both are read).
 * @example ruleAttack(meta).techniques // ['T1609']
 */
export function ruleAttack(meta: RuleMeta): RuleAttack {
  const techniques = new Set<string>();
  const tacticsSeen = new Set<string>();
  const unknownTags: string[] = [];
  for (const th of meta.threat) {
    if (th.tactic) {
      const s = tacticShortName(th.tactic.name) ?? (th.tactic.id ? tacticShortName(th.tactic.id) : undefined);
      if (s) tacticsSeen.add(s);
    }
    for (const t of th.techniques) {
      // A technique listed only as the parent of its sub-techniques claims the sub-techniques.
      if (t.subtechniques?.length) for (const st of t.subtechniques) techniques.add(st.id.toUpperCase());
      else techniques.add(t.id.toUpperCase());
    }
  }
  for (const tag of meta.tags) {
    const m = techniqueTag.exec(tag);
    if (m) {
      techniques.add(m[1]!.toUpperCase());
      continue;
    }
    if (!tag.toLowerCase().startsWith('attack.') || otherAttackTag.test(tag)) continue;
    const s = tacticShortName(tag.slice('attack.'.length));
    if (s) tacticsSeen.add(s);
    else unknownTags.push(tag);
  }
  return { techniques: [...techniques].sort(), tactics: [...tacticsSeen], unknownTags };
}
