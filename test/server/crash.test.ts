import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventList, execEvent, getEvent, post, tempDir, token } from './fixtures.js';

function root(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** `auditscope serve` as a child process: from source under tsx, from dist when the tests are compiled. */
function serve(config: string): { child: ChildProcess; url: Promise<string> } {
  const args = ['serve', '--config', config, '--listen', '127.0.0.1:0'];
  const fromSource = import.meta.url.endsWith('.ts');
  const argv = fromSource
    ? [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { main } from ${JSON.stringify(join(root(), 'src/cli/main.ts'))}; process.exitCode = await main(${JSON.stringify(args)});`,
      ]
    : [join(root(), 'bin/auditscope.js'), ...args];
  const child = spawn(process.execPath, argv, { cwd: root(), stdio: ['ignore', 'ignore', 'pipe'] });
  const url = new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
  return { child, url };
}

const exited = (c: ChildProcess): Promise<void> =>
  new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', () => r())));

test('auditscope serve killed with SIGKILL mid-stream: after a restart nothing is lost or duplicated', async () => {
  const tmp = tempDir();
  const out = join(tmp.dir, 'sink.ndjson');
  const config = join(tmp.dir, 'auditscope.yaml');
  writeFileSync(
    config,
    `token: ${token}\ndata: ${JSON.stringify(join(tmp.dir, 'data'))}\ntickSeconds: 0\nsinks:\n  - type: ndjson\n    name: file\n    path: ${JSON.stringify(out)}\n`,
  );
  let s = serve(config);
  try {
    let url = await s.url;
    const batch1 = eventList([execEvent(1, 'eve'), getEvent(1, 'bob')]);
    const batch2 = eventList([execEvent(2, 'mallory'), execEvent(3, 'eve')]);
    assert.equal((await post(`${url}/audit/webhook`, batch1)).status, 200);
    s.child.kill('SIGKILL');
    await exited(s.child);
    s = serve(config);
    url = await s.url;
    assert.equal((await post(`${url}/audit/webhook`, batch1)).status, 200); // the API server's retry
    assert.equal((await post(`${url}/audit/webhook`, batch2)).status, 200);
    s.child.kill('SIGTERM'); // graceful: delivers before exiting
    await exited(s.child);
    s = serve(config);
    url = await s.url;
    const api = (await (await fetch(`${url}/api/alerts`)).json()) as { alerts: { id: string }[] };
    assert.equal(api.alerts.length, 3);
    s.child.kill('SIGTERM');
    await exited(s.child);
    const ids = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(ids.length, 3, 'every alert delivered');
    assert.equal(new Set(ids).size, 3, 'none twice');
    assert.deepEqual([...ids].sort(), api.alerts.map((a) => a.id).sort());
  } finally {
    if (s.child.exitCode === null) {
      s.child.kill('SIGKILL');
      await exited(s.child);
    }
    tmp.cleanup();
  }
});
