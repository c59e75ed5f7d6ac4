/**
 * How the benchmark reaches the library. Entry points are imported at run time by path so the
 * bench compiles and runs while other parts of the product are still landing: a missing module or
 * export becomes a `Skip` with the reason, printed as "skipped: ..." by the runner.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert } from '../src/alerts/alert.js';
import type { Detection, LoadResult } from '../src/detect/detection.js';
import type { Diagnostic } from '../src/diag/diagnostic.js';
import type { AuditEvent } from '../src/model/event.js';

/** A measurement that could not run, and why. */
export class Skip extends Error {}

interface SinkLike {
  event(ev: AuditEvent): void;
  quarantine(q: unknown): void;
}
type IngestFn = (inputs: readonly string[], sink: SinkLike, opts?: unknown) => Promise<unknown>;

async function importModule(rel: string): Promise<Record<string, unknown>> {
  const url = new URL(rel, import.meta.url).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(rel.replace(/^(\.\.\/)+/, '')))
      throw new Skip(`${rel.replace(/^\.\.\//, '')} not there yet`);
    throw new Skip(`${rel.replace(/^\.\.\//, '')} failed to load: ${err.message.split('\n')[0]}`);
  }
}

function fn<T>(m: Record<string, unknown>, name: string, where: string): T {
  const f = m[name];
  if (typeof f !== 'function') throw new Skip(`${where} has no ${name}()`);
  return f as T;
}

/**
 * The ingest library (`src/ingest/index.ts`, `ingest(inputs, sink, opts)`).
 * @example const ingest = await ingestEntry(); await ingest(['a.jsonl'], sink);
 */
export async function ingestEntry(): Promise<IngestFn> {
  const m = await importModule('../src/ingest/index.js');
  return fn<IngestFn>(m, 'ingest', 'src/ingest/index.ts');
}

/** Reads every event of a file with the ingest library; returns events and quarantined counts. */
export async function ingestCount(
  file: string,
  onEvent?: (ev: AuditEvent) => void,
): Promise<{ events: number; quarantined: number }> {
  const ingest = await ingestEntry();
  let events = 0;
  let quarantined = 0;
  await ingest([file], {
    event(ev) {
      events++;
      onEvent?.(ev);
    },
    quarantine() {
      quarantined++;
    },
  });
  return { events, quarantined };
}

interface RuleLoaderLike {
  accepts(file: string, text: string): boolean;
  load(file: string, text: string): Promise<LoadResult> | LoadResult;
}

/** Language loaders, for when `loadRules` has none registered yet (the bench then walks the files itself). */
const loaderCandidates = [
  ['../src/detect/sigma/sigma-loader.js', 'sigmaLoader'],
  ['../src/detect/sigma/index.js', 'sigmaLoader'],
  ['../src/detect/elastic/elastic-loader.js', 'elasticLoader'],
  ['../src/detect/kusto/kusto-loader.js', 'kustoLoader'],
] as const;

function walk(p: string, out: string[]): string[] {
  if (statSync(p).isDirectory()) {
    for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name), out);
  } else if (/\.(ya?ml|toml|kql)$/i.test(p)) out.push(p);
  return out;
}

async function loadDirect(paths: readonly string[]): Promise<LoadResult> {
  const loaders: RuleLoaderLike[] = [];
  for (const [rel, name] of loaderCandidates) {
    try {
      const m = await importModule(rel);
      const l = m[name] as RuleLoaderLike | undefined;
      if (l && typeof l.accepts === 'function' && typeof l.load === 'function') loaders.push(l);
    } catch (e) {
      if (!(e instanceof Skip)) throw e;
    }
  }
  const out: LoadResult = { detections: [], diagnostics: [], skipped: [] };
  for (const file of paths.flatMap((p) => walk(p, []))) {
    const text = readFileSync(file, 'utf8');
    const l = loaders.find((x) => x.accepts(file, text));
    if (!l) continue;
    const r = await l.load(file, text);
    out.detections.push(...r.detections);
    out.diagnostics.push(...r.diagnostics);
    out.skipped.push(...r.skipped);
  }
  return out;
}

/**
 * Rules from files with the product's `loadRules`; when it has no loader for them yet, the bench
 * calls the language loaders it can find directly (reported as `via` in the results).
 */
