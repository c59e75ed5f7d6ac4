import { readFieldMap } from '../../views/sigma-field-mappings.js';
import type { SigmaUserFieldMapping } from '../../views/sigma-fields.js';

/** What a pySigma processing pipeline file yields for auditscope: field mappings and notes. */
export interface PipelineMappings {
  readonly mappings: SigmaUserFieldMapping[];
  /** The file cannot be used (wrong shape): errors. */
  readonly problems: string[];
  /** Parts auditscope does not apply (other transformation types, other rule conditions): warnings. */
  readonly ignored: string[];
}

type Logsource = { product?: string; service?: string; category?: string };

/**
 * True when a parsed mapping file is a pySigma processing pipeline (`sigma convert -p FILE`):
 * a top-level `transformations` list.
 * @example isSigmaPipeline({ name: 'p', transformations: [] }) === true
 */
export function isSigmaPipeline(doc: unknown): doc is Record<string, unknown> {
  return isRecord(doc) && 'transformations' in doc;
}

/**
 * The field mappings of a pySigma processing pipeline, the file format sigma-cli takes with `-p`:
 * each `type: field_name_mapping` transformation (`mapping: {SigmaName: target | [targets]}`),
 * limited by `rule_conditions` of `type: logsource` (one mapping per condition when they are
 * OR-ed, one merged log source when AND-ed, the pySigma default). Targets are auditscope field
 * names of the rule's log source or AuditEvent paths, as in auditscope's own mapping file (a list
 * of targets reads the first present, where pySigma ORs them: reported). Other
 * transformations and rule conditions are reported as ignored, and a transformation limited by a
 * condition auditscope cannot evaluate is not applied (applying it to every rule would be wrong).
 * Never throws.
 * @example
 * parsePipelineMappings({ transformations: [{ type: 'field_name_mapping', mapping: { Actor: 'user.username' } }] })
 *   .mappings[0].fieldmappings.Actor === 'user.username'
 */
export function parsePipelineMappings(doc: Record<string, unknown>): PipelineMappings {
  const mappings: SigmaUserFieldMapping[] = [];
  const problems: string[] = [];
  const ignored: string[] = [];
  const items = doc.transformations;
  if (!Array.isArray(items)) return { mappings, problems: ['transformations must be a list'], ignored };
  items.forEach((t: unknown, i: number) => {
    const where = `transformations[${i}]`;
    if (!isRecord(t)) {
      problems.push(`${where}: expected a mapping`);
      return;
    }
    const name = typeof t.id === 'string' ? `${where} (${t.id})` : where;
    if (t.type !== 'field_name_mapping') {
      ignored.push(
        `${name}: transformation type '${String(t.type)}' is not applied (only field_name_mapping)`,
      );
      return;
    }
    const fieldmappings = readMapping(t.mapping, name, problems);
    if (!fieldmappings) return;
    for (const [k, v] of Object.entries(fieldmappings))
      if (typeof v !== 'string')
        ignored.push(
          `${name}: '${k}' maps to ${v.length} fields; auditscope reads the first that is present (pySigma ORs them)`,
        );
    const conds = t.rule_conditions;
    if (conds === undefined) {
      mappings.push({ fieldmappings });
      return;
    }
    const list: unknown[] = Array.isArray(conds) ? conds : [conds];
    const sources: Logsource[] = [];
    for (const c of list) {
      const ls = isRecord(c) && c.type === 'logsource' ? logsourceOf(c) : undefined;
      if (!ls) {
        const type = isRecord(c) ? String(c.type) : typeof c;
        ignored.push(`${name}: rule condition '${type}' is not supported; transformation not applied`);
        return;
      }
      sources.push(ls);
    }
    if (t.rule_cond_expr !== undefined) {
      ignored.push(`${name}: rule_cond_expr is not supported; transformation not applied`);
      return;
    }
    if (t.rule_cond_op === 'or') for (const logsource of sources) mappings.push({ logsource, fieldmappings });
    else {
      const merged: Logsource = {};
      for (const s of sources)
        for (const k of ['product', 'service', 'category'] as const) {
          const v = s[k];
          if (v === undefined) continue;
          if (merged[k] !== undefined && merged[k] !== v) {
            ignored.push(
              `${name}: AND-ed log source conditions disagree on ${k}; transformation not applied`,
            );
            return;
          }
          merged[k] = v;
        }
      mappings.push({ logsource: merged, fieldmappings });
    }
  });
  return { mappings, problems, ignored };
}

function readMapping(
  v: unknown,
  where: string,
  problems: string[],
): Record<string, string | readonly string[]> | undefined {
  return readFieldMap(v, problems, {
    notMapping: `${where}: mapping must be a mapping of field name to target`,
    badTarget: (k) => `${where}.mapping.${k}: expected a field name or a list of them`,
  });
}

function logsourceOf(c: Record<string, unknown>): Logsource | undefined {
  const ls: Logsource = {};
  for (const k of ['product', 'service', 'category'] as const) {
    const v = c[k];
    if (typeof v === 'string') ls[k] = v;
    else if (v !== undefined && v !== null) return undefined;
  }
  return ls;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
