import {
  type Alert,
  defaultRiskScore,
  type Entities,
  type RuleMeta,
  type SeverityLevel,
  type Threat,
} from '../../alerts/alert.js';
import { tacticShortName, tactics as tacticTable, techniqueInfo } from '../../alerts/attack-ids.js';
import { extractEntities } from '../../alerts/entities.js';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { evaluateProgram } from '../../engine/kusto/evaluate.js';
import { columnUsage } from '../../engine/kusto/needed-columns.js';
import { QueryRuntimeError } from '../../engine/kusto/regex.js';
import { type Row, sourcesOf, toText } from '../../engine/kusto/values.js';
import { compileScanPredicates, planScans, scalarColumns } from '../../engine/kusto/scan-plan.js';
import type { IndexHint } from '../../engine/rule-index.js';
import type { QueryProgram, Scalar } from '../../ir/query.js';
import { forEachQueryNode } from '../../ir/walk-query.js';
import type { AuditEvent, Getter } from '../../model/event.js';
import { getTable } from '../../views/tables/index.js';
import type { Detection, RuleRunner, RunContext } from '../detection.js';
import { eventTableProvider, type RowCache } from './catalog.js';
import type { KustoRuleSpec } from './kusto-rule.js';
import { type Key, scanConstraints } from './hunt-prefilter.js';
import { prunedGetter } from './stream-tables.js';

/**
 * A scheduled KQL rule (Sentinel analytic rule, Defender custom detection) as a Detection.
 *
 * Scheduling over a replayed file (the documented choice): events are buffered; at flush the rule
 * runs once per scheduled run time T (multiples of its frequency, from the first event's time to the
 * last one's), over the events with time in (T - period, T], with `now()` = T. So `ago()` in the
 * query means what it means in Sentinel at that run, whatever `--now` says. Only run times that see
 * at least one event are evaluated (a rule alerting on an *empty* window, `triggerOperator: lt`,
 * does not fire on gaps). Overlapping windows do not repeat an alert: per-result alerts are keyed by
 * the result row, single alerts by the set of events. At most 150 alerts per run, as Sentinel.
 */
const maxRuns = 5000;
const maxAlertsPerRun = 150;

function threatOf(spec: KustoRuleSpec): Threat[] {
  const techniques = spec.techniques.map((id) => {
    const info = techniqueInfo(id);
    return info ? { id: info.id, name: info.name } : { id };
  });
  const out: Threat[] = spec.tactics.map((t, i) => {
    const short = tacticShortName(t);
    const info = short ? tacticTable.find((x) => x.shortName === short) : undefined;
    return {
      framework: 'MITRE ATT&CK',
      tactic: info ? { id: info.id, name: info.name } : { name: t },
      techniques: i === 0 ? techniques : [],
    };
  });
  if (!out.length && techniques.length) out.push({ framework: 'MITRE ATT&CK', techniques });
  return out;
}

/** RuleMeta of a Kusto rule. */
export function kustoRuleMeta(spec: KustoRuleSpec, file: string, line = 1): RuleMeta {
  return {
    id: spec.id,
    name: spec.name,
    language: 'kusto',
    severity: spec.severity,
    riskScore: defaultRiskScore[spec.severity],
    threat: threatOf(spec),
    tags: spec.tags,
    references: spec.references,
    falsePositives: spec.falsePositives,
    file,
    line,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.guide ? { guide: spec.guide } : {}),
    ...(spec.status ? { status: spec.status } : {}),
    ...(spec.author ? { author: spec.author } : {}),
  };
}

/** Names of the catalogue tables a program reads. */
export function tablesRead(p: QueryProgram): string[] {
  const out = new Set<string>();
  forEachQueryNode(p, (o) => {
    if (o.kind === 'Table' && typeof o.name === 'string') out.add(o.name);
    return true;
  });
  return [...out];
}

const isEvent = (x: unknown): x is AuditEvent =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as AuditEvent).ts === 'number' &&
  typeof (x as AuditEvent).raw === 'string';

const triggered = (spec: KustoRuleSpec, n: number): boolean => {
  switch (spec.triggerOperator) {
    case 'gt':
      return n > spec.triggerThreshold;
    case 'lt':
      return n < spec.triggerThreshold;
    case 'eq':
      return n === spec.triggerThreshold;
    case 'ne':
      return n !== spec.triggerThreshold;
  }
};

const cell = (v: unknown): string => (v instanceof Date ? v.toISOString() : toText(v));

function fill(format: string, row: Row): string {
  return format.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, col: string) => cell(row[col]));
}

function rowTime(row: Row, events: readonly AuditEvent[], runEnd: number): string {
  for (const k of ['TimeGenerated', 'Timestamp', 'StartTime', 'FirstSeen', 'LastSeen']) {
    const v = row[k];
    if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
  }
  if (events.length) return events.reduce((a, b) => (b.ts > a.ts ? b : a)).time;
  return new Date(runEnd).toISOString();
}

