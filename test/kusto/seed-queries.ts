import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedsDir } from '../corpus.js';

/**
 * The seed hunts, read verbatim from the seed documents (never retyped): each query is the text from
 * a line starting with its table name up to the line before the next prose line.
 */
function seedText(prefix: string): string {
  const name = readdirSync(seedsDir).find((f) => f.startsWith(prefix));
  if (!name) throw new Error(`seed ${prefix}* not found in ${seedsDir}`);
  return readFileSync(join(seedsDir, name), 'utf8');
}

/** The three Defender CloudAuditEvents sample queries of seed 003, in document order. */
export function defenderSeedQueries(): string[] {
  const text = seedText('003_');
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== 'CloudAuditEvents') continue;
    const q: string[] = [];
    for (let j = i; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (j > i && !l.startsWith('|')) break;
      q.push(l);
    }
    out.push(q.join('\n'));
  }
  return out;
}

/** The AKSAudit and AKSAuditAdmin queries of seed 004 (each on one line of the document). */
export function aksSeedQueries(): string[] {
  const text = seedText('004_');
  const out: string[] = [];
  for (const m of text.matchAll(/^(AKSAudit(?:Admin)? \|.*?ResponseStatusCode)/gm)) out.push(m[1] ?? '');
  return out;
}
