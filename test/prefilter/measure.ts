/**
 * Measures the byte prefilter against the parse floor (performance.md §8), same-run ratios, each
 * configuration in its own process, rounds interleaved (not a pass/fail test; timings never are):
 *
 *   node dist/bench/generate.js --events 200000 --format aks --out /tmp/k200k.jsonl
 *   node dist/test/prefilter/measure.js /tmp/k200k.jsonl [RULES_DIR] [ROUNDS]
 *
 * Configurations: floor (bench/floor.ts: read + split + 2x JSON.parse); engine = ingest + the
 * rule index (as the bench's sigma row), without and with the prefilter; runScan = the whole scan
 * (dedup, enrichment), without and with it. Default rules: the 30 SigmaHQ corpus rules.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runFloor } from '../../bench/floor.js';
import { compilePrefilter } from '../../src/engine/prefilter.js';
import { createIndexedScan } from '../../src/engine/indexed-scan.js';
import { loadRules } from '../../src/detect/load-rules.js';
import { runScan } from '../../src/detect/run-scan.js';
import { prefilterPlan } from '../../src/detect/scan-prefilter.js';
import { ingest } from '../../src/ingest/index.js';
import { corpus } from '../corpus.js';

const configs = ['floor', 'engine', 'engine+prefilter', 'runScan', 'runScan+prefilter'] as const;
type Config = (typeof configs)[number];
interface Run {
  config: Config;
  s: number;
  records: number;
  parsed: number;
  alerts: number;
}

async function once(config: Config, file: string, rules: string): Promise<Run> {
  if (config === 'floor') {
    const t = performance.now();
    const r = runFloor(file, 'both', 'bytes');
    return { config, s: (performance.now() - t) / 1000, records: r.events, parsed: r.events, alerts: 0 };
  }
  const loaded = await loadRules([rules]);
  const prefilter = config.endsWith('+prefilter');
  const t = performance.now();
  if (config.startsWith('engine')) {
    let alerts = 0;
    const scan = createIndexedScan(loaded.detections, { emit: () => alerts++, report: () => {} });
    const lineFilter = prefilter ? compilePrefilter(prefilterPlan(loaded.detections)) : undefined;
    const st = await ingest(
      [file],
      { event: (ev) => scan.push(ev), quarantine: () => {} },
      lineFilter ? { lineFilter } : {},
    );
    scan.flush();
    const s = (performance.now() - t) / 1000;
    return { config, s, records: st.records, parsed: st.records - st.prefiltered, alerts };
  }
  const r = await runScan({ inputs: [file], rulePaths: [], rules: loaded, prefilter });
  const s = (performance.now() - t) / 1000;
  return {
    config,
    s,
    records: r.stats.records,
    parsed: r.stats.records - r.stats.prefiltered,
    alerts: r.alerts.length,
  };
}

const [file, rulesArg, roundsArg, child] = process.argv.slice(2);
const rules = rulesArg && rulesArg !== '-' ? rulesArg : corpus('sigmahq-rules/rules');
if (!file) {
  process.stderr.write('usage: node dist/test/prefilter/measure.js FILE [RULES_DIR|-] [ROUNDS]\n');
  process.exit(2);
}
if (child) process.stdout.write(JSON.stringify(await once(child as Config, file, rules)));
else {
  const ratios = new Map<Config, number[]>();
  for (let round = 0; round < Number(roundsArg ?? 3); round++) {
    let floor = 0;
    for (const c of configs) {
      const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), file, rules, '1', c], {
        encoding: 'utf8',
      });
      const r = JSON.parse(out.stdout) as Run;
      if (c === 'floor') floor = r.s;
      ratios.set(c, [...(ratios.get(c) ?? []), floor / r.s]);
      process.stdout.write(
        `round ${round + 1} ${c.padEnd(18)} ${r.s.toFixed(3)} s  ${(floor / r.s).toFixed(2)}x floor  parsed ${r.parsed}/${r.records}  alerts ${r.alerts}\n`,
      );
    }
  }
  for (const [c, xs] of ratios) {
    const m = [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(`median ${c.padEnd(18)} ${m.toFixed(2)}x floor\n`);
  }
}