function entitiesOf(spec: KustoRuleSpec, rows: readonly Row[], events: readonly AuditEvent[]): Entities {
  if (!spec.entities.length) return extractEntities(events);
  const out: Record<string, string[]> = {};
  for (const { kind, column } of spec.entities) {
    for (const r of rows) {
      const v = r[column];
      const vals = Array.isArray(v) ? v : [v];
      for (const x of vals) {
        const t = cell(x);
        if (!t) continue;
        const l = (out[kind] ??= []);
        if (!l.includes(t)) l.push(t);
      }
    }
  }
  return out;
}

const severityFrom = (v: unknown, fallback: SeverityLevel): SeverityLevel => {
  const t = toText(v).toLowerCase();
  return t === 'informational' || t === 'low' || t === 'medium' || t === 'high' || t === 'critical'
    ? t
    : fallback;
};

function jsonRow(row: Row): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) o[k] = v instanceof Date ? v.toISOString() : v;
  return o;
}

/**
 * Builds the Detection of a parsed Kusto rule.
 * @example kustoDetection(spec, program, 'rules/kusto/x.yaml')
 */
export function kustoDetection(spec: KustoRuleSpec, program: QueryProgram, file: string): Detection {
  const meta = kustoRuleMeta(spec, file);
  const views = tablesRead(program)
    .map((t) => getTable(t))
    .filter((v): v is NonNullable<typeof v> => !!v);
  const index = kustoIndexHint(program);
  return {
    meta,
    ...(index ? { index } : {}),
    applies: (ev) => views.some((v) => v.accepts(ev)),
    createRunner(ctx: RunContext): RuleRunner {
      const buffer: AuditEvent[] = [];
      const keep = bufferFilter(program);
      return {
        push(ev) {
          if (keep(ev)) buffer.push(ev);
        },
        flush() {
          runSchedule(spec, program, meta, buffer, ctx);
          buffer.length = 0;
        },
      };
    },
  };
}

/** Where the audit verb and resource sit in each audit table (hunt-prefilter.ts `scanConstraints`). */
const indexKeys: Readonly<Record<string, Readonly<Record<string, Key>>>> = {
  CloudAuditEvents: {
    OperationName: 'verbs',
    'RawEventData.Verb': 'verbs',
    'RawEventData.ObjectRef.resource': 'resources',
  },
  ...Object.fromEntries(
    ['AKSAudit', 'AKSAuditAdmin', 'ArcK8sAudit', 'ArcK8sAuditAdmin'].map((t) => [
      t,
      { Verb: 'verbs', 'ObjectRef.resource': 'resources' },
    ]),
  ),
};

/**
 * The rule index hint of a Kusto rule (engine/rule-index.ts): the verbs and resources its leading
 * `where` filters require on every table it reads (`OperationName` / `Verb` equal to a literal,
 * `RawEventData.ObjectRef.resource` / `ObjectRef.resource` likewise), so `scan` hands it only those
 * audit events and the byte prefilter can skip the rest. Undefined when some table read is not
 * constrained. The constraint is on audit events only (`auditOnly`): CloudAuditEvents also has
 * Activity rows, whose `OperationName` is the ARM operation, and the rule's own filters decide those.
 */
export function kustoIndexHint(program: QueryProgram): IndexHint | undefined {
  const scans = planScans(program);
  if (!scans.length) return undefined;
  const verbs = new Set<string>();
  const resources = new Set<string>();
  let allVerbs = true;
  let allResources = true;
  for (const scan of scans) {
    const keys = indexKeys[scan.table];
    if (!keys) return undefined;
    const c = scanConstraints(scan, keys);
    if (c.verbs) for (const x of c.verbs) verbs.add(x);
    else allVerbs = false;
    if (c.resources) for (const x of c.resources) resources.add(x);
    else allResources = false;
  }
  if (!allVerbs && !allResources) return undefined;
  return {
    auditOnly: true,
    ...(allVerbs ? { verbs: [...verbs] } : {}),
    ...(allResources ? { resources: [...resources] } : {}),
  };
}

/** Whether a scalar reads the clock (`ago()`, `now()`): its value changes from one scheduled run to the next. */
function readsNow(e: Scalar): boolean {
  let found = false;
  forEachQueryNode(e, (o) => {
    if (o.kind === 'Call' && (o.fn === 'ago' || o.fn === 'now')) found = true;
    return !found;
  });
  return found;
}

/**
 * Which events a rule must keep until its scheduled runs: those a table it reads accepts and that
 * pass the rule's leading `where` filters on that table (the pushed-down predicates of scan-plan.ts),
 * except filters on the clock, which change from run to run. The runs evaluate the whole query again
 * over what is kept, so this only drops events no run could use: the rest of a scan no longer sits in
 * memory (the built-in pack's three Defender detections read every CloudAuditEvents row).
 */
