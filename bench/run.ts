/**
 * `npm run bench`: throughput of auditscope measured side by side with the JSON-parse floor of
 * the same synthetic file, in the same run (interleaved rounds, medians, one process per measured
 * configuration). See bench/README.md.
 *
 *   node dist/bench/run.js [--events N] [--store-events N] [--rounds R] [--only floor,sigma,...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { corpusDir, seedsDir } from '../test/corpus.js';
import { runFloor } from './floor.js';
import { benchOutDir, type DatasetMeta, ensureDataset } from './generate.js';
import { interleave } from './measure.js';
import { runPeers } from './peers.js';
import { floorConfig, header, nowFor, printProfile, printRows, progress, results, say } from './report.js';
import { kustoSection, storeSection } from './sections-hunt.js';
import { seedQueries } from './seed-queries.js';
import { writeSigmaVariants } from './sigma-variants.js';
import { fmtInt, fmtNum, formatTable } from './table.js';

const sections = ['floor', 'events', 'sigma', 'elastic', 'kusto', 'store', 'peers'] as const;
type Section = (typeof sections)[number];

interface Options {
  readonly events: number;
  readonly storeEvents: number;
  readonly rounds: number;
  readonly only: ReadonlySet<Section>;
  readonly reuseStore: boolean;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      'store-events': { type: 'string' },
      rounds: { type: 'string' },
      'reuse-store': { type: 'boolean' },
      only: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    say(
      'usage: node dist/bench/run.js [--events N] [--store-events N] [--rounds R] [--only SECTION[,SECTION]] [--reuse-store]',
    );
    say(`sections: ${sections.join(', ')}; env: BENCH_EVENTS, BENCH_STORE_EVENTS, BENCH_ROUNDS`);
    process.exit(0);
  }
  const num = (v: string | undefined, env: string | undefined, dflt: number) => {
    const n = Number((v ?? env ?? String(dflt)).replace(/_/g, ''));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive integer: ${v ?? env}`);
    return n;
  };
  const only = new Set<Section>();
  for (const o of values.only ?? [])
    for (const s of o.split(',')) {
      if (!(sections as readonly string[]).includes(s))
        throw new Error(`--only: unknown section '${s}' (${sections.join(', ')})`);
      only.add(s as Section);
    }
  const events = num(values.events, process.env.BENCH_EVENTS, 200_000);
  return {
    events,
    storeEvents: num(values['store-events'], process.env.BENCH_STORE_EVENTS, events),
    rounds: num(values.rounds, process.env.BENCH_ROUNDS, 3),
    only: only.size ? only : new Set(sections),
    reuseStore: values['reuse-store'] === true,
  };
}

function dataset(events: number): { file: string; meta: DatasetMeta } {
  const t0 = performance.now();
  const d = ensureDataset({ events, format: 'aks' });
  progress(
    `${d.cached ? 'using cached' : `generated (${((performance.now() - t0) / 1000).toFixed(1)} s)`} ${d.file}: ${fmtInt(d.meta.events)} synthetic AKS records, ${fmtInt(d.meta.bytes / 1e6)} MB`,
  );
  runFloor(d.file, 'lines'); // untimed: bring the file into the page cache before the first floor run
  return d;
}

/** Runs a section; an unexpected failure in the harness itself is reported and the run goes on. */
function guard(name: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    say(`\n## ${name}\nskipped: ${(e as Error).message.split('\n')[0]}`);
  }
}

