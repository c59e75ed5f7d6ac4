/**
 * The ATT&CK Enterprise techniques and tactics auditscope knows, for `rules lint` (is a tag a real
 * id?) and `rules coverage` (matrix and Navigator layer). Maintained by hand: the Containers-platform
 * techniques, the cloud techniques the Azure Activity Log shows, and ids that public Kubernetes
 * rules use even when they fit badly (flagged with `containers: false`).
 */

export interface TacticInfo {
  readonly id: string;
  /** Sigma / Navigator short name, e.g. `privilege-escalation`. */
  readonly shortName: string;
  readonly name: string;
}

/** Matrix order (left to right). `stealth` and `defense-impairment` are the v18 halves of defense evasion. */
export const tactics: readonly TacticInfo[] = [
  { id: 'TA0043', shortName: 'reconnaissance', name: 'Reconnaissance' },
  { id: 'TA0042', shortName: 'resource-development', name: 'Resource Development' },
  { id: 'TA0001', shortName: 'initial-access', name: 'Initial Access' },
  { id: 'TA0002', shortName: 'execution', name: 'Execution' },
  { id: 'TA0003', shortName: 'persistence', name: 'Persistence' },
  { id: 'TA0004', shortName: 'privilege-escalation', name: 'Privilege Escalation' },
  { id: 'TA0005', shortName: 'defense-evasion', name: 'Defense Evasion' },
  { id: 'TA0006', shortName: 'credential-access', name: 'Credential Access' },
  { id: 'TA0007', shortName: 'discovery', name: 'Discovery' },
  { id: 'TA0008', shortName: 'lateral-movement', name: 'Lateral Movement' },
  { id: 'TA0009', shortName: 'collection', name: 'Collection' },
  { id: 'TA0011', shortName: 'command-and-control', name: 'Command and Control' },
  { id: 'TA0010', shortName: 'exfiltration', name: 'Exfiltration' },
  { id: 'TA0040', shortName: 'impact', name: 'Impact' },
];

/** Tactic names that map onto one of `tactics` (newer or alternative spellings). */
export const tacticAliases: Readonly<Record<string, string>> = {
  stealth: 'defense-evasion',
  'defense-impairment': 'defense-evasion',
};

export interface TechniqueInfo {
  readonly id: string;
  readonly name: string;
  /** Tactic short names. */
  readonly tactics: readonly string[];
  /** False when the technique is not on ATT&CK's Containers platform (a tag worth a second look). */
  readonly containers: boolean;
}

type Row = readonly [id: string, name: string, tactics: string, containers: boolean];

