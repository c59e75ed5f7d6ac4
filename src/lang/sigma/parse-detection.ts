import type { Span } from '../../diag/span.js';
import type { ConditionAst, DetectionItem, Selection, SigmaLogsourceAst } from './ast.js';
import { SIG } from './codes.js';
import { type Cond, parseCondition } from './condition.js';
import type { Diags } from './diags.js';
import { isModifier, suggestModifier } from './modifiers.js';
import { entry, scalarText, type YMap, type YNode, type YScalar, type YSeq } from './yaml-tree.js';

const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };

/** Reads the `logsource` block (product, service, category, definition). */
export function parseLogsource(m: YMap, d: Diags): SigmaLogsourceAst | undefined {
  const e = entry(m, 'logsource');
  if (!e) {
    d.add(SIG.missingField, 'error', "missing 'logsource'", { start: m.span.start, end: m.span.start + 1 });
    return undefined;
  }
  if (e.value.kind !== 'map') {
    d.add(SIG.badType, 'error', "'logsource' must be a mapping", e.value.span);
    return undefined;
  }
  const ls = e.value;
  const get = (k: string) => scalarText(entry(ls, k)?.value);
  return {
    ...opt('product', get('product')),
    ...opt('service', get('service')),
    ...opt('category', get('category')),
    ...opt('definition', get('definition')),
  };
}

/** Reads the selections of a detection (or filter) mapping, skipping the given keys. */
export function parseSelections(det: YMap, skip: readonly string[], d: Diags): Map<string, Selection> {
  const out = new Map<string, Selection>();
  for (const e of det.entries) {
    if (skip.includes(e.key)) continue;
    const sel = parseSelection(e.key, e.keySpan, e.value, d);
    if (sel) out.set(e.key, sel);
  }
  return out;
}

function parseSelection(name: string, nameSpan: Span, v: YNode, d: Diags): Selection | undefined {
  const span = v.span;
  if (v.kind === 'map') return { name, groups: [parseItems(v, d)], span, nameSpan };
  if (v.kind === 'scalar') {
    if (v.value === null) {
      d.add(SIG.badSelection, 'error', `selection '${name}' is empty`, nameSpan);
      return undefined;
    }
    return { name, groups: [[keywordItem([v], span)]], span, nameSpan };
  }
  // A list: of maps (OR of ANDs), or of plain values (keywords), or both.
  const groups: DetectionItem[][] = [];
  const keywords: YScalar[] = [];
  for (const it of v.items) {
    if (it.kind === 'map') groups.push(parseItems(it, d));
    else if (it.kind === 'scalar') keywords.push(it);
    else d.add(SIG.badSelection, 'error', `selection '${name}': nested lists are not Sigma`, it.span);
  }
  if (keywords.length) groups.push([keywordItem(keywords, span)]);
  if (groups.length === 0) {
    d.add(SIG.badSelection, 'error', `selection '${name}' is empty`, nameSpan);
    return undefined;
  }
  return { name, groups, span, nameSpan };
}

const keywordItem = (values: YScalar[], span: Span): DetectionItem => ({
  field: undefined,
  modifiers: [],
  values,
  span,
  keySpan: span,
});

function parseItems(m: YMap, d: Diags): DetectionItem[] {
  const items: DetectionItem[] = [];
  for (const e of m.entries) {
    const [fieldRaw, ...mods] = e.key.split('|');
    const field = fieldRaw ?? '';
    let off = e.keySpan.start + field.length + 1;
    const modifiers: string[] = [];
    for (const mod of mods) {
      const mspan = { start: off, end: off + mod.length };
      off += mod.length + 1;
      if (!isModifier(mod)) {
        const s = suggestModifier(mod);
        d.add(
          SIG.unknownModifier,
          'error',
          `unknown modifier '${mod}'`,
          mspan,
          s ? `did you mean '${s}'?` : undefined,
        );
        continue;
      }
      modifiers.push(mod);
    }
    const values: YScalar[] = [];
    const v = e.value;
    if (v.kind === 'scalar') values.push(v);
    else if (v.kind === 'seq') {
      for (const x of (v as YSeq).items) {
        if (x.kind === 'scalar') values.push(x);
        else d.add(SIG.badValue, 'error', `values of '${e.key}' must be scalars`, x.span);
      }
      if (v.items.length === 0)
        d.add(SIG.badValue, 'error', `'${e.key}' has an empty list of values`, v.span);
    } else d.add(SIG.badValue, 'error', `values of '${e.key}' must be a scalar or a list`, v.span);
    items.push({
      field: field === '' ? undefined : field,
      modifiers,
      values,
      span: { start: e.keySpan.start, end: v.span.end },
      keySpan: e.keySpan,
    });
  }
  return items;
}

/** Reads `condition` (a string or a list of strings, OR-ed) and checks the selection names it uses. */
export function parseConditions(
  n: YNode,
  selections: ReadonlyMap<string, Selection>,
  d: Diags,
): ConditionAst[] | undefined {
  const scalars: YScalar[] = [];
  if (n.kind === 'scalar' && typeof n.value === 'string') scalars.push(n);
  else if (n.kind === 'seq') {
    for (const x of n.items) {
      if (x.kind === 'scalar' && typeof x.value === 'string') scalars.push(x);
      else d.add(SIG.badCondition, 'error', 'a condition must be a string', x.span);
    }
  } else {
    d.add(SIG.badCondition, 'error', 'a condition must be a string or a list of strings', n.span);
    return undefined;
  }
  const out: ConditionAst[] = [];
  let ok = true;
  for (const s of scalars) {
    const c = conditionOf(s, selections, d);
    if (!c.cond) ok = false;
    out.push(c);
  }
  return ok && out.length ? out : undefined;
}

/** Parses one condition scalar and checks the names it uses. */
export function conditionOf(s: YScalar, selections: ReadonlyMap<string, Selection>, d: Diags): ConditionAst {
  const text = String(s.value);
  const base = s.span.start + (s.quoted ? 1 : 0);
  const { cond, problems } = parseCondition(text, base);
  for (const p of problems) d.add(p.code, 'error', p.message, p.span, p.hint);
  if (cond && !checkRefs(cond, selections, d)) return { text, cond: undefined, span: s.span };
  return { text, cond, span: s.span };
}

function checkRefs(c: Cond, sels: ReadonlyMap<string, Selection>, d: Diags): boolean {
  switch (c.kind) {
    case 'Ref':
      if (!sels.has(c.name)) {
        const near = [...sels.keys()].find((k) => k.toLowerCase() === c.name.toLowerCase());
        d.add(
          SIG.undefinedSelection,
          'error',
          `undefined selection '${c.name}'`,
          c.span,
          near ? `did you mean '${near}'?` : undefined,
        );
        return false;
      }
      return true;
    case 'Of': {
      if (c.pattern === undefined) {
        if (sels.size === 0) {
          d.add(SIG.undefinedSelection, 'error', "'them' but the detection has no selections", c.span);
          return false;
        }
        return true;
      }
      const re = globToRegExp(c.pattern);
      if (![...sels.keys()].some((k) => re.test(k))) {
        d.add(SIG.undefinedSelection, 'error', `no selection matches '${c.pattern}'`, c.span);
        return false;
      }
      return true;
    }
    case 'And':
    case 'Or':
      return c.args.map((a) => checkRefs(a, sels, d)).every(Boolean);
    case 'Not':
      return checkRefs(c.arg, sels, d);
  }
}

/** A selection-name pattern (`selection_*`) as an anchored RegExp over a fixed, escaped alphabet. */
export function globToRegExp(p: string): RegExp {
  const esc = p
    .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}
