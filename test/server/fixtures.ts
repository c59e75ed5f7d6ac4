import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRulesDir } from '../../src/cli/commands/scan.js';
import { configFrom, type RunningServer, startServer } from '../../src/server/index.js';

export const token = 'test-token-0123456789abcdef';

/** A synthetic audit Event (auditscope-authored, not a real capture): `kubectl exec` into a pod. */
export function execEvent(i: number, user: string, minute = 0): Record<string, unknown> {
  const t = new Date(Date.UTC(2026, 10, 20, 10, minute, i % 60)).toISOString();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `exec-${i}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/pods/web-${i}/exec?command=sh`,
    verb: 'create',
    user: { username: user, groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.9'],
    userAgent: 'kubectl/v1.29.0',
    objectRef: {
      resource: 'pods',
      subresource: 'exec',
      namespace: 'default',
      name: `web-${i}`,
      apiVersion: 'v1',
    },
    responseStatus: { code: 101 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
  };
}

/** A synthetic harmless read (no rule fires). */
export function getEvent(i: number, user: string): Record<string, unknown> {
  const t = new Date(Date.UTC(2026, 10, 20, 9, 0, i % 60)).toISOString();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `get-${i}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/configmaps/app',
    verb: 'get',
    user: { username: user },
    sourceIPs: ['10.0.0.7'],
    userAgent: 'kubectl/v1.29.0',
    objectRef: { resource: 'configmaps', namespace: 'default', name: 'app', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
  };
}

/** An `audit.k8s.io/v1` EventList, as the kube-apiserver webhook backend posts it. */
export const eventList = (items: readonly Record<string, unknown>[]): string =>
  JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-serve-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a real server on 127.0.0.1 (random port) over `dataDir`, with the built-in pack. */
export function start(dataDir: string, extra: Record<string, unknown> = {}): Promise<RunningServer> {
  return startServer(
    configFrom(
      { token, tickSeconds: 0, retryBaseMs: 20, retryMaxMs: 200, ...extra },
      { data: dataDir, listen: '127.0.0.1:0', builtin: builtinRulesDir() },
    ),
  );
}

export function post(url: string, body: string, auth = token): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
  });
}

/** A fake Elasticsearch `_bulk` endpoint on 127.0.0.1: answers the first `failFirst` requests with 500. */
export async function fakeElastic(failFirst: number): Promise<{
  url: string;
  requests: number;
  docs: Map<string, Record<string, unknown>>;
  duplicates: number;
  close(): Promise<void>;
}> {
  const { createServer } = await import('node:http');
  const state = {
    url: '',
    requests: 0,
    docs: new Map<string, Record<string, unknown>>(),
    duplicates: 0,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      if (req.url !== '/_bulk' || state.requests <= failFirst) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"unavailable"}');
        return;
      }
      const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
      const items: unknown[] = [];
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const action = JSON.parse(lines[i]!) as { create: { _id: string; _index: string } };
        const id = action.create._id;
        if (state.docs.has(id)) {
          state.duplicates++;
          items.push({ create: { _id: id, status: 409 } });
        } else {
          state.docs.set(id, JSON.parse(lines[i + 1]!) as Record<string, unknown>);
          items.push({ create: { _id: id, status: 201 } });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: items.some((x) => JSON.stringify(x).includes('409')), items }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as import('node:net').AddressInfo;
  state.url = `http://127.0.0.1:${addr.port}`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}