function main(): void {
  const o = options(process.argv.slice(2));
  say(
    `# auditscope benchmark (synthetic data; ratios are same-run medians over ${o.rounds} interleaved rounds)`,
  );
  say(
    `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}, ${fmtInt(totalmem() / 2 ** 30)} GiB RAM, ${new Date().toISOString()}`,
  );
  const needMain = [...o.only].some((s) => s !== 'store');
  const data = needMain ? dataset(o.events) : undefined;
  const rounds = o.rounds;
  let queries: ReturnType<typeof seedQueries> = [];
  try {
    queries = seedQueries(seedsDir);
  } catch (e) {
    progress(`no seed queries: ${(e as Error).message}`);
  }

  if (data && o.only.has('floor'))
    guard('floor', () => {
      header(
        'floor',
        `one core; AKS records avg ${fmtInt(data.meta.bytes / data.meta.events)} B; "x floor" = events/s over the floor's events/s`,
      );
      printRows(
        interleave(
          floorConfig(data.file),
          [
            {
              name: 'read + split lines only',
              cfg: { mode: 'floor', file: data.file, floor: 'lines', split: 'bytes' },
            },
            {
              name: 'read + split + JSON.parse(outer)',
              cfg: { mode: 'floor', file: data.file, floor: 'outer', split: 'bytes' },
            },
            {
              name: 'floor, split on decoded text instead of bytes',
              cfg: { mode: 'floor', file: data.file, floor: 'both', split: 'string' },
            },
          ],
          rounds,
          progress,
        ),
      );
    });
  if (data && o.only.has('events'))
    guard('events', () => {
      header('events', 'ingest library (src/ingest), every record to a normalized AuditEvent, no rules');
      printRows(
        interleave(
          floorConfig(data.file),
          [{ name: 'ingest (no rules)', cfg: { mode: 'events', file: data.file }, target: 0.9 }],
          rounds,
          progress,
        ),
      );
    });
  if (data && o.only.has('sigma'))
    guard('sigma', () => {
      const src = join(corpusDir, 'sigmahq-rules', 'rules');
      const variants = join(benchOutDir, 'sigma-300');
      const n = writeSigmaVariants(src, variants, 10);
      header(
        'sigma',
        `scan = ingest + rules; runScan rows = the scan as \`auditscope scan\` runs it (dedup, rule index, byte prefilter, enrichment); ${n} synthetic variants written to ${variants}`,
      );
      const now = nowFor(data.meta);
      const scan = (rules: string[], extra: { prefilter?: boolean; builtin?: boolean } = {}) =>
        ({ mode: 'run-scan', file: data.file, rules, now, ...extra }) as const;
      printRows(
        interleave(
          floorConfig(data.file),
          [
            { name: 'runScan, 30 corpus rules (prefilter on)', cfg: scan([src]), target: 0.8 },
            {
              name: 'runScan, 30 corpus rules, prefilter: false',
              cfg: scan([src], { prefilter: false }),
              target: 0.8,
            },
            { name: `runScan, ${n} variants (prefilter on)`, cfg: scan([variants]), target: 0.55 },
            {
              name: `runScan, ${n} variants, prefilter: false`,
              cfg: scan([variants], { prefilter: false }),
              target: 0.55,
            },
            { name: 'runScan, built-in pack (rules/)', cfg: scan([], { builtin: true }) },
            {
              name: 'engine only: indexed-scan, 30 corpus rules',
              cfg: { mode: 'scan', file: data.file, rules: [src], now },
              note: 'no dedup, prefilter or enrichment',
            },
            {
              name: `engine only: indexed-scan, ${n} variants`,
              cfg: { mode: 'scan', file: data.file, rules: [variants], now },
              note: 'no dedup, prefilter or enrichment',
            },
            {
              name: 'auditscope scan CLI, 30 rules (wall, end to end)',
              cfg: {
                mode: 'cli',
                events: data.meta.events,
                args: [
                  'scan',
                  data.file,
                  '--no-builtin',
                  '--rules',
                  src,
                  '--output',
                  'ndjson',
                  '--quiet',
                  '--now',
                  new Date(now).toISOString(),
                ],
              },
              note: 'incl. startup, dedup, ndjson output',
            },
          ],
          rounds,
          progress,
        ),
      );
      // The Azure Activity Log rules of the pack only fire on Activity records: same rules, that file.
      const act = ensureDataset({ events: o.events, format: 'activity' });
      say();
      say(
        `same rules over ${fmtInt(act.meta.events)} synthetic Azure Activity Log records (floor = 1 JSON.parse per record)`,
      );
      printRows(
        interleave(
          {
            name: 'floor (read+split+JSON.parse)',
            cfg: { mode: 'floor', file: act.file, floor: 'both', split: 'bytes' },
          },
          [
            {
              name: 'runScan, 30 corpus rules, activity (prefilter on)',
              cfg: { mode: 'run-scan', file: act.file, rules: [src], now: nowFor(act.meta) },
            },
            {
              name: 'engine only: indexed-scan, 30 corpus rules, activity',
              cfg: { mode: 'scan', file: act.file, rules: [src], now: nowFor(act.meta) },
            },
          ],
          rounds,
          progress,
        ),
      );
    });
  if (data && o.only.has('elastic'))
    guard('elastic', () => {
      header('elastic', 'scan with the Elastic pack (TOML: KQL, EQL, threshold, new_terms...)');
      const src = join(corpusDir, 'elastic-detection-rules', 'rules');
      printRows(
        interleave(
          floorConfig(data.file),
          [
            {
              name: 'elastic, corpus pack',
              cfg: { mode: 'scan', file: data.file, rules: [src], now: nowFor(data.meta) },
            },
          ],
          rounds,
          progress,
        ),
      );
      printProfile(data.file, [src], nowFor(data.meta));
    });
  if (data && o.only.has('kusto')) guard('kusto', () => kustoSection(data, queries, rounds));
  if (o.only.has('store'))
    guard('store', () =>
      storeSection(dataset(o.storeEvents), o.storeEvents, queries, o.reuseStore, Math.min(o.rounds, 3)),
    );
  if (data && o.only.has('peers'))
    guard('peers', () => {
      header('peers', 'other engines on the same file, when installed (never required)');
      const rows = runPeers(data.file, join(corpusDir, 'sigmahq-rules', 'rules')).map((p) => [
        p.peer,
        p.status,
        p.seconds !== undefined ? fmtNum(p.seconds) : '-',
        p.seconds ? fmtInt(data.meta.events / p.seconds) : '-',
        p.detail ?? '',
      ]);
      say(formatTable(['peer', 'status', 's', 'events/s', 'detail'], rows));
    });
  const out = join(benchOutDir, 'last-run.json');
  mkdirSync(benchOutDir, { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, options: { ...o, only: [...o.only] }, results }, null, 1)}\n`,
  );
  say();
  say(`(machine-readable copy: ${out})`);
}

main();
