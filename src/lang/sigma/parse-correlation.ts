import type { Span } from '../../diag/span.js';
import type { CmpOp, CorrelationAst, CorrelationType, SigmaMeta, SigmaOrigin } from './ast.js';
import { SIG } from './codes.js';
import type { Diags } from './diags.js';
import { entry, refList, scalarText, stringList, type YMap, type YNode } from './yaml-tree.js';

const CORRELATION_TYPES = new Set<CorrelationType>([
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
]);
const CMP_OPS = new Set<CmpOp>(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);
const timespanUnits: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `10m`, `1h`, `2d`... in milliseconds; undefined when malformed. */
export function parseTimespan(s: string): number | undefined {
  const m = /^(\d+)\s*([smhdw])$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n * timespanUnits[m[2]!]! : undefined;
}

/** Reads a correlation rule (`correlation:` block) into its AST; problems go to `d`. */
export function parseCorrelation(
  m: YMap,
  c: YNode,
  meta: SigmaMeta | undefined,
  d: Diags,
  org: SigmaOrigin,
): CorrelationAst | undefined {
  if (c.kind !== 'map') {
    d.add(SIG.badCorrelation, 'error', "'correlation' must be a mapping", c.span);
    return undefined;
  }
  let ok = true;
  const bad = (msg: string, span: Span, hint?: string) => {
    d.add(SIG.badCorrelation, 'error', msg, span, hint);
    ok = false;
  };
  const typeText = scalarText(entry(c, 'type')?.value);
  if (!typeText) bad("missing correlation 'type'", c.span);
  else if (!CORRELATION_TYPES.has(typeText as CorrelationType))
    bad(
      `unknown correlation type '${typeText}'`,
      entry(c, 'type')!.value.span,
      [...CORRELATION_TYPES].join(', '),
    );
  const kind = typeText as CorrelationType;
  const rules = refList(entry(c, 'rules')?.value);
  if (rules.length === 0) bad("correlation needs 'rules'", c.span);
  const groupBy = stringList(entry(c, 'group-by')?.value);
  const tsEntry = entry(c, 'timespan') ?? entry(c, 'timeframe');
  let timespanMs = 0;
  if (!tsEntry) bad("correlation needs 'timespan'", c.span);
  else {
    const ts = parseTimespan(String(scalarText(tsEntry.value) ?? ''));
    if (ts === undefined) {
      d.add(
        SIG.badTimespan,
        'error',
        `invalid timespan '${scalarText(tsEntry.value) ?? ''}'`,
        tsEntry.value.span,
        'a number and s, m, h, d or w: 10m, 1h, 2d',
      );
      ok = false;
    } else timespanMs = ts;
  }
  const condition: { op: CmpOp; value: number }[] = [];
  let field: string | undefined;
  let percentile: number | undefined;
  const condEntry = entry(c, 'condition');
  const temporal = kind === 'temporal' || kind === 'temporal_ordered';
  if (condEntry) {
    if (condEntry.value.kind !== 'map')
      bad("correlation 'condition' must be a mapping like {gte: 10}", condEntry.value.span);
    else
      for (const e of condEntry.value.entries) {
        if (e.key === 'field') field = scalarText(e.value);
        else if (e.key === 'percentile') {
          const p = Number(scalarText(e.value));
          if (!(p >= 0 && p <= 100)) bad('percentile must be a number from 0 to 100', e.value.span);
          else percentile = p;
        } else if (CMP_OPS.has(e.key as CmpOp)) {
          const v = Number(scalarText(e.value));
          if (Number.isNaN(v)) bad(`'${e.key}' needs a number`, e.value.span);
          else condition.push({ op: e.key as CmpOp, value: v });
        } else bad(`unknown condition operator '${e.key}'`, e.keySpan, 'gt, gte, lt, lte, eq or neq');
      }
  } else if (!temporal) bad("correlation needs a 'condition'", c.span);
  if (condEntry && condition.length === 0 && !temporal)
    bad('the condition needs a comparison (gt, gte, lt, lte, eq, neq)', condEntry.value.span);
  const needsField =
    kind === 'value_count' ||
    kind === 'value_sum' ||
    kind === 'value_avg' ||
    kind === 'value_percentile' ||
    kind === 'value_median';
  if (needsField && !field) bad(`'${kind}' needs 'field' in its condition`, condEntry?.value.span ?? c.span);
  if (kind === 'value_median') percentile = 50;
  const aliases = new Map<string, Map<string, string>>();
  const al = entry(c, 'aliases')?.value;
  if (al?.kind === 'map')
    for (const a of al.entries) {
      const per = new Map<string, string>();
      if (a.value.kind === 'map')
        for (const r of a.value.entries) per.set(r.key, String(scalarText(r.value) ?? ''));
      else bad(`alias '${a.key}' must map rule names to fields`, a.value.span);
      aliases.set(a.key, per);
    }
  const gen = entry(c, 'generate') ?? entry(m, 'generate');
  const generate = gen?.value.kind === 'scalar' && gen.value.value === true;
  if (!meta || !ok) return undefined;
  return {
    type: 'correlation',
    meta,
    kind,
    rules,
    groupBy,
    timespanMs,
    condition,
    ...(field !== undefined ? { field } : {}),
    ...(percentile !== undefined ? { percentile } : {}),
    aliases,
    generate,
    origin: org,
  };
}
