import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shared corpus of real public samples and rules lives: `../shared/corpus` beside the
 * repository (never copied into it; parts are Elastic License 2.0). `AUDITSCOPE_CORPUS` overrides.
 */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found');
}

export const repoRoot = findRepoRoot();
export const corpusDir = resolve(process.env.AUDITSCOPE_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus'));
export const seedsDir = resolve(join(corpusDir, '..', 'seeds'));

/** Absolute path of a corpus file, e.g. `corpus('falcosecurity-falco-k8s_audit/exec_pod.json')`. */
export const corpus = (rel: string): string => join(corpusDir, rel);

/** The built CLI entry point, for tests that run the real binary. */
export const cliPath = join(repoRoot, 'bin', 'auditscope.js');
