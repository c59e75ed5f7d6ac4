import { readFile } from 'node:fs/promises';
import type { RuleMeta } from './alert.js';

/**
 * Where an investigation guide lives, per rule language (auditscope's convention):
 * - Elastic TOML: `note`; Sigma and Kusto YAML: a top-level `guide:` custom attribute (markdown).
 *   Each loader keeps it in `RuleMeta.guide`;
 * - any rule: a sibling `<rule-file-stem>.md` (read here when the rule itself carries none).
 * @example (await ruleGuide(meta))?.includes('## Triage')
 */
export async function ruleGuide(meta: RuleMeta): Promise<string | undefined> {
  if (meta.guide) return meta.guide;
  if (!meta.file) return undefined;
  const md = meta.file.replace(/\.(ya?ml|toml|kql)$/i, '.md');
  if (md === meta.file) return undefined;
  return (await readFile(md, 'utf8').catch(() => undefined)) || undefined;
}

/** The meta with its guide filled in from a sibling markdown file when the rule carries none. */
export async function withGuide(meta: RuleMeta): Promise<RuleMeta> {
  if (meta.guide) return meta;
  const guide = await ruleGuide(meta);
  return guide ? { ...meta, guide } : meta;
}
