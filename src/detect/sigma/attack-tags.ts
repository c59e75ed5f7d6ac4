import type { Threat } from '../../alerts/alert.js';

/**
 * ATT&CK Enterprise tactic short names (as Sigma writes them in `attack.<tactic>` tags) to ids.
 * `defense-impairment` is the tactic ATT&CK v18 split out of Defense Evasion (TA0112); the older
 * `defense-evasion` keeps TA0005 so rules written against either version map; `stealth` (the
 * other half of the split) is kept by name.
 */
const TACTICS: Readonly<Record<string, { id?: string; name: string }>> = {
  reconnaissance: { id: 'TA0043', name: 'Reconnaissance' },
  'resource-development': { id: 'TA0042', name: 'Resource Development' },
  'initial-access': { id: 'TA0001', name: 'Initial Access' },
  execution: { id: 'TA0002', name: 'Execution' },
  persistence: { id: 'TA0003', name: 'Persistence' },
  'privilege-escalation': { id: 'TA0004', name: 'Privilege Escalation' },
  'defense-evasion': { id: 'TA0005', name: 'Defense Evasion' },
  'defense-impairment': { id: 'TA0112', name: 'Defense Impairment' },
  // The other half of the v18/v19 split; its id was not verified when this was written, so none is claimed.
  stealth: { name: 'Stealth' },
  'credential-access': { id: 'TA0006', name: 'Credential Access' },
  discovery: { id: 'TA0007', name: 'Discovery' },
  'lateral-movement': { id: 'TA0008', name: 'Lateral Movement' },
  collection: { id: 'TA0009', name: 'Collection' },
  'command-and-control': { id: 'TA0011', name: 'Command and Control' },
  exfiltration: { id: 'TA0010', name: 'Exfiltration' },
  impact: { id: 'TA0040', name: 'Impact' },
};

/**
 * Turns Sigma tags into ATT&CK mappings: one Threat per tactic tag, carrying every technique tag
 * of the rule (Sigma does not say which technique belongs to which tactic); technique tags without
 * a tactic tag give one Threat with no tactic. Underscores are read as dashes (`attack.defense_evasion`).
 * @example sigmaThreats(['attack.defense-impairment', 'attack.t1562.009'])[0]?.tactic?.id === 'TA0112'
 */
export function sigmaThreats(tags: readonly string[]): Threat[] {
  const tactics: { id?: string; name: string; reference?: string }[] = [];
  const techniques = new Map<string, Set<string>>();
  for (const raw of tags) {
    const t = raw.toLowerCase().trim();
    if (!t.startsWith('attack.')) continue;
    const rest = t.slice('attack.'.length).replace(/_/g, '-');
    const tech = /^t(\d{4})(?:\.(\d{3}))?$/.exec(rest);
    if (tech) {
      const id = `T${tech[1]}`;
      const subs = techniques.get(id) ?? new Set<string>();
      if (tech[2]) subs.add(`${id}.${tech[2]}`);
      techniques.set(id, subs);
      continue;
    }
    const known = TACTICS[rest];
    if (known) {
      if (!tactics.some((x) => x.name === known.name))
        tactics.push(
          known.id ? { ...known, reference: `https://attack.mitre.org/tactics/${known.id}/` } : { ...known },
        );
    } else if (/^[a-z-]+$/.test(rest) && !/^(g|s)\d{4}$/.test(rest)) {
      // An unknown tactic-like name (future ATT&CK version): keep the name, no id.
      tactics.push({ name: rest });
    }
  }
  const techList = [...techniques].map(([id, subs]) => ({
    id,
    reference: `https://attack.mitre.org/techniques/${id}/`,
    ...(subs.size ? { subtechniques: [...subs].map((s) => ({ id: s })) } : {}),
  }));
  if (tactics.length === 0)
    return techList.length ? [{ framework: 'MITRE ATT&CK', techniques: techList }] : [];
  return tactics.map((tactic) => ({ framework: 'MITRE ATT&CK', tactic, techniques: techList }));
}
