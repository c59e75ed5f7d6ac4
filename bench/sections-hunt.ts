/** The `kusto` and `store` sections of the benchmark (hunting in memory and on DuckDB). */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetMeta } from './generate.js';
import { benchOutDir } from './generate.js';
import { interleave, type Measured, median, type Row, runWorker } from './measure.js';
import { floorConfig, header, nowFor, printRows, progress, results, say, why } from './report.js';
import type { SeedQuery } from './seed-queries.js';
import { fmtInt, fmtNum, formatTable } from './table.js';

export function kustoSection(
  main: { file: string; meta: DatasetMeta },
  queries: readonly SeedQuery[],
  rounds: number,
): void {
  header('kusto', `${queries.length} seed queries (seeds 003, 004); --now = last event + 1 h`);
  const cold: Measured[] = [];
  for (let i = 0; i < rounds; i++)
    cold.push(runWorker({ mode: 'kusto-cold', queries: [queries[0]?.text ?? 'print 1'] }));
  const okCold = cold.filter((r) => r.ok);
  if (okCold.length) {
    const info = okCold[0]?.info ?? {};
    say(
      `cold start (fresh process: lazy load + first parse), median of ${okCold.length}: ${fmtNum(median(okCold.map((r) => r.seconds ?? Number.NaN)), 3)} s ` +
        `(imports ${fmtNum(median(okCold.map((r) => Number(r.info?.loadSeconds))), 3)} s, first parse incl. loading @kusto/language-service-next ${fmtNum(median(okCold.map((r) => Number(r.info?.firstParseSeconds))), 3)} s; ${String(info.parser)})`,
    );
    results.push({
      section: 'kusto',
      name: 'cold start',
      seconds: median(okCold.map((r) => r.seconds ?? Number.NaN)),
      info,
    });
  } else say(`cold start: skipped: ${why(cold[0])}`);
  const parse = runWorker({ mode: 'kusto-parse', queries: queries.map((q) => q.text), repeat: 50 });
  const errs = (parse.info?.errors as string[] | undefined) ?? [];
  if (parse.ok)
    say(
      `per-query overhead once warm (median of 50 parses each): ${((parse.info?.perQueryMs as number[] | undefined) ?? []).map((x, i) => `${queries[i]?.name} ${fmtNum(x, 2)} ms${errs[i] ? ` (${errs[i]})` : ''}`).join(', ')}`,
    );
  else say(`per-query overhead: skipped: ${why(parse)}`);
  if (parse.ok) results.push({ section: 'kusto', name: 'per-query parse+lower (warm)', info: parse.info });
  const now = nowFor(main.meta);
  // What `auditscope hunt -f q.kql FILE` runs: huntFiles streams the file (pruning, pushdown, byte
  // prefilter); one query per process, so each row's throughput and peak RSS are that query's.
  const rows = interleave(
    floorConfig(main.file),
    queries.map((q) => ({
      name: `hunt ${q.name} (huntFiles)`,
      cfg: { mode: 'hunt-files', file: main.file, queries: [q.text], now },
      target: 0.6,
    })),
    rounds,
    progress,
  );
  printRows(rows);
  inMemorySecondary(main, queries, now, rows);
}

/** Above this many events the store section does not compare with the in-memory engine (it holds every event). */
const inMemoryStoreLimit = 1_000_000;

/** Above this many events the store section runs each seed hunt once and skips huntFiles. */
const bigStore = 2_000_000;

/** Above this many events the in-memory path (every event held) is not run: not cheap, and not what users run. */
const inMemoryLimit = 500_000;

/**
 * The old in-memory path (`readEvents` once + `huntEvents` per query), one run, as a secondary
 * line: its read rate against the floor median, per-query ms, and whether its row counts agree
 * with huntFiles (a differential check on the streamed path).
 */
