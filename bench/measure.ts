/**
 * Runs one configuration per child process (`process.execPath dist/bench/worker.js CONFIG`) and
 * gathers results over interleaved rounds: round 1 runs every configuration once, then round 2...,
 * so each round's ratios compare runs made under the same machine state. Medians are reported.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig, WorkerResult } from './worker.js';

// From source (node --import tsx bench/run.ts) the worker is worker.ts; from dist/, worker.js.
const workerScript = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url),
);

export interface Measured extends WorkerResult {
  /** Wall-clock seconds of the whole child process (startup included). */
  readonly wallSeconds: number;
  /** The child died of V8 heap exhaustion. */
  readonly outOfMemory?: boolean;
}

/**
 * Runs one configuration in a fresh process and returns its result.
 * @example const r = runWorker({ mode: 'floor', file }); r.seconds
 */
export function runWorker(cfg: WorkerConfig, extraArgs: readonly string[] = []): Measured {
  const t0 = performance.now();
  // tsx is only needed when the bench runs from source (node --import tsx bench/run.ts).
  const loader = workerScript.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const r = spawnSync(process.execPath, [...loader, ...extraArgs, workerScript, JSON.stringify(cfg)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ...(JSON.parse(last) as WorkerResult), wallSeconds };
  } catch {
    if (/heap out of memory|Reached heap limit/.test(r.stderr))
      return {
        ok: false,
        error: 'worker crashed: JavaScript heap out of memory',
        outOfMemory: true,
        wallSeconds,
      };
    const why = (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ');
    return { ok: false, error: `worker crashed: ${why}`, wallSeconds };
  }
}

export const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

export interface Config {
  readonly name: string;
  readonly cfg: WorkerConfig;
  readonly target?: number;
  readonly note?: string;
}

export interface Row {
  readonly name: string;
  readonly runs: Measured[];
  /** Per-round ratio floor seconds / this seconds (same events), when both ran. */
  readonly ratios: number[];
  readonly target?: number;
  readonly note?: string;
}

/**
 * Interleaves `rounds` rounds of [floor, ...configs]; ratios are taken per round against the floor
 * of that round. A configuration that is skipped or fails in round 1 is not run again.
 */
export function interleave(
  floor: Config,
  configs: readonly Config[],
  rounds: number,
  log: (s: string) => void,
  /** A configuration whose first run takes longer than this is not repeated (keeps the default run short). */
  slowSeconds = 20,
): Row[] {
  const all = [floor, ...configs];
  const rows: Row[] = all.map((c) => ({
    name: c.name,
    runs: [],
    ratios: [],
    target: c.target,
    note: c.note,
  }));
  for (let round = 0; round < rounds; round++) {
    const floorRun = runWorker(floor.cfg);
    rows[0]?.runs.push(floorRun);
    for (let i = 1; i < all.length; i++) {
      const row = rows[i]!;
      const first = row.runs[0];
      if (round > 0 && (!first?.ok || first.wallSeconds > slowSeconds)) continue;
      const c = all[i]!;
      log(`  round ${round + 1}/${rounds}: ${c.name}`);
      const r = runWorker(c.cfg);
      row.runs.push(r);
      if (r.ok && floorRun.ok && r.seconds && floorRun.seconds) {
        // Ratio of throughputs: (events / s) / (floor events / floor s).
        const ev = r.events && r.events > 0 ? r.events : (floorRun.events ?? 0);
        row.ratios.push(ev / r.seconds / ((floorRun.events ?? 0) / floorRun.seconds));
      }
    }
    rows[0]?.ratios.push(1);
  }
  return rows;
}
