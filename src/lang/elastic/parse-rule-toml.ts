import { parse, TomlError } from 'smol-toml';
import type { SeverityLevel, Threat } from '../../alerts/alert.js';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { span } from '../../diag/span.js';
import { parseDuration, parseNowMinus } from './date-math.js';
import { type ExceptionLists, readExceptionsList } from './read-exceptions.js';
import type {
  AlertSuppression,
  ElasticLanguage,
  ElasticRule,
  ElasticRuleType,
  NewTerms,
  RiskScoreMappingItem,
  SeverityMappingItem,
  Threshold,
} from './rule.js';
import { findKey, stringContentStart } from './toml-positions.js';

const ruleTypes: readonly ElasticRuleType[] = [
  'query',
  'saved_query',
  'eql',
  'esql',
  'threshold',
  'threat_match',
  'new_terms',
  'machine_learning',
];
const languages: readonly ElasticLanguage[] = ['kuery', 'lucene', 'eql', 'esql'];
const severities: readonly SeverityLevel[] = ['low', 'medium', 'high', 'critical'];

/** `[rule]` keys we know (read or deliberately ignored); others get an ELA010 warning. */
const knownRuleKeys = new Set([
  ...'author description false_positives from index language license name note references risk_score rule_id severity tags timestamp_override type query threat interval max_signals setup new_terms threshold investigation_fields required_fields related_integrations exceptions_list alert_suppression risk_score_mapping severity_mapping building_block_type rule_name_override version timeline_id timeline_title meta enabled output_index filters event_category_override tiebreaker_field timestamp_field data_view_id saved_id anomaly_threshold machine_learning_job_id threat_index threat_query threat_mapping threat_language threat_indicator_path concurrent_searches items_per_search throttle actions namespace outcome immutable rule_source timestamp_override_fallback_disabled'.split(
    ' ',
  ),
]);

type Table = Record<string, unknown>;

/**
 * Reads a detection-rules TOML file (`[metadata]`, `[rule]`, `[[rule.threat]]`, ...) into an
 * `ElasticRule`, reporting every problem with a position: syntax errors where smol-toml found
 * them (ELA001), semantic ones at the offending key. Never throws on user input.
 *
 * Codes: ELA001 TOML syntax, ELA002 missing required key, ELA003 wrong value type, ELA004 unknown
 * enum value (type, language, severity), ELA005 bad duration / date math, ELA006 risk score out of
 * range, ELA009 exception list without items (warning), ELA010 unknown key (warning).
 * @example const { rule, diagnostics } = parseRuleToml('rules/x.toml', text);
 */
