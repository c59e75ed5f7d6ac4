import { isAlias, isMap, isPair, isScalar, isSeq, type Node, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../../diag/diagnostic.js';
import type { Span } from '../../diag/span.js';
import { SIG } from './codes.js';

/**
 * A YAML value with source spans, independent of the yaml package's classes so that Sigma
 * collections (`action: global` / `repeat`) can merge documents node by node and still point every
 * diagnostic at the line it came from.
 */
export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  readonly kind: 'map';
  readonly entries: readonly YEntry[];
  readonly span: Span;
}
export interface YEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: YNode;
}
export interface YSeq {
  readonly kind: 'seq';
  readonly items: readonly YNode[];
  readonly span: Span;
}
export interface YScalar {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  /** The scalar's source text for plain (unquoted) scalars: `1.0` stays `1.0`, `0x1f` stays `0x1f`. */
  readonly text: string;
  readonly quoted: boolean;
  readonly span: Span;
}

/** One YAML document of a file, with its span. `root` is undefined for an empty document. */
export interface YDoc {
  readonly root: YNode | undefined;
  readonly span: Span;
}

/**
 * Parses every document of a YAML text. Syntax errors become SIG001 diagnostics; a document with
 * errors is dropped (its problems reported), the others are returned.
 * @example parseYamlDocs('title: x\n---\ntitle: y\n', 'r.yml').docs.length === 2
 */
export function parseYamlDocs(text: string, file: string): { docs: YDoc[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const docs: YDoc[] = [];
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { uniqueKeys: false });
  } catch (e) {
    diagnostics.push({
      code: SIG.yamlSyntax,
      severity: 'error',
      message: `YAML: ${(e as Error).message}`,
      file,
    });
    return { docs, diagnostics };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  if (!Array.isArray(parsed)) {
    // EmptyStream: nothing to read.
    return { docs, diagnostics };
  }
  for (const d of list) {
    if (d.errors.length) {
      for (const e of d.errors)
        diagnostics.push({
          code: SIG.yamlSyntax,
          severity: 'error',
          message: `YAML: ${e.message.split('\n')[0]}`,
          span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) },
          file,
          source: text,
        });
      continue;
    }
    const r = d.range ?? [0, text.length];
    docs.push({
      root: d.contents ? convert(d.contents as Node, text) : undefined,
      span: { start: r[0], end: r[1] },
    });
  }
  return { docs, diagnostics };
}

function spanOf(n: { range?: [number, number, number] | null }): Span {
  const r = n.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function convert(n: Node, text: string, depth = 0): YNode {
  if (depth > 64) return { kind: 'scalar', value: null, text: '', quoted: false, span: spanOf(n) };
  if (isMap(n)) {
    const entries: YEntry[] = [];
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const k = p.key as Node | null;
      const key = k && isScalar(k) ? String(k.value) : k ? String(k) : '';
      const keySpan = k ? spanOf(k) : spanOf(n);
      const v = p.value as Node | null;
      const value: YNode = v
        ? convert(v, text, depth + 1)
        : {
            kind: 'scalar',
            value: null,
            text: '',
            quoted: false,
            span: { start: keySpan.end, end: keySpan.end },
          };
      entries.push({ key, keySpan, value });
    }
    return { kind: 'map', entries, span: spanOf(n) };
  }
  if (isSeq(n))
    return { kind: 'seq', items: n.items.map((x) => convert(x as Node, text, depth + 1)), span: spanOf(n) };
  if (isScalar(n)) {
    const span = spanOf(n);
    const quoted = n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE';
    const v = n.value;
    const value =
      v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
    const src = quoted || typeof value === 'string' ? String(value ?? '') : text.slice(span.start, span.end);
    return { kind: 'scalar', value, text: src, quoted, span };
  }
  if (isAlias(n)) return { kind: 'scalar', value: null, text: '', quoted: false, span: spanOf(n) };
  return { kind: 'scalar', value: null, text: '', quoted: false, span: spanOf(n) };
}

/** The entry of a map by key (first one). */
export function entry(m: YMap, key: string): YEntry | undefined {
  return m.entries.find((e) => e.key === key);
}

/** Deep merge for Sigma collections: maps merge key by key (`over` wins), anything else is replaced. */
export function mergeNodes(base: YNode, over: YNode): YNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const out: YEntry[] = [];
  for (const e of base.entries) {
    const o = entry(over, e.key);
    out.push(o ? { key: e.key, keySpan: o.keySpan, value: mergeNodes(e.value, o.value) } : e);
  }
  for (const o of over.entries) if (!entry(base, o.key)) out.push(o);
  return { kind: 'map', entries: out, span: over.span };
}

/** Plain JS of a node (for metadata fields). */
export function toJs(n: YNode): unknown {
  switch (n.kind) {
    case 'scalar':
      return n.value;
    case 'seq':
      return n.items.map(toJs);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const e of n.entries) o[e.key] = toJs(e.value);
      return o;
    }
  }
}

/** A scalar's text (undefined for null or non-scalars). */
export function scalarText(n: YNode | undefined): string | undefined {
  if (n?.kind !== 'scalar' || n.value === null) return undefined;
  return String(n.value);
}

/** A scalar or list of scalars as strings (tags, references, falsepositives). */
export function stringList(n: YNode | undefined): string[] {
  if (!n) return [];
  if (n.kind === 'scalar') return n.value === null ? [] : [String(n.value)];
  if (n.kind === 'seq')
    return n.items.flatMap((x) => (x.kind === 'scalar' && x.value !== null ? [String(x.value)] : []));
  return [];
}

/** Rule references (`rules:` of correlations and filters): one scalar or a list, with spans. */
export function refList(n: YNode | undefined): { ref: string; span: Span }[] {
  if (!n) return [];
  if (n.kind === 'scalar' && n.value !== null) return [{ ref: String(n.value), span: n.span }];
  if (n.kind === 'seq')
    return n.items.flatMap((x) =>
      x.kind === 'scalar' && x.value !== null ? [{ ref: String(x.value), span: x.span }] : [],
    );
  return [];
}
