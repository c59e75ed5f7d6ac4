/**
 * The Kusto queries of the seed documents (`/work/shared/seeds/003_*.txt`, `004_*.txt`), extracted
 * at run time (the seeds are not copied into the repository).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SeedQuery {
  readonly name: string;
  readonly text: string;
}

/**
 * Multi-line queries start at a line naming a table (`CloudAuditEvents`) and run to the next blank
 * line; one-line queries start with `AKSAudit... |`. The 004 seed glues the next heading onto the
 * last query (`...ResponseStatusCodekubectl`); that scraping artifact is cut off here.
 * @example seedQueries('/work/shared/seeds').length // 5
 */
export function seedQueries(seedsDir: string): SeedQuery[] {
  const out: SeedQuery[] = [];
  const files = readdirSync(seedsDir)
    .filter((f) => /^00[34]_.*\.txt$/.test(f))
    .sort();
  for (const f of files) {
    const lines = readFileSync(join(seedsDir, f), 'utf8').split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (/^CloudAuditEvents\s*$/.test(line)) {
        const q: string[] = [];
        for (; i < lines.length && (lines[i] ?? '').trim() !== ''; i++) q.push(lines[i] ?? '');
        out.push({ name: `${f.slice(0, 3)}#${out.length + 1}`, text: q.join('\n') });
      } else if (/^(AKSAudit|AKSAuditAdmin)\s*\|/.test(line)) {
        out.push({
          name: `${f.slice(0, 3)}#${out.length + 1}`,
          text: line.replace(/(ResponseStatusCode)kubectl\s*$/, '$1'),
        });
      }
    }
  }
  return out;
}
