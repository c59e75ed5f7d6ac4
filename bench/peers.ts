/**
 * Peers, when installed on the machine (never required, never installed by the bench): each is
 * run on the same file and timed beside auditscope; otherwise the row says "not installed".
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface PeerRun {
  readonly peer: string;
  readonly status: 'ok' | 'not installed' | 'failed';
  readonly seconds?: number;
  readonly detail?: string;
}

export interface PeerSpec {
  readonly peer: string;
  readonly command: string;
  /** Arguments to run on the data file with the rules directory. */
  readonly args: (file: string, rules: string) => string[];
}

/** sigma-cli converts rules rather than scanning; rsigma and duckdb-kql evaluate over files. */
export const peerSpecs: readonly PeerSpec[] = [
  { peer: 'rsigma', command: 'rsigma', args: (file, rules) => ['eval', '--rules', rules, '--input', file] },
  {
    peer: 'sigma-cli',
    command: 'sigma',
    args: (_file, rules) => ['convert', '-t', 'duckdb', '--without-pipeline', rules],
  },
  { peer: 'duckdb-kql', command: 'duckdb-kql', args: (file) => [file] },
];

/**
 * Runs every installed peer once on the file (wall clock, output discarded).
 * @example for (const r of runPeers('x.jsonl', 'rules/')) console.log(r.peer, r.status);
 */
export function runPeers(file: string, rules: string): PeerRun[] {
  return peerSpecs.map((p) => {
    const exe = which(p.command);
    if (!exe) return { peer: p.peer, status: 'not installed' };
    const t0 = performance.now();
    const r = spawnSync(exe, p.args(file, rules), {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 600_000,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0)
      return { peer: p.peer, status: 'failed', seconds, detail: (r.stderr ?? '').trim().split('\n')[0] };
    return { peer: p.peer, status: 'ok', seconds, detail: `${exe} ${p.args('FILE', 'RULES').join(' ')}` };
  });
}
