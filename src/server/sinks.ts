import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertStore, StoredAlert } from './alert-store.js';
import type { SinkConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';
import { readLines, SyncAppender, writeAtomic } from './wal.js';

/** Sends one batch; throws when the destination did not take all of it (the batch is retried). */
export type SendBatch = ((batch: readonly StoredAlert[]) => Promise<void>) & { close?: () => void };

const batchSize = 200;
const requestTimeoutMs = 15_000;

async function post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers,
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  return res;
}

/**
 * NDJSON file: one alert per line. Ids already in the file are skipped, so a batch written just
 * before a crash (cursor not yet saved) is not written twice.
 */
function ndjsonSink(path: string): SendBatch {
  const written = new Set<string>();
  for (const line of readLines(path)) {
    try {
      written.add((JSON.parse(line) as { id: string }).id);
    } catch {
      // not ours; keep appending
    }
  }
  const out = new SyncAppender(path);
  const send: SendBatch = async (batch) => {
    let text = '';
    for (const a of batch) {
      if (written.has(a.id)) continue;
      written.add(a.id);
      text += `${JSON.stringify(a)}\n`;
    }
    if (text) out.append(text);
  };
  send.close = () => out.close();
  return send;
}

/** Generic JSON webhook (Slack/Teams-style `text` plus the alerts). */
function webhookSink(url: string, headers: Readonly<Record<string, string>>): SendBatch {
  return async (batch) => {
    const lines = batch.map(
      (a) => `[${a.rule.severity}] ${a.rule.name} (${(a.entities?.users ?? []).join(', ')})`,
    );
    const res = await post(url, JSON.stringify({ text: lines.join('\n'), alerts: batch }), {
      'content-type': 'application/json',
      ...headers,
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  };
}

interface BulkItem {
  readonly [action: string]: { readonly status?: number; readonly error?: unknown } | undefined;
}

/**
 * Elasticsearch `_bulk` with `create` actions and the alert id as `_id`: a retried batch cannot
 * index an alert twice (409 conflict means already there, and counts as delivered).
 */
function elasticSink(url: string, index: string, headers: Readonly<Record<string, string>>): SendBatch {
  return async (batch) => {
    let body = '';
    for (const a of batch) {
      body += `${JSON.stringify({ create: { _index: index, _id: a.id } })}\n`;
      const { id, ...doc } = a;
      body += `${JSON.stringify({ ...doc, alert: { id } })}\n`;
    }
    const res = await post(`${url}/_bulk`, body, { 'content-type': 'application/x-ndjson', ...headers });
    const text = await res.text();
    if (!res.ok) throw new Error(`_bulk answered ${res.status}`);
    let parsed: { errors?: boolean; items?: BulkItem[] };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new Error('_bulk answered with invalid JSON');
    }
    if (!parsed.errors) return;
    for (const item of parsed.items ?? []) {
      const r = Object.values(item)[0];
      const status = r?.status ?? 0;
      if (status >= 300 && status !== 409) throw new Error(`_bulk item failed with status ${status}`);
    }
  };
}

function sendFor(c: SinkConfig): SendBatch {
  switch (c.type) {
    case 'ndjson':
      return ndjsonSink(c.path);
    case 'webhook':
      return webhookSink(c.url, c.headers);
    case 'elasticsearch':
      return elasticSink(c.url, c.index, c.headers);
  }
}

/**
 * Delivers the alert store to one sink, in order, at least once and (with the id checks above)
 * effectively once. Its cursor (`sinks/<name>.cursor`, count of delivered alerts) is saved after
 * every successful batch; on failure it waits (exponential backoff) and retries the same batch.
 * Ingestion never waits for a sink: undelivered alerts are simply the part of `alerts.ndjson`
 * past the cursor (the spool).
 */
export class SinkWorker {
  private cursor = 0;
  private readonly cursorPath: string;
  private readonly send: SendBatch;
  private stopped = false;
  private wake: (() => void) | undefined;
  private waiting = false;
  private idleWaiters: (() => void)[] = [];
  private loop: Promise<void> | undefined;
  lastError: string | undefined;

  constructor(
    readonly config: SinkConfig,
    dataDir: string,
    private readonly store: AlertStore,
    private readonly metrics: ServerMetrics,
    private readonly retry: { readonly baseMs: number; readonly maxMs: number },
  ) {
    this.cursorPath = join(dataDir, 'sinks', `${config.name}.cursor`);
    if (existsSync(this.cursorPath)) {
      const n = Number(readFileSync(this.cursorPath, 'utf8').trim());
      if (Number.isInteger(n) && n >= 0) this.cursor = Math.min(n, store.length);
    }
    this.send = sendFor(config);
    metrics.spool.track({ sink: config.name }, () => this.depth);
  }

  get depth(): number {
    return this.store.length - this.cursor;
  }

  start(): void {
    this.store.onAdd(() => {
      if (this.waiting) this.wake?.();
    });
    this.loop = this.run();
  }

  /** Resolves once everything stored so far is delivered (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      if (this.depth === 0) {
        for (const r of this.idleWaiters.splice(0)) r();
        this.waiting = true;
        await this.sleep(60_000);
        this.waiting = false;
        continue;
      }
      const batch = this.store.slice(this.cursor, this.cursor + batchSize);
      try {
        await this.send(batch);
        this.cursor += batch.length;
        writeAtomic(this.cursorPath, String(this.cursor));
        this.metrics.deliveries.inc({ sink: this.config.name }, batch.length);
        failures = 0;
        this.lastError = undefined;
      } catch (e) {
        failures++;
        this.lastError = (e as Error).message;
        this.metrics.failures.inc({ sink: this.config.name });
        const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** Math.min(failures - 1, 20));
        await this.sleep(delay);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.send.close?.();
    for (const r of this.idleWaiters.splice(0)) r();
  }
}