export function parseRuleToml(
  file: string,
  text: string,
  exceptionLists?: ExceptionLists,
): { rule: ElasticRule | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (e) {
    if (e instanceof TomlError) {
      const off = offsetOf(text, e.line, e.column);
      const message = e.message.split('\n')[0] ?? 'invalid TOML';
      diagnostics.push({
        code: 'ELA001',
        severity: 'error',
        message,
        span: span(off, off + 1),
        file,
        source: text,
      });
      return { rule: undefined, diagnostics };
    }
    throw e;
  }
  const r = new Reader(file, text, diagnostics);
  const rule = r.table(doc, 'rule');
  if (!rule) {
    diagnostics.push({ code: 'ELA002', severity: 'error', message: 'missing [rule] table', file });
    return { rule: undefined, diagnostics };
  }
  const metadata = r.table(doc, 'metadata') ?? {};
  for (const k of Object.keys(rule)) {
    if (!knownRuleKeys.has(k)) r.report('ELA010', 'warning', `unknown key '${k}' in [rule]`, 'rule', k);
  }
  const type = r.enumOf(rule, 'rule', 'type', ruleTypes, true) ?? 'query';
  const language = r.enumOf(rule, 'rule', 'language', languages, false);
  const name = r.str(rule, 'rule', 'name', true) ?? '';
  const ruleId = r.str(rule, 'rule', 'rule_id', true) ?? name;
  const description = r.str(rule, 'rule', 'description', true) ?? '';
  const severity = r.enumOf(rule, 'rule', 'severity', severities, true) ?? 'low';
  const riskScore = r.num(rule, 'rule', 'risk_score', true) ?? 21;
  if (riskScore < 0 || riskScore > 100)
    r.report('ELA006', 'error', `risk_score ${riskScore} is not within 0..100`, 'rule', 'risk_score');
  const query = r.str(rule, 'rule', 'query', type !== 'machine_learning' && type !== 'threshold');
  const qpos = findKey(text, 'rule', 'query');
  const interval = r.str(rule, 'rule', 'interval', false) ?? '5m';
  const from = r.str(rule, 'rule', 'from', false) ?? 'now-6m';
  let intervalMs = parseDuration(interval);
  if (intervalMs === undefined || intervalMs <= 0) {
    r.report('ELA005', 'error', `interval '${interval}' is not a duration like 5m`, 'rule', 'interval');
    intervalMs = 300_000;
  }
  let lookbackMs = parseNowMinus(from);
  if (lookbackMs === undefined) {
    r.report('ELA005', 'error', `from '${from}' is not date math like now-6m`, 'rule', 'from');
    lookbackMs = 360_000;
  }
  const out: ElasticRule = {
    file,
    line: lineOf(text, findKey(text, 'rule')?.keyStart ?? 0),
    ruleId,
    name,
    description,
    type,
    language,
    query,
    queryOffset: qpos ? stringContentStart(text, qpos.valueStart) : 0,
    index: r.strs(rule, 'rule', 'index') ?? [],
    intervalMs,
    lookbackMs,
    interval,
    from,
    maxSignals: r.num(rule, 'rule', 'max_signals', false) ?? 100,
    severity,
    riskScore,
    tags: r.strs(rule, 'rule', 'tags') ?? [],
    references: r.strs(rule, 'rule', 'references') ?? [],
    falsePositives: r.strs(rule, 'rule', 'false_positives') ?? [],
    author: r.strs(rule, 'rule', 'author') ?? [],
    ...opt('license', r.str(rule, 'rule', 'license', false)),
    ...opt('note', r.str(rule, 'rule', 'note', false)),
    ...opt('setup', r.str(rule, 'rule', 'setup', false)),
    ...opt('version', r.num(rule, 'rule', 'version', false)),
    ...opt('maturity', r.str(metadata, 'metadata', 'maturity', false)),
    integration: r.strs(metadata, 'metadata', 'integration') ?? [],
    threat: readThreat(rule.threat),
    ...opt('timestampOverride', r.str(rule, 'rule', 'timestamp_override', false)),
    ...opt('buildingBlockType', r.str(rule, 'rule', 'building_block_type', false)),
    ...opt('ruleNameOverride', r.str(rule, 'rule', 'rule_name_override', false)),
    riskScoreMapping: readMapping(r, rule, 'risk_score_mapping') as RiskScoreMappingItem[],
    severityMapping: readMapping(r, rule, 'severity_mapping') as SeverityMappingItem[],
    exceptionsList: readExceptionsList(
      rule.exceptions_list,
      (m) => r.report('ELA009', 'warning', m, 'rule', 'exceptions_list'),
      exceptionLists,
    ),
    ...opt('alertSuppression', readSuppression(r, rule)),
    ...opt('newTerms', readNewTerms(r, rule, type)),
    ...opt('threshold', readThreshold(r, rule, type)),
    investigationFields:
      r.strs(r.table(rule, 'investigation_fields') ?? {}, 'rule.investigation_fields', 'field_names') ?? [],
    requiredFields: arr(rule.required_fields).map((x) => ({
      name: String(x.name ?? ''),
      ...(typeof x.type === 'string' ? { type: x.type } : {}),
      ...(typeof x.ecs === 'boolean' ? { ecs: x.ecs } : {}),
    })),
    relatedIntegrations: arr(rule.related_integrations).map((x) => ({
      package: String(x.package ?? ''),
      ...(typeof x.integration === 'string' ? { integration: x.integration } : {}),
    })),
  };
  return { rule: out, diagnostics };
}

/** Typed accessors that report wrong or missing values at the key's position. */
class Reader {
  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  report(
    code: string,
    severity: Diagnostic['severity'],
    message: string,
    table: string,
    key: string,
    hint?: string,
  ): void {
    const pos = findKey(this.text, table, key) ?? findKey(this.text, table);
    this.diagnostics.push({
      code,
      severity,
      message,
      file: this.file,
      ...(pos ? { span: span(pos.keyStart, pos.keyEnd), source: this.text } : {}),
      ...(hint ? { hint } : {}),
    });
  }

  table(t: Table, key: string): Table | undefined {
    const v = t[key];
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : undefined;
  }

  private missing(table: string, key: string): void {
    const pos = findKey(this.text, table);
    this.diagnostics.push({
      code: 'ELA002',
      severity: 'error',
      message: `[${table}] is missing required key '${key}'`,
      file: this.file,
      ...(pos ? { span: span(pos.keyStart, pos.keyEnd), source: this.text } : {}),
    });
  }

  str(t: Table, table: string, key: string, required: boolean): string | undefined {
    const v = t[key];
    if (v === undefined) {
      if (required) this.missing(table, key);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.report('ELA003', 'error', `'${key}' must be a string`, table, key);
      return undefined;
    }
    return v;
  }

  num(t: Table, table: string, key: string, required: boolean): number | undefined {
    const v = t[key];
    if (v === undefined) {
      if (required) this.missing(table, key);
      return undefined;
    }
    if (typeof v === 'bigint') return Number(v);
    if (typeof v !== 'number') {
      this.report('ELA003', 'error', `'${key}' must be a number`, table, key);
      return undefined;
    }
    return v;
  }

  strs(t: Table, table: string, key: string): string[] | undefined {
    const v = t[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      this.report('ELA003', 'error', `'${key}' must be an array of strings`, table, key);
      return undefined;
    }
    return v as string[];
  }

