import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { groupIncidents } from '../alerts/incidents.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import { loadRules } from '../detect/load-rules.js';
import type { ServeConfig } from './config.js';
import { diagnosticJson, runHunt, schemaOf, timelineOf } from './hunt-api.js';
import { bearerOk, packageRoot, readBody, sendJson, sendText, serveStatic, TooLarge } from './http-util.js';
import { SavedHunts, scheduleHunt } from './saved-hunts.js';
import { AuditService } from './service.js';
import { alertId } from './stream-detector.js';

/** A running `auditscope serve`. */
export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly service: AuditService;
  /** Rule-loading diagnostics. */
  readonly diagnostics: readonly Diagnostic[];
  /** Stops listening, waits up to `drainMs` (default 0) for the sinks to deliver, then stops. */
  close(drainMs?: number): Promise<void>;
}

const apiBodyLimit = 1024 * 1024;

interface Ctx {
  readonly config: ServeConfig;
  readonly service: AuditService;
  readonly hunts: SavedHunts;
  readonly webRoot: string;
}

type Obj = Record<string, unknown>;
const asObj = (text: string): Obj | undefined => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
  } catch {
    return undefined;
  }
};
const strField = (o: Obj, k: string): string | undefined =>
  typeof o[k] === 'string' ? (o[k] as string) : undefined;

async function ingestRoute(
  ctx: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  source: string,
): Promise<number> {
  if (req.method !== 'POST') return reply(res, 405, { error: 'use POST' });
  if (!bearerOk(req, ctx.config.token)) {
    res.setHeader('www-authenticate', 'Bearer');
    return reply(res, 401, { error: 'missing or wrong bearer token' });
  }
  const body = await readBody(req, ctx.config.maxBodyBytes);
  const r = await ctx.service.receive(source, body);
  return reply(res, 200, r);
}

function reply(res: ServerResponse, status: number, body: unknown): number {
  sendJson(res, status, body);
  return status;
}

function list(v: string | null): string[] | undefined {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

async function apiRoute(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  const { service } = ctx;
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /api/alerts': {
      const since = url.searchParams.get('since');
      const sinceMs = since ? Date.parse(since) : undefined;
      if (sinceMs !== undefined && Number.isNaN(sinceMs))
        return reply(res, 400, { error: 'since: not an ISO time' });
      const severity = list(url.searchParams.get('severity'));
      const rule = url.searchParams.get('rule');
      const user = url.searchParams.get('user');
      const alerts = service.store.query({
        ...(severity ? { severity } : {}),
        ...(rule ? { rule } : {}),
        ...(user ? { user } : {}),
        ...(sinceMs !== undefined ? { since: sinceMs } : {}),
      });
      return reply(res, 200, { alerts, total: service.store.length });
    }
    case 'GET /api/incidents': {
      const incidents = groupIncidents(service.store.liveAlerts()).map((i) => ({
        id: i.id,
        title: i.title,
        severity: i.severity,
        riskScore: i.riskScore,
        start: i.start,
        end: i.end,
        entities: i.entities,
        links: i.links,
        tactics: i.tactics,
        techniques: i.techniques,
        timeline: i.timeline,
        alerts: i.alerts.map(alertId),
      }));
      incidents.reverse();
      return reply(res, 200, { incidents });
    }
    case 'POST /api/hunt': {
      const o = asObj(await readBody(req, apiBodyLimit));
      const query = o && strField(o, 'query');
      if (!o || query === undefined) return reply(res, 400, { error: 'expected {"query": "..."}' });
      const nowText = strField(o, 'now');
      const now = nowText ? Date.parse(nowText) : undefined;
      if (now !== undefined && Number.isNaN(now)) return reply(res, 400, { error: 'now: not an ISO time' });
      const useDb = o.source === 'db';
      if (useDb && !ctx.config.db) return reply(res, 400, { error: 'no --db store configured' });
      const r = await runHunt(query, service.detector.window, {
        ...(now !== undefined ? { now } : {}),
        ...(useDb && ctx.config.db ? { db: ctx.config.db } : {}),
      });
      return reply(res, 200, r);
    }
    case 'GET /api/schema':
      return reply(res, 200, { ...schemaOf(service.detector.window), db: ctx.config.db !== undefined });
    case 'GET /api/timeline': {
      const user = url.searchParams.get('user');
      if (!user) return reply(res, 400, { error: 'user: required' });
      return reply(res, 200, { user, rows: timelineOf(service.detector.window, user) });
    }
    case 'GET /api/saved-hunts':
      return reply(res, 200, { hunts: ctx.hunts.list() });
    case 'POST /api/saved-hunts': {
      const o = asObj(await readBody(req, apiBodyLimit));
      const name = o && strField(o, 'name');
      const query = o && strField(o, 'query');
      if (!o || !name || query === undefined) return reply(res, 400, { error: 'expected {"name", "query"}' });
      const err = ctx.hunts.save(name, query, strField(o, 'description') ?? '');
      if (err) return reply(res, 400, { error: err });
      return reply(res, 201, { saved: name });
    }
    case 'POST /api/detections': {
      const o = asObj(await readBody(req, apiBodyLimit));
      const name = o && strField(o, 'hunt');
      if (!o || !name)
        return reply(res, 400, { error: 'expected {"hunt": NAME, "severity"?, "frequency"?, "period"?}' });
      const hunt = ctx.hunts.get(name);
      if (!hunt) return reply(res, 404, { error: `no saved hunt '${name}'` });
      const r = await scheduleHunt(ctx.config.dataDir, {
        name: hunt.name,
        query: hunt.query,
        description: hunt.description,
        ...(strField(o, 'severity') ? { severity: strField(o, 'severity') } : {}),
        ...(strField(o, 'frequency') ? { frequency: strField(o, 'frequency') } : {}),
        ...(strField(o, 'period') ? { period: strField(o, 'period') } : {}),
      });
      const diagnostics = r.diagnostics.map((d) => diagnosticJson(d, d.source ?? ''));
      if (!r.detection) return reply(res, 400, { error: 'the hunt cannot be scheduled', diagnostics });
      const alerts = await service.addDetection(r.detection);
      return reply(res, 201, { id: r.detection.meta.id, file: r.file, alerts, diagnostics });
    }
    case 'GET /api/status':
      return reply(res, 200, {
        rules: service.detector.rules,
        events: service.detector.window.length,
        alerts: service.store.length,
        sinks: service.sinks.map((s) => ({
          name: s.config.name,
          type: s.config.type,
          spool: s.depth,
          lastError: s.lastError ?? null,
        })),
        diagnostics: service.diagnostics.slice(-50).map((d) => diagnosticJson(d, '')),
      });
    default:
      return reply(res, 404, { error: `no route ${route}` });
  }
}

