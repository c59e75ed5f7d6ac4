import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Alert } from '../alerts/alert.js';
import { enrichAlerts } from '../alerts/enrich.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import { compilePrefilter } from '../engine/prefilter.js';
import { RuleIndex } from '../engine/rule-index.js';
import { DedupWindow } from '../ingest/dedup-window.js';
import { ingest } from '../ingest/ingest.js';
import type { IngestOptions, IngestStats, QuarantineRecord } from '../ingest/types.js';
import type { AuditEvent } from '../model/event.js';
import type { Detection, LoadResult, RuleRunner } from './detection.js';
import { configureElasticExceptions } from './elastic/elastic-loader.js';
import { loadRules } from './load-rules.js';
import { replayStore } from './replay-store.js';
import { prefilterPlan } from './scan-prefilter.js';
import type { SigmaOptions } from './sigma/compile-rule.js';
import { configureSigmaLoader } from './sigma/sigma-loader.js';
import { readSigmaMappingFile, readSigmaPlaceholdersFile } from './sigma/sigma-options.js';

export interface RunScanOptions {
  /** Files, directories (recursive) or `-` for stdin. */
  readonly inputs: readonly string[];
  /** Rule files and directories, every language (the built-in pack is added with `builtin`). */
  readonly rulePaths: readonly string[];
  /** The built-in rule pack, loaded before `rulePaths`: true for the package's `rules/`, or a directory (default none). */
  readonly builtin?: boolean | string;
  /** Pinned "now" in epoch ms (`--now`); undefined means the clock. */
  readonly now?: number;
  /** Every quarantined record, as read (default: counted only). */
  readonly quarantine?: (q: QuarantineRecord) => void;
  /**
   * Sees every event read, duplicates from a second feed included (coverage, RBAC, timelines).
   * Every record must then be parsed, so the byte prefilter is off.
   */
  readonly onEvent?: (ev: AuditEvent) => void;
  /** Every alert as raised (before cross-feed enrichment), e.g. to stream to a UI. */
  readonly onAlert?: (a: Alert) => void;
  /** Every diagnostic as found: rule loading first, then runtime problems. */
  readonly onDiagnostic?: (d: Diagnostic) => void;
  readonly onProgress?: IngestOptions['onProgress'];
  /** Called once the rules are loaded, before the first input is read. */
  readonly onLoaded?: (rules: LoadResult) => void;
  /** Sigma compile options (field mappings, placeholders); the loader is configured with them for this scan. */
  readonly sigma?: SigmaOptions;
  /** Elastic exception lists (Kibana NDJSON exports) that rules' `exceptions_list` entries refer to by id. */
  readonly elasticExceptionFiles?: readonly string[];
  /** `--sigma-mapping FILE`, read and merged into `sigma.mappings`. */
  readonly sigmaMappingFile?: string;
  /** `--sigma-placeholders FILE`, read and merged into `sigma.placeholders`. */
  readonly sigmaPlaceholdersFile?: string;
  /**
   * Byte-level prefilter for JSON Lines (performance.md §8; default true): lines no loaded rule
   * could match are counted (`stats.prefiltered`), not parsed. Pass false when every record must
   * be seen (coverage, timelines).
   */
  readonly prefilter?: boolean;
  /**
   * Scan the events of a DuckDB store (`auditscope load --db FILE`) instead of files: the stored raw
   * records are replayed in time order through the same readers and rules.
   */
  readonly db?: string;
  /** Stream read for the input `-` (default process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Rules already loaded (then `rulePaths` and `builtin` are not used). Pass in `sigma` the options
   * they were loaded with: the prefilter leaves alone the fields a user mapping redirects.
   */
  readonly rules?: LoadResult;
}

export interface RuleStats {
  readonly loaded: number;
  /** Rules read but not run, with the reason (other products, unsupported features). */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  /** Rules that threw while running and were disabled (RUL900 diagnostics say which). */
  readonly failed: number;
  /** Diagnostics of severity error, loading and runtime. */
  readonly errors: number;
  /** Alerts raised per rule id (before enrichment). */
  readonly alertsByRule: ReadonlyMap<string, number>;
}

export interface ScanResult {
  /** Alerts after enrichment (entities, guides, cross-feed dedup), in raising order. */
  readonly alerts: Alert[];
  readonly stats: IngestStats;
  readonly ruleStats: RuleStats;
  /** Loading diagnostics, then runtime ones. */
  readonly diagnostics: Diagnostic[];
  /** Events seen twice (same id and time, e.g. kube-audit + kube-audit-admin) and scanned once. */
  readonly duplicates: number;
  /** Whether the byte prefilter was used, and with how many rule clauses. */
  readonly prefilter: { readonly enabled: boolean; readonly clauses: number };
}

/** Where the built-in rule pack lives: `<package root>/rules`. */
export function builtinRulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'rules');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'rules');
}

/**
 * Identity of an event across feeds: its id (`auditID:stage`, Activity eventDataId…) and its time
 * to the millisecond (feeds write the same instant with different precision). The time guards
 * against sanitized samples that reuse one auditID for different requests.
 */
export const eventKey = (ev: AuditEvent): string => `${ev.id}@${Math.floor(ev.ts)}`;

/**
 * The scan as a library (used by `scan`, `report` and the server): load every rule, ingest every
 * input, run each event through the rules that could match it (rule index, then `applies`), flush,
 * enrich. Events arriving twice (two feeds) are run once; the same rule firing on the same event
 * ids is reported once. A rule that throws is disabled with a RUL900 diagnostic; nothing else stops
 * the scan. Never throws on bad input or bad rules.
 * @example
 * const r = await runScan({ inputs: ['audit.log'], rulePaths: ['rules/'], now: Date.now() });
 * console.log(r.alerts.length, r.stats.prefiltered);
 */
