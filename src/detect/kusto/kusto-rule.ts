import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { SeverityLevel } from '../../alerts/alert.js';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { span } from '../../diag/span.js';

/**
 * A scheduled KQL detection, read from one of three shapes (documented in rules/README.md and below):
 *
 * 1. **Sentinel analytic rule** (YAML or JSON, the Azure-Sentinel repo shape): `id`, `name`,
 *    `description`, `severity`, `query`, `queryFrequency`, `queryPeriod`, `triggerOperator`,
 *    `triggerThreshold`, `tactics`, `relevantTechniques`, `entityMappings`, `customDetails`,
 *    `alertDetailsOverride`, `eventGroupingSettings.aggregationKind` (SingleAlert | AlertPerResult),
 *    plus auditscope's `guide` (markdown). `kind: NRT` runs every minute over the last minute.
 * 2. **Defender XDR custom detection** (auditscope's file shape for it, YAML or JSON):
 *    `detectionType: defender` (or a `frequency` key), `id`, `name` (alert title), `description`,
 *    `severity`, `query`, `frequency` (`0`/`continuous` = NRT, else `1h`, `3h`, `12h`, `24h`;
 *    the look-back is 4x the frequency, 30d for 24h, as Defender does), `category` (tactic),
 *    `mitreTechniques`, `impactedEntities: [{type: user|ip|cluster|namespace|pod|image, column}]`.
 *    One alert per result row.
 * 3. **`.kql` file** with a `//` comment header: `// name:`, `// id:`, `// severity:`,
 *    `// frequency:`, `// period:`, `// tactics:`, `// techniques:`, `// description:`. A `.kql` file
 *    with neither `severity` nor `frequency` is a saved hunt (`auditscope hunt --saved`), not a rule.
 */
export interface KustoRuleSpec {
  readonly shape: 'sentinel' | 'defender' | 'kql';
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly guide?: string;
  readonly severity: SeverityLevel;
  readonly query: string;
  /** Offset of each query line's start in the file, for mapping query diagnostics to file positions. */
  readonly queryLineOffsets: readonly number[];
  readonly frequencyMs: number;
  readonly periodMs: number;
  readonly triggerOperator: 'gt' | 'lt' | 'eq' | 'ne';
  readonly triggerThreshold: number;
  readonly perResult: boolean;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  /** entity kind (users, ips, clusters, namespaces, pods, images, ...) -> result columns. */
  readonly entities: readonly { readonly kind: string; readonly column: string }[];
  readonly customDetails: Readonly<Record<string, string>>;
  readonly titleFormat?: string;
  readonly descriptionFormat?: string;
  readonly severityColumn?: string;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsePositives: readonly string[];
  readonly status?: string;
  readonly author?: readonly string[];
  readonly enabled: boolean;
}

type Obj = Record<string, unknown>;

const units: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `1h`, `30m`, `1d`, `PT1H`, `P1D`, `P1DT12H`, `5` (minutes). Undefined when unreadable.
 * @example parseDuration('PT5H') === 18000000
 */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return v * 60_000;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  const simple = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(t);
  if (simple) return Number(simple[1]) * (units[(simple[2] ?? '').toLowerCase()] ?? 0);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(t);
  if (iso && t.length > 1) {
    const [, d, h, m, s] = iso;
    return (
      Number(d ?? 0) * 86_400_000 +
      Number(h ?? 0) * 3_600_000 +
      Number(m ?? 0) * 60_000 +
      Number(s ?? 0) * 1000
    );
  }
  if (/^\d+$/.test(t)) return Number(t) * 60_000;
  return undefined;
}

