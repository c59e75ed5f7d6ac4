import type { Diagnostic } from '../../diag/diagnostic.js';
import { lineCol, type Span } from '../../diag/span.js';
import type { SigmaDoc, SigmaMeta, SigmaOrigin } from './ast.js';
import { SIG } from './codes.js';
import { Diags } from './diags.js';
import { parseCorrelation } from './parse-correlation.js';
import { parseConditions, parseLogsource, parseSelections } from './parse-detection.js';
import { parseFilter } from './parse-filter.js';
import {
  entry,
  mergeNodes,
  parseYamlDocs,
  scalarText,
  stringList,
  type YMap,
  type YNode,
} from './yaml-tree.js';

export { Diags } from './diags.js';
export { conditionOf, globToRegExp } from './parse-detection.js';
export { parseTimespan } from './parse-correlation.js';

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);

/** The parse of one Sigma file: its documents and every problem found (all at once). */
export interface SigmaParse {
  readonly docs: SigmaDoc[];
  /** Per document, with the diagnostics that belong to it (file-level ones are only in `diagnostics`). */
  readonly units: SigmaUnit[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses a Sigma YAML file: single or multi-document, legacy rule collections (`action: global`
 * merged into every following document until `action: reset`; `action: repeat` re-uses the
 * previous document with the new keys merged in), correlation rules and filters. Never throws on
 * user input; every problem is a SIG### diagnostic with a span.
 * @example const { docs, diagnostics } = parseSigmaText(text, 'rules/x.yml');
 */
export function parseSigmaText(text: string, file: string): SigmaParse {
  const { docs: ydocs, diagnostics } = parseYamlDocs(text, file);
  const out: SigmaDoc[] = [];
  const units: SigmaUnit[] = [];
  const d = new Diags(diagnostics, file, text);
  let global: YNode | undefined;
  let previous: YNode | undefined;
  const unit = (merged: YMap, at: Span, collection: boolean) => {
    const list: Diagnostic[] = [];
    const org = origin(file, text, at);
    const doc = parseDoc(merged, new Diags(list, file, text), collection ? { ...org, collection } : org);
    const ls = entry(merged, 'logsource')?.value;
    const logsource: Record<string, string> = {};
    if (ls?.kind === 'map')
      for (const e of ls.entries)
        if (e.value.kind === 'scalar' && e.value.value !== null) logsource[e.key] = String(e.value.value);
    units.push({ span: at, logsource, ...(doc ? { doc } : {}), diagnostics: list });
    diagnostics.push(...list);
    if (doc) out.push(doc);
  };
  for (const yd of ydocs) {
    const root = yd.root;
    if (!root) continue;
    if (root.kind !== 'map') {
      d.add(SIG.notAMapping, 'error', 'a Sigma document must be a mapping', root.span);
      continue;
    }
    const action = scalarText(entry(root, 'action')?.value);
    if (action !== undefined) {
      const rest: YMap = {
        kind: 'map',
        entries: root.entries.filter((e) => e.key !== 'action'),
        span: root.span,
      };
      if (action === 'global') {
        global = global ? mergeNodes(global, rest) : rest;
        continue;
      }
      if (action === 'reset') {
        global = undefined;
        continue;
      }
      if (action === 'repeat') {
        if (!previous) {
          d.add(
            SIG.badCollection,
            'error',
            "'action: repeat' without a previous rule",
            entry(root, 'action')!.keySpan,
          );
          continue;
        }
        const merged = mergeNodes(previous, rest) as YMap;
        previous = merged;
        unit(merged, root.span, true);
        continue;
      }
      d.add(
        SIG.badCollection,
        'error',
        `unknown collection action '${action}' (global, reset or repeat)`,
        entry(root, 'action')!.value.span,
      );
      continue;
    }
    const merged = global ? (mergeNodes(global, root) as YMap) : root;
    previous = merged;
    unit(merged, root.span, global !== undefined);
  }
  return { docs: out, units, diagnostics };
}

/** One document of a file after collection merging: its log source (raw), its parse, its own problems. */
export interface SigmaUnit {
  readonly span: Span;
  readonly logsource: Readonly<Record<string, string>>;
  readonly doc?: SigmaDoc;
  readonly diagnostics: readonly Diagnostic[];
}

function origin(file: string, source: string, span: Span): SigmaOrigin {
  return { file, source, line: lineCol(source, span.start).line, span };
}

/** Collects diagnostics for one file. */
function parseMeta(m: YMap, d: Diags): SigmaMeta | undefined {
  const t = entry(m, 'title');
  if (!t) {
    d.add(SIG.missingField, 'error', "missing 'title'", { start: m.span.start, end: m.span.start + 1 });
    return undefined;
  }
  if (t.value.kind !== 'scalar' || typeof t.value.value !== 'string') {
    d.add(SIG.badType, 'error', "'title' must be a string", t.value.span);
    return undefined;
  }
  const str = (k: string): string | undefined => {
    const e = entry(m, k);
    if (!e) return undefined;
    if (e.value.kind !== 'scalar') {
      d.add(SIG.badType, 'error', `'${k}' must be a scalar`, e.value.span);
      return undefined;
    }
    return e.value.value === null ? undefined : String(e.value.value);
  };
  const level = str('level');
  if (level !== undefined && !LEVELS.has(level)) {
    d.add(
      SIG.badLevel,
      'error',
      `invalid level '${level}'`,
      entry(m, 'level')!.value.span,
      'informational, low, medium, high or critical',
    );
  }
  const status = str('status');
  if (status !== undefined && !STATUSES.has(status)) {
    d.add(
      SIG.badStatus,
      'error',
      `invalid status '${status}'`,
      entry(m, 'status')!.value.span,
      'stable, test, experimental, deprecated or unsupported',
    );
  }
  const tagsNode = entry(m, 'tags')?.value;
  const tags = stringList(tagsNode);
  if (tagsNode?.kind === 'seq')
    for (const it of tagsNode.items) {
      const v = it.kind === 'scalar' ? String(it.value) : '';
      if (/^attack\.t\d/i.test(v) && !/^attack\.t\d{4}(\.\d{3})?$/i.test(v))
        d.add(
          SIG.badTag,
          'warning',
          `malformed ATT&CK technique tag '${v}'`,
          it.span,
          'attack.tNNNN or attack.tNNNN.NNN',
        );
    }
  const author = entry(m, 'author')?.value;
  return {
    title: t.value.value,
    ...opt('id', str('id')),
    ...opt('name', str('name')),
    ...opt('status', status),
    ...opt('description', str('description')),
    ...opt('author', author ? stringList(author).join(', ') : undefined),
    references: stringList(entry(m, 'references')?.value),
    tags,
    falsepositives: stringList(entry(m, 'falsepositives')?.value),
    ...opt('level', level),
    ...opt('date', str('date')),
    ...opt('modified', str('modified')),
    ...opt('license', str('license')),
    fields: stringList(entry(m, 'fields')?.value),
    ...opt('guide', str('guide')),
  };
}

const _opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };

function parseDoc(m: YMap, d: Diags, org: SigmaOrigin): SigmaDoc | undefined {
  const hasCorr = entry(m, 'correlation');
  const hasFilter = entry(m, 'filter');
  const hasDetection = entry(m, 'detection');
  if (!hasCorr && !hasFilter && !hasDetection) {
    d.add(SIG.missingField, 'error', "not a Sigma rule: needs 'detection', 'correlation' or 'filter'", {
      start: m.span.start,
      end: m.span.start + 1,
    });
    return undefined;
  }
  const meta = parseMeta(m, d);
  if (hasCorr) return parseCorrelation(m, hasCorr.value, meta, d, org);
  if (hasFilter) return parseFilter(m, hasFilter.value, meta, d, org);
  const logsource = parseLogsource(m, d);
  const det = hasDetection!.value;
  if (det.kind !== 'map') {
    d.add(SIG.badType, 'error', "'detection' must be a mapping", det.span);
    return undefined;
  }
  const selections = parseSelections(det, ['condition', 'timeframe'], d);
  const tf = entry(det, 'timeframe');
  if (tf)
    d.add(
      SIG.unsupported,
      'warning',
      "'timeframe' in detection is deprecated and ignored; use a correlation rule",
      tf.keySpan,
    );
  const condEntry = entry(det, 'condition');
  if (!condEntry) {
    d.add(SIG.missingField, 'error', "missing 'condition' in detection", {
      start: det.span.start,
      end: det.span.start + 1,
    });
    return undefined;
  }
  const conditions = parseConditions(condEntry.value, selections, d);
  if (!meta || !logsource || !conditions) return undefined;
  return { type: 'rule', meta, logsource, selections, conditions, origin: org };
}

const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