export async function loadRuleSet(paths: readonly string[]): Promise<LoadResult & { via: string }> {
  const m = await importModule('../src/detect/load-rules.js');
  const loadRules = fn<(p: readonly string[]) => Promise<LoadResult>>(
    m,
    'loadRules',
    'src/detect/load-rules.ts',
  );
  const res = await loadRules(paths);
  if (res.detections.length > 0) return { ...res, via: 'loadRules' };
  const direct = await loadDirect(paths);
  if (direct.detections.length > 0)
    return { ...direct, via: 'language loaders called directly (loadRules has none registered)' };
  const why = res.skipped[0]?.reason ?? res.diagnostics[0]?.message ?? 'no rules found';
  throw new Skip(
    `loadRules(${paths.map((p) => p.split('/').slice(-2).join('/')).join(', ')}) gave 0 detections (${why})`,
  );
}

export interface ScanOutcome {
  readonly scanPath: string;
  readonly events: number;
  readonly alerts: number;
  readonly diagnostics: number;
}

type IndexedScanFn = (
  rules: readonly Detection[],
  ctx: unknown,
) => { push(ev: AuditEvent): void; flush(): void };

/** The engine's indexed scan (`createIndexedScan`), when there. */
async function tryIndexedScan(): Promise<IndexedScanFn | undefined> {
  try {
    const m = await importModule('../src/engine/indexed-scan.js');
    return typeof m.createIndexedScan === 'function' ? (m.createIndexedScan as IndexedScanFn) : undefined;
  } catch (e) {
    if (e instanceof Skip) return undefined;
    throw e;
  }
}

/**
 * Scans a file with loaded detections, following the Detection contract (`applies` routes, each
 * runner gets every applicable event in order, then `flush`).
 */
export async function scanFile(
  file: string,
  detections: readonly Detection[],
  now?: number,
): Promise<ScanOutcome> {
  let alerts = 0;
  let diagnostics = 0;
  const ctx = {
    now,
    emit: (_a: Alert) => {
      alerts++;
    },
    report: (_d: Diagnostic) => {
      diagnostics++;
    },
  };
  const indexed = await tryIndexedScan();
  let push: (ev: AuditEvent) => void;
  let flush: () => void;
  if (indexed) {
    const scan = indexed(detections, ctx);
    push = (ev) => scan.push(ev);
    flush = () => scan.flush();
  } else {
    const runners = detections.map((d) => ({ d, r: d.createRunner(ctx) }));
    push = (ev) => {
      for (const x of runners) if (x.d.applies(ev)) x.r.push(ev);
    };
    flush = () => {
      for (const x of runners) x.r.flush();
    };
  }
  const { events } = await ingestCount(file, push);
  flush();
  return {
    events,
    alerts,
    diagnostics,
    scanPath: indexed ? 'engine/indexed-scan (rule index)' : 'every applicable rule per event',
  };
}

/**
 * Profiles a scan: time spent in each detection's `applies` + `push` (no rule index, so every
 * rule's full cost shows). Timer overhead inflates totals; use it to rank rules, not as throughput.
 */
export async function profileScan(
  file: string,
  detections: readonly Detection[],
  now?: number,
): Promise<{ events: number; perRule: { name: string; file?: string; ms: number; alerts: number }[] }> {
  const alerts = new Map<string, number>();
  const ctx = {
    now,
    emit: (a: Alert) => {
      alerts.set(a.rule.id, (alerts.get(a.rule.id) ?? 0) + 1);
    },
    report: (_d: Diagnostic) => {},
  };
  const runners = detections.map((d) => ({ d, r: d.createRunner(ctx), ms: 0 }));
  const { events } = await ingestCount(file, (ev) => {
    for (const x of runners) {
      const t = performance.now();
      if (x.d.applies(ev)) x.r.push(ev);
      x.ms += performance.now() - t;
    }
  });
  for (const x of runners) {
    const t = performance.now();
    x.r.flush();
    x.ms += performance.now() - t;
  }
  return {
    events,
    perRule: runners
      .map((x) => ({
        name: x.d.meta.name,
        file: x.d.meta.file,
        ms: x.ms,
        alerts: alerts.get(x.d.meta.id) ?? 0,
      }))
      .sort((a, b) => b.ms - a.ms),
  };
}