const severities: Readonly<Record<string, SeverityLevel>> = {
  informational: 'informational',
  info: 'informational',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

const entityKinds: Readonly<Record<string, string>> = {
  account: 'users',
  user: 'users',
  ip: 'ips',
  azureresource: 'clusters',
  cluster: 'clusters',
  kubernetescluster: 'clusters',
  kubernetesnamespace: 'namespaces',
  namespace: 'namespaces',
  kubernetespod: 'pods',
  pod: 'pods',
  container: 'pods',
  containerimage: 'images',
  image: 'images',
  host: 'hosts',
  process: 'processes',
  url: 'urls',
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(str).filter((x): x is string => !!x) : str(v) ? [str(v) as string] : [];

const ruleMarkers = new Set([
  'queryFrequency',
  'queryPeriod',
  'triggerOperator',
  'detectionType',
  'frequency',
  'impactedEntities',
  'entityMappings',
  'requiredDataConnectors',
]);

/**
 * Does this YAML/JSON text look like a Sentinel or Defender KQL rule? It needs a `query` and one of
 * the scheduling/entity keys; Sigma (`detection:`/`logsource:`) and Elastic exports (`language`,
 * `rule_id`) are never claimed.
 * @example looksLikeKustoRule('query: T | take 1\nqueryFrequency: 1h') === true
 */
export function looksLikeKustoRule(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Obj;
      return (
        typeof o.query === 'string' &&
        o.rule_id === undefined &&
        o.language === undefined &&
        Object.keys(o).some((k) => ruleMarkers.has(k))
      );
    } catch {
      return false;
    }
  }
  if (!/^["']?query["']?\s*:/m.test(text)) return false;
  if (/^(detection|logsource|rule_id|language)\s*:/m.test(text)) return false;
  return [...text.matchAll(/^["']?([A-Za-z]+)["']?\s*:/gm)].some((m) => ruleMarkers.has(m[1] ?? ''));
}

/** Offsets (in `fileText`) of each line of `query`, found by searching the file after `from`. */
function lineOffsets(fileText: string, query: string, from: number): number[] {
  const out: number[] = [];
  let pos = from;
  for (const line of query.split('\n')) {
    const t = line.trimStart();
    const i = t ? fileText.indexOf(t, pos) : -1;
    if (i >= 0) {
      out.push(i - (line.length - t.length));
      pos = i + t.length;
    } else out.push(-1);
  }
  return out;
}

/**
 * Maps a diagnostic whose span points into the rule's query onto the rule file.
 */
export function mapQueryDiagnostic(
  d: Diagnostic,
  spec: KustoRuleSpec,
  file: string,
  fileText: string,
): Diagnostic {
  if (!d.span) return { ...d, file, source: d.source ?? spec.query };
  const toFile = (off: number): number | undefined => {
    let lineStart = 0;
    const lines = spec.query.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const len = (lines[i] ?? '').length;
      if (off <= lineStart + len) {
        const base = spec.queryLineOffsets[i];
        return base === undefined || base < 0 ? undefined : base + (off - lineStart);
      }
      lineStart += len + 1;
    }
    return undefined;
  };
  const s = toFile(d.span.start);
  const e = toFile(d.span.end);
  if (s === undefined || e === undefined) return { ...d, file, source: spec.query };
  return { ...d, file, source: fileText, span: span(s, e) };
}

function specFromObject(
  o: Obj,
  file: string,
  fileText: string,
  queryFrom: number,
  shape: 'sentinel' | 'defender',
): KustoRuleSpec {
  const query = str(o.query) ?? '';
  const defender = shape === 'defender';
  const freqRaw = defender ? o.frequency : o.queryFrequency;
  const nrt =
    str(o.kind)?.toUpperCase() === 'NRT' || (defender && /^(0|continuous|nrt)$/i.test(String(freqRaw ?? '')));
  const frequencyMs = nrt ? 60_000 : (parseDuration(freqRaw) ?? 3_600_000);
  let periodMs = nrt ? 60_000 : (parseDuration(o.queryPeriod ?? o.lookback) ?? frequencyMs);
  if (defender && !nrt && o.lookback === undefined)
    periodMs = frequencyMs >= 86_400_000 ? 30 * 86_400_000 : 4 * frequencyMs;
  const ado = (o.alertDetailsOverride ?? {}) as Obj;
  const entities: { kind: string; column: string }[] = [];
  for (const m of Array.isArray(o.entityMappings) ? (o.entityMappings as Obj[]) : []) {
    const kind =
      entityKinds[String(m.entityType ?? '').toLowerCase()] ?? String(m.entityType ?? 'other').toLowerCase();
    for (const f of Array.isArray(m.fieldMappings) ? (m.fieldMappings as Obj[]) : []) {
      const column = str(f.columnName);
      if (column) entities.push({ kind, column });
    }
  }
  for (const m of Array.isArray(o.impactedEntities) ? (o.impactedEntities as Obj[]) : []) {
    const kind =
      entityKinds[String(m.type ?? m.entityType ?? '').toLowerCase()] ??
      String(m.type ?? 'other').toLowerCase();
    const column = str(m.column ?? m.columnName);
    if (column) entities.push({ kind, column });
  }
  const customDetails: Record<string, string> = {};
  if (o.customDetails && typeof o.customDetails === 'object')
    for (const [k, v] of Object.entries(o.customDetails as Obj))
      if (str(v)) customDetails[k] = str(v) as string;
  const grouping = str((o.eventGroupingSettings as Obj | undefined)?.aggregationKind);
  const op = (str(o.triggerOperator) ?? 'gt').toLowerCase();
  const sev = severities[(str(o.severity) ?? 'medium').toLowerCase()] ?? 'medium';
  const titleFormat = str(ado.alertDisplayNameFormat);
  const descriptionFormat = str(ado.alertDescriptionFormat);
  const severityColumn = str(ado.alertSeverityColumnName);
  const description = str(o.description)?.trim();
  const guide = str(o.guide ?? o.note);
  const status = str(o.status);
  const author = strs(o.author);
  return {
    shape,
    id: str(o.id) ?? file,
    name: str(o.name ?? o.displayName ?? o.title) ?? file,
    severity: sev,
    query,
    queryLineOffsets: lineOffsets(fileText, query, queryFrom),
    frequencyMs,
    periodMs,
    triggerOperator: op === 'lt' || op === 'eq' || op === 'ne' ? op : op === 'greaterthan' ? 'gt' : 'gt',
    triggerThreshold: Number(o.triggerThreshold ?? 0) || 0,
    perResult: defender || grouping === 'AlertPerResult',
    tactics: [...strs(o.tactics), ...strs(o.category)],
    techniques: [...strs(o.relevantTechniques), ...strs(o.mitreTechniques), ...strs(o.techniques)],
    entities,
    customDetails,
    tags: strs(o.tags),
    references: strs(o.references),
    falsePositives: strs(o.falsePositives),
    enabled: o.enabled !== false,
    ...(description ? { description } : {}),
    ...(guide ? { guide } : {}),
    ...(titleFormat ? { titleFormat } : {}),
    ...(descriptionFormat ? { descriptionFormat } : {}),
    ...(severityColumn ? { severityColumn } : {}),
    ...(status ? { status } : {}),
    ...(author.length ? { author } : {}),
  };
}

export interface SpecResult {
  readonly spec?: KustoRuleSpec;
  readonly diagnostics: Diagnostic[];
  /** A saved hunt (.kql without schedule), not a rule. */
  readonly savedHunt?: boolean;
}

/**
 * Reads a Sentinel / Defender YAML or JSON rule file.
 * @example readKustoRuleFile('rules/kusto/x.yaml', text).spec?.frequencyMs
 */
export function readKustoRuleFile(file: string, text: string): SpecResult {
  if (/\.kql$/i.test(file)) return readKqlFile(file, text);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  if (doc.errors.length) {
    return {
      diagnostics: doc.errors.map((e) => ({
        code: 'RUL101',
        severity: 'error' as const,
        message: `not valid YAML/JSON: ${e.message.split('\n')[0]}`,
        file,
        source: text,
        span: span(e.pos[0], e.pos[1]),
      })),
    };
  }
  const o = doc.toJS() as unknown;
  if (!o || typeof o !== 'object' || Array.isArray(o) || typeof (o as Obj).query !== 'string') {
    return {
      diagnostics: [{ code: 'RUL102', severity: 'error', message: 'a Kusto rule needs a query: text', file }],
    };
  }
  let queryFrom = 0;
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      if (isScalar(item.key) && item.key.value === 'query' && isScalar(item.value) && item.value.range)
        queryFrom = item.value.range[0];
    }
  }
  const obj = o as Obj;
  const shape =
    obj.detectionType === 'defender' || (obj.frequency !== undefined && obj.queryFrequency === undefined)
      ? 'defender'
      : 'sentinel';
  const spec = specFromObject(obj, file, text, queryFrom, shape);
  const diagnostics: Diagnostic[] = [];
  const freqRaw = shape === 'defender' ? obj.frequency : obj.queryFrequency;
  if (
    freqRaw !== undefined &&
    parseDuration(freqRaw) === undefined &&
    !/^(0|continuous|nrt)$/i.test(String(freqRaw))
  )
    diagnostics.push({
      code: 'RUL103',
      severity: 'warning',
      message: `unreadable frequency '${String(freqRaw)}', using 1h`,
      file,
    });
  return { spec, diagnostics };
}

function readKqlFile(file: string, text: string): SpecResult {
  const header: Obj = {};
  const lines = text.split('\n');
  let i = 0;
  let offset = 0;
  for (; i < lines.length; i++) {
    const m = /^\s*\/\/\s*([A-Za-z_]+)\s*:\s*(.*)$/.exec(lines[i] ?? '');
    if (!m) {
      if ((lines[i] ?? '').trim() === '' || /^\s*\/\//.test(lines[i] ?? '')) {
        offset += (lines[i] ?? '').length + 1;
        continue;
      }
      break;
    }
    const key = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim();
    header[key] = ['tactics', 'techniques', 'tags', 'references'].includes(key)
      ? value.split(/\s*,\s*/).filter(Boolean)
      : value;
    offset += (lines[i] ?? '').length + 1;
  }
  if (header.severity === undefined && header.frequency === undefined)
    return { diagnostics: [], savedHunt: true };
  const query = lines.slice(i).join('\n');
  const o: Obj = {
    ...header,
    query,
    queryFrequency: header.frequency,
    queryPeriod: header.period,
    relevantTechniques: header.techniques,
    name: header.name ?? header.title,
  };
  const spec = specFromObject(o, file, text, offset, 'sentinel');
  return { spec: { ...spec, shape: 'kql' }, diagnostics: [] };
}
