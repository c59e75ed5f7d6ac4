import { spawnSync } from 'node:child_process';
import { cliPath } from './corpus.js';

/**
 * Runs the built CLI (`bin/auditscope.js`) with `args` and optional stdin, colour off.
 * @example const r = runCli(['scan', 'samples', '--quiet']); assert.equal(r.code, 0);
 */
export function runCli(
  args: string[],
  input?: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
