/**
 * Benchmark adapter for the streamed file hunt, `huntFiles` of `src/detect/kusto/hunt.ts` (what
 * `auditscope hunt -f q.kql FILE` runs: table pruning, filter pushdown, byte prefilter; events are
 * never held). Imported at run time: a missing entry point is a `Skip`.
 */
import type { HuntFilesOptions, HuntFilesResult } from '../src/detect/kusto/hunt.js';
import { Skip } from './adapters.js';

const sec = () => performance.now() / 1000;

async function importOr(rel: string): Promise<Record<string, unknown>> {
  try {
    return (await import(new URL(rel, import.meta.url).href)) as Record<string, unknown>;
  } catch (e) {
    throw new Skip(`${rel.replace(/^\.\.\//, '')} failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
}

type HuntFilesFn = (q: string, inputs: readonly string[], o?: HuntFilesOptions) => Promise<HuntFilesResult>;

export interface FileHunt {
  /** Query only: parse (warm), stream the file, evaluate. */
  readonly seconds: number;
  /** Records read (the floor's count); `events` of them were parsed, the rest prefiltered. */
  readonly records: number;
  readonly events: number;
  readonly prefiltered: number;
  readonly rows: number;
  readonly duplicates: number;
  readonly error?: string;
}

/**
 * Runs each query with `huntFiles` over the file, one after the other in this process, the parser
 * warmed on every query first (its cold start is measured on its own). `events` = records read by
 * the first query, so with one query the ratio to the floor is per record of the file.
 * @example const r = await huntFilesRun(file, ['AKSAudit | count'], now); r.info.perQuery[0].rows
 */
export async function huntFilesRun(
  file: string,
  queries: readonly string[],
  now: number,
  prefilter = true,
): Promise<{ events: number; seconds: number; setupSeconds: number; info: Record<string, unknown> }> {
  const t0 = sec();
  const huntFiles = (await importOr('../src/detect/kusto/hunt.js')).huntFiles as HuntFilesFn | undefined;
  if (typeof huntFiles !== 'function') throw new Skip('src/detect/kusto/hunt.ts has no huntFiles()');
  const parseKusto = (await importOr('../src/lang/kusto/parse-kusto.js')).parseKusto;
  const kustoSchemas = (await importOr('../src/detect/kusto/catalog.js')).kustoSchemas;
  if (typeof parseKusto === 'function' && typeof kustoSchemas === 'function')
    for (const q of queries) parseKusto(q, kustoSchemas()); // warm: load the language service, JIT the front end
  const t1 = sec();
  const perQuery: FileHunt[] = [];
  for (const query of queries) {
    let quarantined = 0;
    const a = sec();
    const r = await huntFiles(query, [file], {
      now,
      prefilter,
      quarantine: () => {
        quarantined++;
      },
    });
    const seconds = sec() - a;
    const err = r.diagnostics.find((d) => d.severity === 'error');
    perQuery.push({
      seconds,
      records: r.stats?.records ?? 0,
      events: r.stats?.events ?? 0,
      prefiltered: r.stats?.prefiltered ?? 0,
      rows: r.result?.rows.length ?? -1,
      duplicates: r.duplicates,
      ...(err
        ? { error: `${err.code} ${err.message}` }
        : quarantined
          ? { error: `${quarantined} quarantined` }
          : {}),
    });
  }
  const first = perQuery[0];
  const parsedPct = first?.records ? (100 * first.events) / first.records : Number.NaN;
  return {
    events: first?.records ?? 0,
    seconds: sec() - t1,
    setupSeconds: t1 - t0,
    info: {
      hunter: `huntFiles (prefilter ${prefilter ? 'on' : 'off'})`,
      perQuery,
      // for the notes column of a one-query row
      rows: first?.rows,
      parsed: `${parsedPct.toFixed(1)}% of records parsed`,
      ...(first?.duplicates ? { duplicates: first.duplicates } : {}),
      ...(first?.error ? { error: first.error } : {}),
    },
  };
}