function inMemorySecondary(
  main: { file: string; meta: DatasetMeta },
  queries: readonly SeedQuery[],
  now: number,
  rows: readonly Row[],
): void {
  if (main.meta.events > inMemoryLimit) {
    say(
      `in memory (readEvents + huntEvents): not run above ${fmtInt(inMemoryLimit)} events (holds every event)`,
    );
    return;
  }
  const r = runWorker({ mode: 'hunt', file: main.file, queries: queries.map((q) => q.text), now });
  if (!r.ok) {
    say(`in memory (readEvents + huntEvents): skipped: ${why(r)}`);
    return;
  }
  type PQ = { seconds: number; rows: number; error?: string };
  const mq = (r.info?.perQuery as PQ[] | undefined) ?? [];
  const read = Number(r.info?.readSeconds ?? Number.NaN);
  const floorEps = median(
    (rows[0]?.runs ?? []).filter((x) => x.ok).map((x) => (x.events ?? 0) / (x.seconds ?? Number.NaN)),
  );
  let differ = false;
  const perQ = queries.map((q, i) => {
    const fileRows = rows[i + 1]?.runs.find((x) => x.ok)?.info?.rows as number | undefined;
    const memRows = mq[i]?.rows;
    const d = fileRows !== undefined && memRows !== undefined && fileRows !== memRows;
    if (d) {
      differ = true;
      results.push({
        section: 'kusto',
        name: `rows DIFFER ${q.name}`,
        info: { huntFiles: fileRows, huntEvents: memRows },
      });
    }
    const ms = fmtNum((mq[i]?.seconds ?? Number.NaN) * 1000, 0);
    return `${q.name} ${ms} ms${d ? ` (rows DIFFER: huntEvents ${memRows}, huntFiles ${fileRows})` : ''}`;
  });
  const readEps = (r.events ?? 0) / read;
  say(
    `in memory, secondary (${String(r.info?.hunter)}, 1 run): readEvents ${fmtNum(read, 2)} s = ${fmtInt(readEps)} events/s = ${fmtNum(readEps / floorEps)}x the floor median; ` +
      `then per query ${perQ.join(', ')}; peak RSS ${fmtInt(r.rssMB)} MB; rows ${differ ? 'DIFFER (above)' : 'equal to huntFiles'}`,
  );
  results.push({
    section: 'kusto',
    name: 'in memory (readEvents + huntEvents), secondary',
    events: r.events,
    seconds: r.seconds,
    peakRssMB: r.rssMB,
    info: r.info,
  });
}

