/**
 * One measured configuration, run in its own process by `bench/run.ts` so that JIT state, heap and
 * peak RSS belong to that configuration alone. Prints one JSON line (`WorkerResult`) on stdout.
 *
 *   node dist/bench/worker.js '{"mode":"floor","file":"bench/out/x.jsonl"}'
 */
import { cliPath } from '../test/corpus.js';
import { ingestCount, loadRuleSet, profileScan, type ScanOutcome, Skip, scanFile } from './adapters.js';
import { huntMemory, huntStore, kustoColdStart, kustoParseOverhead, storeLoad } from './adapters-hunt.js';
import { huntFilesRun } from './adapters-hunt-files.js';
import { type RunScanConfig, runScanFile } from './adapters-scan.js';
import { runWithPeakRss } from './child-rss.js';
import { type FloorMode, runFloor, type SplitMode } from './floor.js';

export type WorkerConfig =
  | { readonly mode: 'floor'; readonly file: string; readonly floor?: FloorMode; readonly split?: SplitMode }
  | { readonly mode: 'events'; readonly file: string }
  | { readonly mode: 'scan'; readonly file: string; readonly rules: readonly string[]; readonly now?: number }
  | {
      readonly mode: 'scan-profile';
      readonly file: string;
      readonly rules: readonly string[];
      readonly now?: number;
    }
  | ({ readonly mode: 'run-scan' } & RunScanConfig)
  | { readonly mode: 'cli'; readonly args: readonly string[]; readonly events: number }
  | { readonly mode: 'kusto-cold'; readonly queries: readonly string[] }
  | { readonly mode: 'kusto-parse'; readonly queries: readonly string[]; readonly repeat: number }
  | {
      readonly mode: 'hunt';
      readonly file: string;
      readonly queries: readonly string[];
      readonly now: number;
    }
  | {
      readonly mode: 'hunt-files';
      readonly file: string;
      readonly queries: readonly string[];
      readonly now: number;
      readonly prefilter?: boolean;
    }
  | { readonly mode: 'store-load'; readonly file: string; readonly db: string; readonly keepRaw?: boolean }
  | {
      readonly mode: 'store-hunt';
      readonly db: string;
      readonly queries: readonly string[];
      readonly now: number;
      readonly repeat: number;
    };

export interface WorkerResult {
  readonly ok: boolean;
  readonly skipped?: string;
  readonly error?: string;
  /** Events processed in the timed part. */
  readonly events?: number;
  /** Seconds of the timed part (after module loading and rule loading). */
  readonly seconds?: number;
  /** Seconds spent before the timed part (imports, rule loading). */
  readonly setupSeconds?: number;
  /** Peak resident set size of this process, MB. */
  readonly rssMB?: number;
  /** Mode-specific figures (alerts, rows, per-query latencies...). */
  readonly info?: Record<string, unknown>;
}

const now = () => performance.now() / 1000;

async function run(cfg: WorkerConfig): Promise<WorkerResult> {
  const t0 = now();
  switch (cfg.mode) {
    case 'floor': {
      const r = runFloor(cfg.file, cfg.floor ?? 'both', cfg.split ?? 'string');
      return {
        ok: true,
        events: r.events,
        seconds: now() - t0,
        setupSeconds: 0,
        info: { bytes: r.bytes, checksum: r.checksum },
      };
    }
    case 'events': {
      await import('./adapters.js').then((m) => m.ingestEntry());
      const t1 = now();
      const r = await ingestCount(cfg.file);
      return {
        ok: true,
        events: r.events,
        seconds: now() - t1,
        setupSeconds: t1 - t0,
        info: { quarantined: r.quarantined },
      };
    }
    case 'scan': {
      const rules = await loadRuleSet(cfg.rules);
      const t1 = now();
      const r: ScanOutcome = await scanFile(cfg.file, rules.detections, cfg.now);
      return {
        ok: true,
        events: r.events,
        seconds: now() - t1,
        setupSeconds: t1 - t0,
        info: {
          rules: rules.detections.length,
          skippedRules: rules.skipped.length,
          ruleDiagnostics: rules.diagnostics.filter((d) => d.severity === 'error').length,
          alerts: r.alerts,
          scanPath: r.scanPath,
          rulesVia: rules.via,
        },
      };
    }
    case 'scan-profile': {
      const rules = await loadRuleSet(cfg.rules);
      const t1 = now();
      const r = await profileScan(cfg.file, rules.detections, cfg.now);
      return {
        ok: true,
        events: r.events,
        seconds: now() - t1,
        setupSeconds: t1 - t0,
        info: { perRule: r.perRule },
      };
    }
    case 'run-scan': {
      const r = await runScanFile(cfg);
      return { ok: true, events: r.events, seconds: r.seconds, setupSeconds: r.setupSeconds, info: r.info };
    }
    case 'cli': {
      // The real binary end to end (startup, rule loading, dedup, output); stdout discarded.
      const r = await runWithPeakRss(process.execPath, [cliPath, ...cfg.args]);
      // Exit codes: 0 no alerts, 1 alerts (src/cli/main.ts); anything else is a failure.
      if (r.status !== 0 && r.status !== 1)
        return {
          ok: false,
          error: `auditscope ${cfg.args[0]} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`,
        };
      return {
        ok: true,
        events: cfg.events,
        seconds: r.seconds,
        setupSeconds: 0,
        rssMB: r.peakRssMB,
        info: { exit: r.status },
      };
    }
    case 'kusto-cold': {
      const r = await kustoColdStart(cfg.queries[0] ?? 'print 1');
      return { ok: true, seconds: r.seconds, setupSeconds: 0, info: r.info };
    }
    case 'kusto-parse': {
      const r = await kustoParseOverhead(cfg.queries, cfg.repeat);
      return { ok: true, seconds: r.seconds, setupSeconds: r.setupSeconds, info: r.info };
    }
    case 'hunt': {
      const r = await huntMemory(cfg.file, cfg.queries, cfg.now);
      return { ok: true, events: r.events, seconds: r.seconds, setupSeconds: r.setupSeconds, info: r.info };
    }
    case 'hunt-files': {
      const r = await huntFilesRun(cfg.file, cfg.queries, cfg.now, cfg.prefilter ?? true);
      return { ok: true, events: r.events, seconds: r.seconds, setupSeconds: r.setupSeconds, info: r.info };
    }
    case 'store-load': {
      const r = await storeLoad(cfg.file, cfg.db, cfg.keepRaw !== false);
      return { ok: true, events: r.events, seconds: r.seconds, setupSeconds: r.setupSeconds, info: r.info };
    }
    case 'store-hunt': {
      const r = await huntStore(cfg.db, cfg.queries, cfg.now, cfg.repeat);
      return { ok: true, seconds: r.seconds, setupSeconds: r.setupSeconds, info: r.info };
    }
  }
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
  let res: WorkerResult;
  try {
    res = await run(cfg);
  } catch (e) {
    res =
      e instanceof Skip
        ? { ok: false, skipped: e.message }
        : { ok: false, error: ((e as Error).stack ?? String(e)).split('\n').slice(0, 4).join(' | ') };
  }
  const rssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`\n${JSON.stringify({ rssMB, ...res })}\n`);
}

await main();
