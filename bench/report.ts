/** Printing the benchmark report: section headers, result tables, rule profiles. */
import type { DatasetMeta } from './generate.js';
import { type Config, type Measured, median, type Row, runWorker } from './measure.js';
import { fmtInt, fmtNum, formatTable } from './table.js';

export const say = (s = ''): void => {
  process.stdout.write(`${s}\n`);
};
export const progress = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** `--now` for hunts and scans: one hour after the last synthetic event. */
export const nowFor = (meta: DatasetMeta): number => Date.parse(meta.lastTime) + 3_600_000;

export const why = (r: Measured | undefined): string => r?.skipped ?? r?.error ?? 'did not run';

/** One measured row, for `bench/out/last-run.json` (machine-readable copy of the tables). */
export interface ResultRecord {
  readonly section: string;
  readonly name: string;
  readonly events?: number;
  readonly seconds?: number;
  readonly eventsPerSecond?: number;
  readonly ratioToFloor?: number;
  readonly perRoundRatios?: readonly number[];
  readonly target?: number;
  readonly peakRssMB?: number;
  readonly skipped?: string;
  readonly info?: Record<string, unknown>;
}

/** Every row printed so far, in order. */
export const results: ResultRecord[] = [];
let section = '';

/** One table per section: medians, same-run ratio to the floor, target, setup, peak RSS, notes. */
export function printRows(rows: readonly Row[]): void {
  const body: string[][] = [];
  const skipped: string[] = [];
  for (const row of rows) {
    const ok = row.runs.filter((r) => r.ok);
    const failed = row.runs.filter((r) => !r.ok);
    if (ok.length === 0) {
      skipped.push(`  ${row.name}: skipped: ${why(row.runs[0])}`);
      results.push({ section, name: row.name, skipped: why(row.runs[0]) });
      continue;
    }
    const s = median(ok.map((r) => r.seconds ?? Number.NaN));
    const ev = median(ok.map((r) => r.events ?? Number.NaN));
    const ratio = median(row.ratios);
    const rss = Math.max(...ok.map((r) => r.rssMB ?? 0));
    results.push({
      section,
      name: row.name,
      events: ev,
      seconds: s,
      eventsPerSecond: ev / s,
      ratioToFloor: ratio,
      perRoundRatios: row.ratios,
      target: row.target,
      peakRssMB: rss,
      info: ok[0]?.info,
    });
    body.push([
      row.name,
      fmtInt(ev),
      fmtNum(s, 3),
      fmtInt(ev / s),
      row.ratios.length ? `${fmtNum(ratio)}x` : '-',
      row.target !== undefined ? `>=${fmtNum(row.target)}x` : '',
      row.target !== undefined && Number.isFinite(ratio) ? (ratio >= row.target ? 'met' : 'MISSED') : '',
      fmtNum(median(ok.map((r) => r.setupSeconds ?? Number.NaN))),
      fmtInt(rss),
      [
        failed.length ? `${failed.length} run(s) failed: ${why(failed[0])}` : '',
        ok.length + failed.length < (rows[0]?.runs.length ?? 0)
          ? `${ok.length} of ${rows[0]?.runs.length} rounds (slow: not repeated)`
          : '',
        row.note ?? '',
        infoText(ok[0]?.info),
      ]
        .filter(Boolean)
        .join('; '),
    ]);
  }
  say(
    formatTable(
      [
        'config',
        'events',
        's (median)',
        'events/s',
        'x floor',
        'target',
        '',
        'setup s',
        'peak RSS MB',
        'notes',
      ],
      body,
    ),
  );
  for (const s of skipped) say(s);
}

function infoText(info: Record<string, unknown> | undefined): string {
  if (!info) return '';
  const parts: string[] = [];
  // zero counts of trouble say nothing; leave them out of the notes
  for (const k of [
    'rules',
    'skippedRules',
    'ruleDiagnostics',
    'ruleErrors',
    'failedRules',
    'alerts',
    'rows',
    'parsed',
    'prefilter',
    'duplicates',
    'quarantined',
    'scanPath',
    'rulesVia',
    'error',
  ])
    if (info[k] !== undefined && !(info[k] === 0 && /Errors|failed|duplicates|quarantined/.test(k)))
      parts.push(k === 'parsed' ? String(info[k]) : `${k} ${String(info[k])}`);
  return parts.join(', ');
}

/** Where a scan spends its time, rule by rule (one profiling run, no rule index). */
export function printProfile(file: string, rules: string[], now: number, top = 8): void {
  const r = runWorker({ mode: 'scan-profile', file, rules, now });
  if (!r.ok) {
    say(`  profile: skipped: ${why(r)}`);
    return;
  }
  const per =
    (r.info?.perRule as { name: string; file?: string; ms: number; alerts: number }[] | undefined) ?? [];
  const total = per.reduce((a, x) => a + x.ms, 0);
  say();
  say(
    `slowest rules (profile run: applies + push per rule, no index; ${fmtNum(total / 1000)} s in rules over ${fmtInt(r.events)} events)`,
  );
  say(
    formatTable(
      ['rule', 'file', 'rule s', 'share', 'alerts'],
      per
        .slice(0, top)
        .map((x) => [
          x.name.slice(0, 60),
          (x.file ?? '').split('/').pop() ?? '',
          fmtNum(x.ms / 1000),
          `${fmtNum((100 * x.ms) / (total || 1), 1)}%`,
          fmtInt(x.alerts),
        ]),
    ),
  );
}

export function header(title: string, what: string): void {
  section = title;
  say();
  say(`## ${title}`);
  say(what);
}

export function floorConfig(file: string): Config {
  return {
    name: 'floor (read+split+2x JSON.parse)',
    cfg: { mode: 'floor', file, floor: 'both', split: 'bytes' },
  };
}
