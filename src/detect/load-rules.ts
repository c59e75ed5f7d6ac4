import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Diagnostic } from '../diag/diagnostic.js';
import type { Detection, LoadResult } from './detection.js';
import { elasticLoader } from './elastic/elastic-loader.js';
import { kustoLoader } from './kusto/kusto-loader.js';
import { sigmaLoader } from './sigma/sigma-loader.js';

/**
 * A rule language's loader: says whether it reads a file, and turns its text into detections.
 * Each language module exports one; `loaders` below lists them in the order they are asked.
 */
export interface RuleLoader {
  readonly language: string;
  /** True when this loader reads the file (by extension and, if needed, a peek at the text). */
  accepts(file: string, text: string): boolean;
  load(file: string, text: string): Promise<LoadResult> | LoadResult;
}

/** Registered loaders, most specific first. Language modules add themselves here. */
const loaders: RuleLoader[] = [elasticLoader, kustoLoader, sigmaLoader];

const ruleExtensions = new Set(['.yml', '.yaml', '.toml', '.kql', '.json']);
const skipDirs = new Set([
  '.git',
  'node_modules',
  'tests',
  'test',
  'deprecated',
  'unsupported',
  'regression_data',
]);

/**
 * Loads every rule under the given files and directories (recursive), with every language's
 * loader. Files no loader accepts are reported in `skipped`; nothing throws on bad rules. Sigma
 * references (correlations, filters) resolve within one call.
 * @example const { detections, diagnostics } = await loadRules(['rules/']);
 */
export async function loadRules(paths: readonly string[]): Promise<LoadResult> {
  // Each load starts a fresh Sigma registry (same options): an earlier load's rules and filters
  // must not leak into this one (a long-lived process loads more than once: server, tests).
  sigmaLoader.reset();
  const out: LoadResult = { detections: [], diagnostics: [], skipped: [] };
  for (const p of paths) await loadPath(p, out, true);
  return out;
}

async function loadPath(p: string, out: LoadResult, explicit: boolean): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(p);
  } catch (e) {
    out.diagnostics.push(ioError(p, e));
    return;
  }
  if (st.isDirectory()) {
    const names = (await readdir(p)).sort();
    for (const name of names) {
      if (name.startsWith('.') || skipDirs.has(name)) continue;
      await loadPath(join(p, name), out, false);
    }
    return;
  }
  if (!explicit && !ruleExtensions.has(extname(p).toLowerCase())) return;
  if (/\.tests?\.(ya?ml|json|ndjson)$/i.test(p)) return; // rule test samples, read by `rules test`
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch (e) {
    out.diagnostics.push(ioError(p, e));
    return;
  }
  const loader = loaders.find((l) => l.accepts(p, text));
  if (!loader) {
    out.skipped.push({ file: p, reason: 'not a rule file of a supported language' });
    return;
  }
  const r = await loader.load(p, text);
  out.detections.push(...r.detections);
  out.diagnostics.push(...r.diagnostics);
  out.skipped.push(...r.skipped);
}

function ioError(file: string, e: unknown): Diagnostic {
  return { code: 'RUL001', severity: 'error', message: `cannot read rules: ${(e as Error).message}`, file };
}

export type { Detection };