export async function runScan(opts: RunScanOptions): Promise<ScanResult> {
  const diagnostics: Diagnostic[] = [];
  const note = (d: Diagnostic): void => {
    diagnostics.push(d);
    opts.onDiagnostic?.(d);
  };
  const sigma = await sigmaOptions(opts, note);
  let loaded = opts.rules;
  if (!loaded) {
    configureSigmaLoader(sigma);
    if (opts.elasticExceptionFiles)
      for (const d of configureElasticExceptions(opts.elasticExceptionFiles)) note(d);
    const pack = opts.builtin === true ? [builtinRulesDir()] : opts.builtin ? [opts.builtin] : [];
    loaded = await loadRules([...pack, ...opts.rulePaths]);
  }
  for (const d of loaded.diagnostics) note(d);
  opts.onLoaded?.(loaded);

  const alerts: Alert[] = [];
  const alertKeys = new Set<string>();
  const alertsByRule = new Map<string, number>();
  const emit = (alert: Alert): void => {
    const key = `${alert.rule.id}\u0000${alert.events.map(eventKey).join('\u0001')}`;
    if (alertKeys.has(key)) return;
    alertKeys.add(key);
    alerts.push(alert);
    alertsByRule.set(alert.rule.id, (alertsByRule.get(alert.rule.id) ?? 0) + 1);
    opts.onAlert?.(alert);
  };
  const detections: readonly Detection[] = loaded.detections;
  const slots = detections.map((d, i) => ({ i, d, runner: undefined as RuleRunner | undefined }));
  let failed = 0;
  const failRule = (slot: (typeof slots)[number], e: unknown): void => {
    if (slot.runner === undefined) return;
    slot.runner = undefined;
    failed++;
    note({
      code: 'RUL900',
      severity: 'error',
      message: `rule '${slot.d.meta.name}' (${slot.d.meta.id}) failed and was disabled: ${(e as Error).message}`,
      file: slot.d.meta.file,
    });
  };
  for (const s of slots) {
    try {
      s.runner = s.d.createRunner({
        ...(opts.now !== undefined ? { now: opts.now } : {}),
        emit,
        report: note,
      });
    } catch (e) {
      s.runner = { push() {}, flush() {} };
      failRule(s, e);
    }
  }
  // Index hints are necessary conditions (detection.ts), so only the candidates need `applies`.
  const index = new RuleIndex(slots.map((s) => ({ item: s, hint: s.d.index })));
  const plan =
    opts.prefilter === false || opts.onEvent || opts.db
      ? undefined
      : prefilterPlan(detections, sigma.mappings);
  const onEvent = opts.onEvent;
  const lineFilter = compilePrefilter(plan);

  const seen = new DedupWindow(1 << 18);
  let duplicates = 0;
  const sink = {
    event(ev: AuditEvent) {
      onEvent?.(ev);
      if (!seen.add(eventKey(ev))) {
        duplicates++;
        return;
      }
      const cands = index.candidates(ev);
      for (let i = 0; i < cands.length; i++) {
        const s = cands[i]!;
        const r = s.runner;
        if (r === undefined) continue;
        try {
          if (s.d.applies(ev)) r.push(ev);
        } catch (e) {
          failRule(s, e);
        }
      }
    },
    quarantine: opts.quarantine ?? (() => {}),
  };
  const stats = opts.db
    ? await replayStore(opts.db, sink)
    : await ingest(opts.inputs, sink, {
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(lineFilter ? { lineFilter } : {}),
        ...(opts.stdin ? { stdin: opts.stdin } : {}),
      });
  for (const s of slots) {
    try {
      s.runner?.flush();
    } catch (e) {
      failRule(s, e);
    }
  }

  // Entities in the shared model, investigation guides, cross-feed dedup (alerts are few: kept in memory).
  let ready: Alert[] = alerts;
  try {
    ready = await enrichAlerts(alerts);
  } catch (e) {
    note({
      code: 'RUL901',
      severity: 'warning',
      message: `alert enrichment failed, alerts are reported as raised: ${(e as Error).message}`,
    });
  }
  return {
    alerts: ready,
    stats,
    ruleStats: {
      loaded: detections.length,
      skipped: loaded.skipped,
      failed,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      alertsByRule,
    },
    diagnostics,
    duplicates,
    prefilter: { enabled: lineFilter !== undefined, clauses: lineFilter && plan ? plan.clauses.length : 0 },
  };
}

/** `opts.sigma` with the mapping and placeholder files merged in (their problems become diagnostics). */
async function sigmaOptions(opts: RunScanOptions, note: (d: Diagnostic) => void): Promise<SigmaOptions> {
  let sigma: SigmaOptions = opts.sigma ?? {};
  if (opts.sigmaMappingFile) {
    const r = await readSigmaMappingFile(opts.sigmaMappingFile);
    for (const d of r.diagnostics) note(d);
    sigma = { ...sigma, mappings: [...(sigma.mappings ?? []), ...r.mappings] };
  }
  if (opts.sigmaPlaceholdersFile) {
    const r = await readSigmaPlaceholdersFile(opts.sigmaPlaceholdersFile);
    for (const d of r.diagnostics) note(d);
    sigma = { ...sigma, placeholders: { ...(sigma.placeholders ?? {}), ...r.placeholders } };
  }
  return sigma;
}