export function bufferFilter(program: QueryProgram): (ev: AuditEvent) => boolean {
  const tests: ((ev: AuditEvent) => boolean)[] = [];
  const usage = columnUsage(program);
  for (const scan of planScans(program)) {
    const view = getTable(scan.table);
    if (!view) return () => true;
    const predicates = scan.predicates.filter((p) => !readsNow(p));
    const checks = compileScanPredicates({ ...scan, predicates }, 0);
    const getters: [string, Getter][] = [];
    for (const c of new Set(predicates.flatMap((p) => [...scalarColumns(p)]))) {
      const g = prunedGetter(view, c, usage.paths.get(c)) ?? view.column(c);
      if (!g) return () => true;
      getters.push([c, g]);
    }
    tests.push((ev) => {
      if (!view.accepts(ev)) return false;
      const row: Row = {};
      for (const [c, g] of getters) row[c] = g(ev) as Row[string];
      try {
        return checks.every((t) => t(row));
      } catch (e) {
        if (e instanceof QueryRuntimeError) return true;
        throw e;
      }
    });
  }
  return (ev) => tests.some((t) => t(ev));
}

function runSchedule(
  spec: KustoRuleSpec,
  program: QueryProgram,
  meta: RuleMeta,
  events: AuditEvent[],
  ctx: RunContext,
): void {
  if (!events.length || !spec.enabled) return;
  events.sort((a, b) => a.ts - b.ts);
  const freq = spec.frequencyMs;
  const period = spec.periodMs;
  const first = events[0] as AuditEvent;
  const last = events[events.length - 1] as AuditEvent;
  let step = freq;
  const firstEnd = Math.ceil(first.ts / freq) * freq || freq;
  const lastEnd = Math.ceil((last.ts + 1e-6) / freq) * freq;
  if ((lastEnd - firstEnd) / step > maxRuns) {
    step = Math.max(freq, period);
    ctx.report({
      code: 'KUS040',
      severity: 'info',
      message: `rule '${spec.name}': the input spans too many scheduled runs; evaluating every ${Math.round(step / 60_000)} minutes instead of every ${Math.round(freq / 60_000)}`,
      file: meta.file,
    } satisfies Diagnostic);
  }
  const cache: RowCache = new Map();
  const seen = new Set<string>();
  let lo = 0;
  let hi = 0;
  for (let end = firstEnd; end <= lastEnd + step; end += step) {
    while (lo < events.length && (events[lo] as AuditEvent).ts <= end - period) lo++;
    while (hi < events.length && (events[hi] as AuditEvent).ts <= end) hi++;
    if (hi <= lo) {
      if (lo >= events.length) break;
      // jump to the first run that sees the next event
      const next = (events[lo] as AuditEvent).ts;
      const jump = Math.ceil(next / step) * step - step;
      if (jump > end) end = jump;
      continue;
    }
    const slice = events.slice(lo, hi);
    let rows: Row[];
    try {
      rows = evaluateProgram(program, {
        tables: eventTableProvider(slice, { sources: true, cache }),
        now: end,
      }).rows;
    } catch (e) {
      if (!(e instanceof QueryRuntimeError)) throw e;
      ctx.report({
        code: 'KUS030',
        severity: 'error',
        message: `rule '${spec.name}': ${e.message}`,
        file: meta.file,
      });
      return;
    }
    if (!triggered(spec, rows.length) || rows.length === 0) continue;
    if (spec.perResult) {
      let n = 0;
      for (const row of rows) {
        if (n >= maxAlertsPerRun) break;
        const key = JSON.stringify(jsonRow(row));
        if (seen.has(key)) continue;
        seen.add(key);
        n++;
        ctx.emit(makeAlert(spec, meta, [row], end));
      }
    } else {
      const evs = new Set<AuditEvent>();
      for (const r of rows) for (const s of sourcesOf(r) ?? []) if (isEvent(s)) evs.add(s);
      const key =
        [...evs]
          .map((e) => e.id)
          .sort()
          .join('\u0001') || JSON.stringify(rows.map(jsonRow));
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.emit(makeAlert(spec, meta, rows, end));
    }
  }
}

function makeAlert(spec: KustoRuleSpec, meta: RuleMeta, rows: readonly Row[], runEnd: number): Alert {
  const events: AuditEvent[] = [];
  for (const r of rows)
    for (const s of sourcesOf(r) ?? []) if (isEvent(s) && !events.includes(s)) events.push(s);
  events.sort((a, b) => a.ts - b.ts);
  const first = rows[0] ?? {};
  const severity = spec.severityColumn
    ? severityFrom(first[spec.severityColumn], spec.severity)
    : spec.severity;
  const custom: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(spec.customDetails)) {
    const v = first[col];
    custom[k] = v instanceof Date ? v.toISOString() : (v ?? null);
  }
  const details: Record<string, unknown> = {
    query: 'kusto',
    runTime: new Date(runEnd).toISOString(),
    resultCount: rows.length,
    ...(spec.perResult ? { row: jsonRow(first) } : { rows: rows.slice(0, 20).map(jsonRow) }),
    ...(Object.keys(custom).length ? { customDetails: custom } : {}),
    ...(spec.descriptionFormat ? { description: fill(spec.descriptionFormat, first) } : {}),
  };
  return {
    time: rowTime(first, events, runEnd),
    rule: meta,
    events,
    entities: entitiesOf(spec, rows, events),
    severity,
    riskScore: severity === spec.severity ? meta.riskScore : defaultRiskScore[severity],
    details,
    ...(spec.titleFormat ? { title: fill(spec.titleFormat, first) } : {}),
  };
}