async function handle(
  ctx: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ route: string; status: number }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const p = url.pathname;
  try {
    if (p === '/audit/webhook') return { route: p, status: await ingestRoute(ctx, req, res, 'webhook') };
    if (p === '/ingest') return { route: p, status: await ingestRoute(ctx, req, res, 'ingest') };
    if (p === '/healthz') {
      sendText(res, 200, 'ok\n');
      return { route: p, status: 200 };
    }
    if (p === '/metrics') {
      sendText(res, 200, ctx.service.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
      return { route: p, status: 200 };
    }
    if (p.startsWith('/api/')) return { route: p, status: await apiRoute(ctx, req, res, url) };
    if (req.method === 'GET' && (await serveStatic(res, ctx.webRoot, p)))
      return { route: 'static', status: 200 };
    return { route: 'other', status: reply(res, 404, { error: 'not found' }) };
  } catch (e) {
    const route = p.startsWith('/api/') || p === '/ingest' || p === '/audit/webhook' ? p : 'other';
    if (e instanceof TooLarge) {
      res.setHeader('connection', 'close');
      return { route, status: reply(res, 413, { error: 'request body too large' }) };
    }
    if (!res.headersSent) reply(res, 500, { error: (e as Error).message });
    else res.destroy();
    return { route, status: 500 };
  }
}

/**
 * Starts `auditscope serve`: loads the rules (built-in pack, `--rules`, hunts scheduled earlier),
 * replays the spool, starts the sinks and the tick, then listens.
 * @example const s = await startServer(configFrom({ token, data: dir, listen: '127.0.0.1:0' })); await s.close();
 */
export async function startServer(config: ServeConfig): Promise<RunningServer> {
  const scheduled = join(config.dataDir, 'detections');
  const rules = await loadRules([
    ...(config.builtin ? [config.builtin] : []),
    ...config.rulePaths,
    ...(existsSync(scheduled) ? [scheduled] : []),
  ]);
  const service = new AuditService(config, rules.detections);
  await service.start();
  const root = packageRoot();
  const ctx: Ctx = {
    config,
    service,
    hunts: new SavedHunts(config.dataDir, config.builtin ? join(config.builtin, 'hunts') : undefined),
    webRoot: join(root, 'web'),
  };
  const server: Server = createServer((req, res) => {
    const started = performance.now();
    void handle(ctx, req, res).then(({ route, status }) => {
      service.metrics.requests.inc({ route, code: String(status) });
      service.metrics.latency.observe({ route }, (performance.now() - started) / 1000);
    });
  });
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    service,
    diagnostics: rules.diagnostics,
    async close(drainMs = 0) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (drainMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          service.delivered(),
          new Promise<void>((r) => {
            timer = setTimeout(r, drainMs);
          }),
        ]);
        clearTimeout(timer);
      }
      await service.close();
      if (config.db) await (await import('../store/reader-cache.js')).closeStoreReaders();
    },
  };
}