// id, name, tactics (space separated), Containers platform
const rows: readonly Row[] = [
  ['T1036', 'Masquerading', 'defense-evasion', true],
  ['T1036.005', 'Match Legitimate Resource Name or Location', 'defense-evasion', true],
  ['T1046', 'Network Service Discovery', 'discovery', true],
  ['T1053', 'Scheduled Task/Job', 'execution persistence privilege-escalation', true],
  ['T1053.007', 'Container Orchestration Job', 'execution persistence privilege-escalation', true],
  ['T1068', 'Exploitation for Privilege Escalation', 'privilege-escalation', true],
  ['T1069', 'Permission Groups Discovery', 'discovery', true],
  ['T1070', 'Indicator Removal', 'defense-evasion', true],
  ['T1078', 'Valid Accounts', 'defense-evasion persistence privilege-escalation initial-access', true],
  ['T1078.001', 'Default Accounts', 'defense-evasion persistence privilege-escalation initial-access', true],
  ['T1078.003', 'Local Accounts', 'defense-evasion persistence privilege-escalation initial-access', true],
  ['T1078.004', 'Cloud Accounts', 'defense-evasion persistence privilege-escalation initial-access', true],
  ['T1087', 'Account Discovery', 'discovery', true],
  ['T1098', 'Account Manipulation', 'persistence privilege-escalation', true],
  ['T1098.001', 'Additional Cloud Credentials', 'persistence privilege-escalation', false],
  ['T1098.006', 'Additional Container Cluster Roles', 'persistence privilege-escalation', true],
  ['T1110', 'Brute Force', 'credential-access', true],
  ['T1133', 'External Remote Services', 'persistence initial-access', true],
  ['T1134', 'Access Token Manipulation', 'defense-evasion privilege-escalation', false],
  ['T1190', 'Exploit Public-Facing Application', 'initial-access', true],
  ['T1204', 'User Execution', 'execution', true],
  ['T1204.003', 'Malicious Image', 'execution', true],
  ['T1485', 'Data Destruction', 'impact', true],
  ['T1489', 'Service Stop', 'impact', true],
  ['T1496', 'Resource Hijacking', 'impact', true],
  ['T1496.001', 'Compute Hijacking', 'impact', true],
  ['T1498', 'Network Denial of Service', 'impact', true],
  ['T1499', 'Endpoint Denial of Service', 'impact', true],
  ['T1525', 'Implant Internal Image', 'persistence', true],
  ['T1528', 'Steal Application Access Token', 'credential-access', true],
  ['T1543', 'Create or Modify System Process', 'persistence privilege-escalation', true],
  ['T1543.005', 'Container Service', 'persistence privilege-escalation', true],
  ['T1550', 'Use Alternate Authentication Material', 'defense-evasion lateral-movement', true],
  ['T1550.001', 'Application Access Token', 'defense-evasion lateral-movement', true],
  ['T1552', 'Unsecured Credentials', 'credential-access', true],
  ['T1552.001', 'Credentials In Files', 'credential-access', true],
  ['T1552.005', 'Cloud Instance Metadata API', 'credential-access', false],
  ['T1552.007', 'Container API', 'credential-access', true],
  ['T1556', 'Modify Authentication Process', 'credential-access defense-evasion persistence', false],
  ['T1557', 'Adversary-in-the-Middle', 'credential-access collection', false],
  ['T1562', 'Impair Defenses', 'defense-evasion', true],
  ['T1562.001', 'Disable or Modify Tools', 'defense-evasion', true],
  ['T1562.008', 'Disable or Modify Cloud Logs', 'defense-evasion', false],
  ['T1562.009', 'Safe Mode Boot', 'defense-evasion', false],
  ['T1572', 'Protocol Tunneling', 'command-and-control', false],
  ['T1609', 'Container Administration Command', 'execution', true],
  ['T1610', 'Deploy Container', 'defense-evasion execution', true],
  ['T1611', 'Escape to Host', 'privilege-escalation', true],
  ['T1612', 'Build Image on Host', 'defense-evasion', true],
  ['T1613', 'Container and Resource Discovery', 'discovery', true],
  ['T1649', 'Steal or Forge Authentication Certificates', 'credential-access', false],
];

/** Techniques by id (upper-case, `T1234` or `T1234.001`). */
export const techniques: ReadonlyMap<string, TechniqueInfo> = new Map(
  rows.map(([id, name, t, containers]) => [id, { id, name, tactics: t.split(' '), containers }]),
);

/**
 * Looks up a technique by id, case-insensitively.
 * @example techniqueInfo('t1609')?.name === 'Container Administration Command'
 */
export function techniqueInfo(id: string): TechniqueInfo | undefined {
  return techniques.get(id.toUpperCase());
}

/**
 * Normalizes a tactic given as a short name, a display name or an id to its short name.
 * @example tacticShortName('Privilege Escalation') === 'privilege-escalation'
 */
export function tacticShortName(t: string): string | undefined {
  const s = t
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  const direct = tactics.find((x) => x.shortName === s || x.id.toLowerCase() === s);
  if (direct) return direct.shortName;
  if (tacticAliases[s]) return s;
  // Sentinel spells tactics in PascalCase: PrivilegeEscalation, DefenseEvasion.
  const pascal = t.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  return (
    tactics.find((x) => x.shortName === pascal)?.shortName ?? (tacticAliases[pascal] ? pascal : undefined)
  );
}

/** The matrix column a tactic (or alias) is shown under. */
export const tacticColumn = (shortName: string): string => tacticAliases[shortName] ?? shortName;