export function storeSection(
  d: { file: string; meta: DatasetMeta },
  storeEvents: number,
  queries: readonly SeedQuery[],
  /** Keep a store loaded by an earlier run (`--reuse-store`): skips the load measurement. */
  reuse = false,
  /** Interleaved rounds of [floor, load, load --no-raw] (one above 2M events: minutes per load). */
  rounds = 1,
): void {
  const db = join(benchOutDir, `store-${storeEvents}.duckdb`);
  const loadRounds = storeEvents > bigStore ? 1 : Math.max(1, rounds);
  header(
    'store',
    `DuckDB store, ${fmtInt(storeEvents)} events (loads: ${loadRounds} interleaved round(s), medians; --store-events 1000000 for the 1M targets)`,
  );
  if (reuse && existsSync(db)) say(`store load: not measured, reusing ${db} (--reuse-store)`);
  else {
    const rows = interleave(
      floorConfig(d.file),
      [
        { name: 'store load (loadFiles)', cfg: { mode: 'store-load', file: d.file, db }, target: 1.5 },
        {
          name: 'store load --no-raw',
          cfg: { mode: 'store-load', file: d.file, db: `${db}.noraw`, keepRaw: false },
          target: 1.5,
        },
      ],
      loadRounds,
      progress,
    );
    for (const f of [`${db}.noraw`, `${db}.noraw.wal`]) rmSync(f, { force: true });
    say(`  store file: ${fmtInt(existsSync(db) ? statSync(db).size / 2 ** 20 : 0)} MB`);
    printRows(rows);
    if (!rows[1]?.runs[0]?.ok) {
      say('  seed hunts on the store: skipped: no store was loaded');
      return;
    }
  }
  const now = nowFor(d.meta);
  const texts = queries.map((q) => q.text);
  // huntFiles (minutes per query over a multi-GB file) is compared at 1M only.
  const big = d.meta.events > bigStore;
  // Above 2M events each query ends in `| count`: the whole pipeline runs in SQL, but millions of
  // result rows (004#4 returns the whole table) are not moved into JS.
  const onStore = runWorker({
    mode: 'store-hunt',
    db,
    queries: big ? texts.map((t) => `${t}\n| count`) : texts,
    now,
    repeat: big ? 3 : 5,
  });
  if (big) {
    type PQ = { medianSeconds?: number; rows: number; count?: number; error?: string };
    say(
      `store hunts (${fmtInt(d.meta.events)} events; each query + "| count", median of 3): ${((onStore.info?.perQuery as PQ[] | undefined) ?? []).map((q, i) => `${queries[i]?.name} ${fmtNum((q.medianSeconds ?? Number.NaN) * 1000, 0)} ms${q.error ? ` ${q.error}` : ''}`).join(', ')}; peak RSS ${fmtInt(onStore.rssMB)} MB`,
    );
    if (!onStore.ok) say(`  store hunts: skipped: ${why(onStore)}`);
    say(`  huntFiles: not run above ${fmtInt(bigStore)} events (minutes per query); see the 1M run`);
    results.push({ section: 'store', name: 'seed hunts (big store)', info: onStore.info });
    return;
  }
  // What `auditscope hunt -f q.kql FILE` does on the same data: huntFiles streams the file per query.
  const fileCfg = { mode: 'hunt-files', file: d.file, queries: texts, now } as const;
  let onFile = runWorker(fileCfg);
  let heapNote = '';
  if (onFile.outOfMemory) {
    // A query keeping every row (004#4 projects the whole table) can outgrow V8's default heap.
    heapNote = ' (default heap ran out of memory; measured with --max-old-space-size=12288)';
    onFile = runWorker(fileCfg, ['--max-old-space-size=12288']);
  }
  // The in-memory engine on the same data: readEvents once, then each query over the held events.
  const onMem =
    d.meta.events <= inMemoryStoreLimit
      ? runWorker({ mode: 'hunt', file: d.file, queries: texts, now }, ['--max-old-space-size=16384'])
      : undefined;
  type PQ = {
    medianSeconds?: number;
    keptOpenSeconds?: number;
    seconds?: number;
    rows: number;
    error?: string;
    backend?: string;
  };
  const sq = (onStore.info?.perQuery as PQ[] | undefined) ?? [];
  const fq = (onFile.info?.perQuery as PQ[] | undefined) ?? [];
  const mq = (onMem?.info?.perQuery as PQ[] | undefined) ?? [];
  const readSeconds = Number(onMem?.info?.readSeconds ?? Number.NaN);
  const body = queries.map((q, i) => {
    const s = sq[i]?.medianSeconds;
    const k = sq[i]?.keptOpenSeconds;
    const f = fq[i]?.seconds;
    const speedupOpen = s && f ? f / s : Number.NaN;
    // Judged on the store kept open between hunts (as `serve` and a hunting session use it).
    const speedup = k && f ? f / k : speedupOpen;
    const m = mq[i]?.seconds;
    const vsMem = k && m ? m / k : Number.NaN;
    const vsMemRead = k && m ? (m + readSeconds) / k : Number.NaN;
    const rowsS = sq[i]?.rows;
    const rowsF = fq[i]?.rows;
    results.push({
      section: 'store',
      name: `seed hunt ${q.name}`,
      seconds: s,
      target: 50,
      info: {
        storeBackend: sq[i]?.backend,
        keptOpenSeconds: k,
        huntFilesSeconds: f,
        speedup,
        speedupOpenPerHunt: speedupOpen,
        inMemorySeconds: m,
        inMemoryReadSeconds: readSeconds,
        speedupVsInMemory: vsMem,
        speedupVsInMemoryInclRead: vsMemRead,
        rowsStore: rowsS,
        rowsHuntFiles: rowsF,
      },
    });
    return [
      q.name,
      s !== undefined ? fmtNum(s * 1000, 1) : '-',
      k !== undefined ? fmtNum(k * 1000, 1) : '-',
      sq[i]?.backend ?? '',
      f !== undefined ? fmtNum(f * 1000, 0) : '-',
      Number.isFinite(speedupOpen) ? `${fmtNum(speedupOpen, 1)}x` : '-',
      Number.isFinite(speedup) ? `${fmtNum(speedup, 1)}x` : '-',
      m !== undefined ? fmtNum(m * 1000, 0) : '-',
      Number.isFinite(vsMem) ? `${fmtNum(vsMem, 1)}x` : '-',
      Number.isFinite(vsMemRead) ? `${fmtNum(vsMemRead, 1)}x` : '-',
      '>=50x',
      Number.isFinite(speedup) ? (speedup >= 50 ? 'met' : 'MISSED') : '',
      `${rowsS ?? '-'} / ${rowsF ?? '-'}${rowsS !== undefined && rowsF !== undefined && rowsS !== rowsF ? ' DIFFER' : ''}`,
      sq[i]?.error ?? fq[i]?.error ?? '',
    ];
  });
  say();
  say(
    `store: median of 5 per query, parser warm (${String(onStore.info?.hunter ?? '-')}), opening the store per hunt (as one \`auditscope hunt --db\`) and kept open between hunts (as \`serve\`); file: one huntFiles run per query over ${d.file.split('/').pop()} (stream + query, parser warm)${heapNote}`,
  );
  say(
    formatTable(
      [
        'seed hunt',
        'store ms',
        'kept open ms',
        'backend',
        'huntFiles ms',
        'speedup',
        'kept open speedup',
        'in-memory ms',
        'x in-memory',
        'x in-memory incl. read',
        'target',
        '',
        'rows store/file',
        'error',
      ],
      body,
    ),
  );
  if (!onStore.ok) say(`  store hunts: skipped: ${why(onStore)}`);
  if (!onFile.ok) say(`  huntFiles hunts: skipped: ${why(onFile)}`);
  if (onMem?.ok)
    say(
      `  in-memory engine: readEvents ${fmtNum(readSeconds, 1)} s once (peak RSS ${fmtInt(onMem.rssMB)} MB), then each query over the held events (one run); "x in-memory" compares the store kept open with the query alone, "incl. read" with read + query`,
    );
  else if (onMem) say(`  in-memory engine: skipped: ${why(onMem)}`);
  else say(`  in-memory engine: not run above ${fmtInt(inMemoryStoreLimit)} events`);
  say(`  peak RSS MB: store hunts ${fmtInt(onStore.rssMB)}, huntFiles hunts ${fmtInt(onFile.rssMB)}`);
}
