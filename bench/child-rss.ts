/**
 * Runs a command and samples its peak resident set size (Linux `VmHWM` in /proc/PID/status) while
 * it runs; elsewhere the peak is unknown (undefined).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ChildRun {
  readonly status: number | null;
  readonly seconds: number;
  readonly stderr: string;
  readonly peakRssMB?: number;
}

function vmHwmKB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @example const r = await runWithPeakRss(process.execPath, ['-e', '1']); r.peakRssMB
 */
export function runWithPeakRss(
  cmd: string,
  args: readonly string[],
  timeoutMs = 1_800_000,
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    let peak: number | undefined;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 64 << 10) stderr += s;
    });
    const sample = () => {
      const kb = child.pid ? vmHwmKB(child.pid) : undefined;
      if (kb !== undefined) peak = Math.max(peak ?? 0, kb);
    };
    const timer = setInterval(sample, 50);
    child.on('exit', () => sample());
    child.on('close', (status) => {
      clearInterval(timer);
      resolve({
        status,
        seconds: (performance.now() - t0) / 1000,
        stderr,
        peakRssMB: peak === undefined ? undefined : peak / 1024,
      });
    });
    child.on('error', () => {
      clearInterval(timer);
      resolve({
        status: null,
        seconds: (performance.now() - t0) / 1000,
        stderr: `cannot run ${cmd}`,
        peakRssMB: peak,
      });
    });
  });
}
