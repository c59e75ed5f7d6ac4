import type { SigmaUserFieldMapping } from './sigma-fields.js';

/**
 * Validates a parsed user mapping document. Accepted shapes:
 * `{fieldmappings: {...}}` (all log sources), or
 * `{logsources: [{product, service, category?, fieldmappings: {...}}, ...]}` (both may appear).
 * Values are an AuditEvent path or a list of them. Problems are returned, never thrown.
 * @example parseSigmaFieldMappings({ fieldmappings: { PodName: 'audit.objectRef.name' } }).mappings.length === 1
 */
export function parseSigmaFieldMappings(doc: unknown): {
  mappings: SigmaUserFieldMapping[];
  problems: string[];
} {
  const mappings: SigmaUserFieldMapping[] = [];
  const problems: string[] = [];
  if (!isRecord(doc)) return { mappings, problems: ['the mapping file must be a mapping (object)'] };
  const readMap = (v: unknown, where: string): Record<string, string | readonly string[]> | undefined =>
    readFieldMap(v, problems, {
      notMapping: `${where}: fieldmappings must be a mapping of field name to path`,
      badTarget: (k) => `${where}.${k}: expected a path or a list of paths`,
    });
  if (doc.fieldmappings !== undefined) {
    const m = readMap(doc.fieldmappings, 'fieldmappings');
    if (m) mappings.push({ fieldmappings: m });
  }
  if (doc.logsources !== undefined) {
    if (!Array.isArray(doc.logsources)) problems.push('logsources must be a list');
    else
      doc.logsources.forEach((entry: unknown, i: number) => {
        const where = `logsources[${i}]`;
        if (!isRecord(entry)) {
          problems.push(`${where}: expected a mapping`);
          return;
        }
        const logsource: { product?: string; service?: string; category?: string } = {};
        for (const k of ['product', 'service', 'category'] as const) {
          const v = entry[k];
          if (typeof v === 'string') logsource[k] = v;
          else if (v !== undefined) problems.push(`${where}.${k}: expected a string`);
        }
        const m = readMap(entry.fieldmappings, where + '.fieldmappings');
        if (m) mappings.push({ logsource, fieldmappings: m });
      });
  }
  if (doc.fieldmappings === undefined && doc.logsources === undefined)
    problems.push('expected `fieldmappings` or `logsources`');
  return { mappings, problems };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Reads a Sigma field mapping (`{SigmaName: target | [target, ...]}`, targets non-empty strings),
 * pushing the given messages to `problems` for a value that is not a mapping (then `undefined`)
 * and for each entry whose target is not a string or a list of strings (then left out).
 * @example readFieldMap({ a: 'b', c: 1 }, problems, msgs) // { a: 'b' }, one problem
 */
export function readFieldMap(
  v: unknown,
  problems: string[],
  messages: { readonly notMapping: string; readonly badTarget: (key: string) => string },
): Record<string, string | readonly string[]> | undefined {
  if (!isRecord(v)) {
    problems.push(messages.notMapping);
    return undefined;
  }
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, t] of Object.entries(v)) {
    if (typeof t === 'string' && t) out[k] = t;
    else if (Array.isArray(t) && t.length && t.every((x) => typeof x === 'string' && x))
      out[k] = t as string[];
    else problems.push(messages.badTarget(k));
  }
  return out;
}
