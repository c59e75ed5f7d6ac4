/** The `kusto` and `store` sections of the benchmark (hunting in memory and on DuckDB). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetMeta } from './generate.js';
import { benchOutDir } from './generate.js';
import { interleave, type Measured, median, runWorker } from './measure.js';
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
  printRows(
    interleave(
      floorConfig(main.file),
      queries.map((q) => ({
        name: `hunt ${q.name} (in memory)`,
        cfg: { mode: 'hunt', file: main.file, queries: [q.text], now },
        target: 0.6,
      })),
      rounds,
      progress,
    ),
  );
}

export function storeSection(
  d: { file: string; meta: DatasetMeta },
  storeEvents: number,
  queries: readonly SeedQuery[],
  /** Keep a store loaded by an earlier run (`--reuse-store`): skips the load measurement. */
  reuse = false,
): void {
  const db = join(benchOutDir, `store-${storeEvents}.duckdb`);
  header(
    'store',
    `DuckDB store, ${fmtInt(storeEvents)} events (one round; --store-events 1000000 for the 1M targets)`,
  );
  if (reuse && existsSync(db)) say(`store load: not measured, reusing ${db} (--reuse-store)`);
  else {
    const rows = interleave(
      floorConfig(d.file),
      [{ name: 'store load (loadFiles)', cfg: { mode: 'store-load', file: d.file, db }, target: 1.5 }],
      1,
      progress,
    );
    printRows(rows);
    if (!rows[1]?.runs[0]?.ok) {
      say('  seed hunts on the store: skipped: no store was loaded');
      return;
    }
  }
  const now = nowFor(d.meta);
  const texts = queries.map((q) => q.text);
  const onStore = runWorker({ mode: 'store-hunt', db, queries: texts, now, repeat: 5 });
  let inMem = runWorker({ mode: 'hunt', file: d.file, queries: texts, now });
  let heapNote = '';
  if (inMem.outOfMemory) {
    // The in-memory path holds every event; at millions of events it needs more than V8's default heap.
    heapNote = ' (default heap ran out of memory; measured with --max-old-space-size=12288)';
    inMem = runWorker({ mode: 'hunt', file: d.file, queries: texts, now }, ['--max-old-space-size=12288']);
  }
  type PQ = { medianSeconds?: number; seconds?: number; rows: number; error?: string; backend?: string };
  const sq = (onStore.info?.perQuery as PQ[] | undefined) ?? [];
  const mq = (inMem.info?.perQuery as PQ[] | undefined) ?? [];
  const read = Number(inMem.info?.readSeconds ?? 0);
  const body = queries.map((q, i) => {
    const s = sq[i]?.medianSeconds;
    const qm = mq[i]?.seconds;
    // What `auditscope hunt -f q FILE` pays: read the file's events, then the query.
    const m = qm !== undefined ? read + qm : undefined;
    const speedup = s && m ? m / s : Number.NaN;
    const rowsS = sq[i]?.rows;
    const rowsM = mq[i]?.rows;
    results.push({
      section: 'store',
      name: `seed hunt ${q.name}`,
      seconds: s,
      target: 50,
      info: {
        storeBackend: sq[i]?.backend,
        memoryQuerySeconds: qm,
        memoryFileHuntSeconds: m,
        speedup,
        rowsStore: rowsS,
        rowsMemory: rowsM,
      },
    });
    return [
      q.name,
      s !== undefined ? fmtNum(s * 1000, 1) : '-',
      sq[i]?.backend ?? '',
      qm !== undefined ? fmtNum(qm * 1000, 0) : '-',
      m !== undefined ? fmtNum(m * 1000, 0) : '-',
      Number.isFinite(speedup) ? `${fmtNum(speedup, 1)}x` : '-',
      '>=50x',
      Number.isFinite(speedup) ? (speedup >= 50 ? 'met' : 'MISSED') : '',
      `${rowsS ?? '-'} / ${rowsM ?? '-'}${rowsS !== undefined && rowsM !== undefined && rowsS !== rowsM ? ' DIFFER' : ''}`,
      sq[i]?.error ?? mq[i]?.error ?? '',
    ];
  });
  say();
  say(
    `in memory: ${String(inMem.info?.hunter ?? '-')}; reading the file's events took ${fmtNum(read, 2)} s (counted in each file hunt)${heapNote}`,
  );
  say(
    formatTable(
      [
        'seed hunt',
        'store ms',
        'backend',
        'mem query ms',
        'mem file hunt ms',
        'store speedup',
        'target',
        '',
        'rows store/mem',
        'error',
      ],
      body,
    ),
  );
  if (!onStore.ok) say(`  store hunts: skipped: ${why(onStore)}`);
  if (!inMem.ok) say(`  in-memory hunts: skipped: ${why(inMem)}`);
  say(`  peak RSS MB: store hunts ${fmtInt(onStore.rssMB)}, in-memory hunts ${fmtInt(inMem.rssMB)}`);
}
