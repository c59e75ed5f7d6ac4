/**
 * Benchmark adapter for the scan as users run it: `runScan` of `src/detect/run-scan.ts` (what
 * `auditscope scan` calls: dedup window, rule index, byte prefilter, alert enrichment). Rules are
 * loaded before the timed part and handed to `runScan` (its `rules` option), so `setup s` holds the
 * rule loading and the timed part is the scan itself. Imported at run time: missing means `Skip`.
 */
import type { LoadResult } from '../src/detect/detection.js';
import type { RunScanOptions, ScanResult } from '../src/detect/run-scan.js';
import { Skip } from './adapters.js';

const sec = () => performance.now() / 1000;

async function importOr(rel: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(new URL(rel, import.meta.url).href)) as Record<string, unknown>;
  } catch (e) {
    throw new Skip(
      `${what} (${rel.replace(/^\.\.\//, '')}) failed to load: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

function entry<T>(m: Record<string, unknown>, name: string, where: string): T {
  const f = m[name];
  if (typeof f !== 'function') throw new Skip(`${where} has no ${name}()`);
  return f as T;
}

export interface RunScanConfig {
  readonly file: string;
  /** Rule files and directories. */
  readonly rules: readonly string[];
  /** Load the package's built-in pack (`rules/`) first, as `auditscope scan` does by default. */
  readonly builtin?: boolean;
  /** The byte prefilter (runScan's default: on). */
  readonly prefilter?: boolean;
  readonly now?: number;
}

/**
 * One `runScan` over one file. `events` is the records read (the floor's count, prefiltered lines
 * included), so the ratio to the floor is per record of the file.
 * @example const r = await runScanFile({ file, rules: ['rules/'], prefilter: false }); r.info.alerts
 */
export async function runScanFile(
  cfg: RunScanConfig,
): Promise<{ events: number; seconds: number; setupSeconds: number; info: Record<string, unknown> }> {
  const t0 = sec();
  const scanMod = await importOr('../src/detect/run-scan.js', 'runScan');
  const runScan = entry<(o: RunScanOptions) => Promise<ScanResult>>(
    scanMod,
    'runScan',
    'src/detect/run-scan.ts',
  );
  const builtinRulesDir = entry<() => string>(scanMod, 'builtinRulesDir', 'src/detect/run-scan.ts');
  const loadRules = entry<(p: readonly string[]) => Promise<LoadResult>>(
    await importOr('../src/detect/load-rules.js', 'loadRules'),
    'loadRules',
    'src/detect/load-rules.ts',
  );
  // runScan configures the Sigma loader (default options) before loading; so does the bench.
  entry<(o: object) => void>(
    await importOr('../src/detect/sigma/sigma-loader.js', 'Sigma loader'),
    'configureSigmaLoader',
    'src/detect/sigma/sigma-loader.ts',
  )({});
  const rules = await loadRules([...(cfg.builtin ? [builtinRulesDir()] : []), ...cfg.rules]);
  if (rules.detections.length === 0)
    throw new Skip(`loadRules gave 0 detections (${rules.skipped[0]?.reason ?? 'no rules found'})`);
  const t1 = sec();
  const r = await runScan({
    inputs: [cfg.file],
    rulePaths: [],
    rules,
    ...(cfg.now !== undefined ? { now: cfg.now } : {}),
    ...(cfg.prefilter === false ? { prefilter: false } : {}),
  });
  const seconds = sec() - t1;
  const parsedPct = r.stats.records ? (100 * (r.stats.records - r.stats.prefiltered)) / r.stats.records : 0;
  return {
    events: r.stats.records,
    seconds,
    setupSeconds: t1 - t0,
    info: {
      rules: r.ruleStats.loaded,
      skippedRules: r.ruleStats.skipped.length,
      ruleErrors: r.ruleStats.errors,
      failedRules: r.ruleStats.failed,
      alerts: r.alerts.length,
      prefilter: r.prefilter.enabled
        ? `on, ${r.prefilter.clauses} clauses, ${parsedPct.toFixed(1)}% of records parsed`
        : cfg.prefilter === false
          ? 'off (asked)'
          : 'off (the rules give no plan)',
      duplicates: r.duplicates,
      quarantined: r.stats.quarantined,
    },
  };
}