  enumOf<T extends string>(
    t: Table,
    table: string,
    key: string,
    allowed: readonly T[],
    required: boolean,
  ): T | undefined {
    const v = this.str(t, table, key, required);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      const near = allowed.find((a) => a.startsWith(v.slice(0, 2).toLowerCase()));
      this.report(
        'ELA004',
        'error',
        `unknown ${key} '${v}'`,
        table,
        key,
        near ? `did you mean '${near}'?` : `one of ${allowed.join(', ')}`,
      );
      return undefined;
    }
    return v as T;
  }
}

function readThreat(v: unknown): Threat[] {
  return arr(v).map((t) => {
    const tactic = obj(t.tactic);
    return {
      framework: 'MITRE ATT&CK',
      ...(tactic
        ? {
            tactic: {
              name: String(tactic.name ?? ''),
              ...optS('id', tactic.id),
              ...optS('reference', tactic.reference),
            },
          }
        : {}),
      techniques: arr(t.technique).map((x) => ({
        id: String(x.id ?? ''),
        ...optS('name', x.name),
        ...optS('reference', x.reference),
        subtechniques: arr(x.subtechnique).map((s) => ({ id: String(s.id ?? ''), ...optS('name', s.name) })),
      })),
    };
  });
}

function readMapping(r: Reader, rule: Table, key: string): (SeverityMappingItem | RiskScoreMappingItem)[] {
  const v = rule[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    r.report('ELA003', 'error', `'${key}' must be an array of tables`, 'rule', key);
    return [];
  }
  return arr(v).map((x) => ({
    field: String(x.field ?? ''),
    operator: 'equals' as const,
    value: String(x.value ?? ''),
    ...(key === 'severity_mapping' ? { severity: String(x.severity ?? 'low') as SeverityLevel } : {}),
  })) as (SeverityMappingItem | RiskScoreMappingItem)[];
}

function readSuppression(r: Reader, rule: Table): AlertSuppression | undefined {
  const s = r.table(rule, 'alert_suppression');
  if (!s) return undefined;
  const groupBy = r.strs(s, 'rule.alert_suppression', 'group_by') ?? [];
  const d = obj(s.duration);
  let durationMs: number | undefined;
  if (d) {
    durationMs = parseDuration(`${String(d.value ?? '')}${String(d.unit ?? '')}`);
    if (durationMs === undefined)
      r.report(
        'ELA005',
        'error',
        'alert_suppression.duration must have value and unit s, m or h',
        'rule.alert_suppression',
        'duration',
      );
  }
  const strategy = s.missing_fields_strategy === 'doNotSuppress' ? 'doNotSuppress' : 'suppress';
  return { groupBy, ...(durationMs !== undefined ? { durationMs } : {}), missingFieldsStrategy: strategy };
}

function readNewTerms(r: Reader, rule: Table, type: ElasticRuleType): NewTerms | undefined {
  const nt = r.table(rule, 'new_terms');
  if (!nt) {
    if (type === 'new_terms')
      r.report('ELA002', 'error', 'new_terms rule without [rule.new_terms]', 'rule', 'type');
    return undefined;
  }
  const fields = r.strs(nt, 'rule.new_terms', 'value') ?? [];
  if (fields.length === 0 || fields.length > 3)
    r.report('ELA003', 'error', 'new_terms.value must list 1 to 3 fields', 'rule.new_terms', 'value');
  const hw = arr(nt.history_window_start)[0];
  const text = typeof hw?.value === 'string' ? hw.value : 'now-7d';
  let historyMs = parseNowMinus(text);
  if (historyMs === undefined) {
    r.report(
      'ELA005',
      'error',
      `history_window_start '${text}' is not date math like now-7d`,
      'rule.new_terms.history_window_start',
      'value',
    );
    historyMs = 7 * 86_400_000;
  }
  return { fields, historyMs };
}

function readThreshold(r: Reader, rule: Table, type: ElasticRuleType): Threshold | undefined {
  const th = r.table(rule, 'threshold');
  if (!th) {
    if (type === 'threshold')
      r.report('ELA002', 'error', 'threshold rule without [rule.threshold]', 'rule', 'type');
    return undefined;
  }
  const f = th.field;
  const fields = typeof f === 'string' ? (f ? [f] : []) : (r.strs(th, 'rule.threshold', 'field') ?? []);
  const value = r.num(th, 'rule.threshold', 'value', true) ?? 1;
  const cardinality = arr(th.cardinality).map((c) => ({
    field: String(c.field ?? ''),
    value: Number(c.value ?? 0),
  }));
  return { fields, value, cardinality };
}

const obj = (v: unknown): Table | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : undefined;
const arr = (v: unknown): Table[] => (Array.isArray(v) ? v.filter((x) => obj(x)).map((x) => x as Table) : []);
const optS = <K extends string>(k: K, v: unknown): { [P in K]?: string } =>
  (typeof v === 'string' ? { [k]: v } : {}) as { [P in K]?: string };

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}

function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + Math.max(0, column - 1));
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
