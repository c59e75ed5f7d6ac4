import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { SIG } from '../../lang/sigma/codes.js';
import { parseSigmaFieldMappings, type SigmaUserFieldMapping } from '../../views/sigma-fields.js';
import { isSigmaPipeline, parsePipelineMappings } from './sigma-pipeline.js';

/**
 * Reads a user Sigma field-mapping file (`--sigma-mapping FILE`, YAML or JSON):
 * `fieldmappings: {SigmaName: audit.path}` and/or `logsources: [{product, service, fieldmappings}]`,
 * or a pySigma processing pipeline as sigma-cli takes it (`transformations:` with
 * `field_name_mapping` items, see `parsePipelineMappings`). Problems are SIG028 diagnostics
 * (errors; warnings for pipeline parts that are not applied); nothing throws.
 * @example const { mappings } = await readSigmaMappingFile('mapping.yml'); configureSigmaLoader({ mappings });
 */
export async function readSigmaMappingFile(
  file: string,
): Promise<{ mappings: SigmaUserFieldMapping[]; diagnostics: Diagnostic[] }> {
  const doc = await readYaml(file);
  if ('error' in doc) return { mappings: [], diagnostics: [problem(file, doc.error)] };
  if (isSigmaPipeline(doc.value)) {
    const p = parsePipelineMappings(doc.value);
    return {
      mappings: p.mappings,
      diagnostics: [
        ...p.problems.map((m) => problem(file, m)),
        ...p.ignored.map((m) => ({ ...problem(file, m), severity: 'warning' as const })),
      ],
    };
  }
  const { mappings, problems } = parseSigmaFieldMappings(doc.value);
  return { mappings, diagnostics: problems.map((p) => problem(file, p)) };
}

/**
 * Reads `|expand` placeholder values (`--sigma-placeholders FILE`): a mapping of placeholder name to
 * a value or a list of values, e.g. `admins: [alice, bob]`.
 * @example const { placeholders } = await readSigmaPlaceholdersFile('placeholders.yml');
 */
export async function readSigmaPlaceholdersFile(
  file: string,
): Promise<{ placeholders: Record<string, string[]>; diagnostics: Diagnostic[] }> {
  const doc = await readYaml(file);
  if ('error' in doc) return { placeholders: {}, diagnostics: [problem(file, doc.error)] };
  const v = doc.value;
  const placeholders: Record<string, string[]> = {};
  const diagnostics: Diagnostic[] = [];
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { placeholders, diagnostics: [problem(file, 'expected a mapping of placeholder name to values')] };
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const list = Array.isArray(x) ? x : [x];
    if (list.every((e) => typeof e === 'string' || typeof e === 'number')) placeholders[k] = list.map(String);
    else diagnostics.push(problem(file, `${k}: expected a string or a list of strings`));
  }
  return { placeholders, diagnostics };
}

async function readYaml(file: string): Promise<{ value: unknown } | { error: string }> {
  try {
    return { value: parse(await readFile(file, 'utf8')) as unknown };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] ?? 'unreadable' };
  }
}

const problem = (file: string, message: string): Diagnostic => ({
  code: SIG.badMapping,
  severity: 'error',
  message,
  file,
});
