import type { ColumnDef, KType } from '../../ir/query.js';
import { type BElement, type BSymbol, type KustoRuntime, toArray } from './kusto-runtime.js';

/**
 * A plain-JSON copy of the official syntax tree: what the lowering pass reads. Converting once keeps
 * the Bridge objects (and their overloaded `$ctorN` API) out of the rest of the front end.
 *
 * - `kind`: the SyntaxKind name (`FilterOperator`, `EqualExpression`, `IdentifierToken`, `List` ...).
 * - `props`: named children (`GetName(i)`), e.g. `Condition`, `Left`, `Operator`, `Right`.
 * - `items`: elements of a syntax list (separated lists are unwrapped to their elements).
 * - `type`: the analyzer's result type for expressions (`string`, `dynamic`, ...); `columns` when it is a table.
 * - `symbol`: what a name refers to (`{kind: 'Column', name: 'Verb'}`).
 */
export interface KNode {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
  readonly text?: string;
  readonly value?: unknown;
  readonly type?: string;
  readonly columns?: ColumnDef[];
  readonly symbol?: { readonly kind: string; readonly name: string; readonly type?: string };
  readonly props: Readonly<Record<string, KNode>>;
  readonly items?: readonly KNode[];
  readonly missing?: boolean;
}

const scalarNames: Readonly<Record<string, KType>> = {
  bool: 'bool',
  boolean: 'bool',
  int: 'int',
  long: 'long',
  real: 'real',
  double: 'real',
  decimal: 'decimal',
  string: 'string',
  datetime: 'datetime',
  date: 'datetime',
  timespan: 'timespan',
  time: 'timespan',
  guid: 'guid',
  uniqueid: 'guid',
  dynamic: 'dynamic',
};

/** Maps a Kusto type name to the IR type (unknown and `dynamic(...)` forms -> dynamic). */
export function ktypeOf(name: string | undefined): KType {
  if (!name) return 'dynamic';
  return scalarNames[name.toLowerCase()] ?? 'dynamic';
}

function columnsOf(rt: KustoRuntime, t: BSymbol): ColumnDef[] | undefined {
  const kind = rt.symbolKindName(t.Kind);
  if (kind !== 'Table' && kind !== 'Tuple' && kind !== 'Group') return undefined;
  if (!t.Columns) return undefined;
  return toArray(t.Columns).map((c) => ({ name: c.Name, type: ktypeOf(c.Type?.Name) }));
}

/**
 * Converts an official syntax element to a `KNode` (iteratively deep trees are rare in queries; the
 * recursion depth is the expression nesting depth).
 * @example const root = toKNode(rt, code.Syntax)
 */
export function toKNode(rt: KustoRuntime, el: BElement): KNode {
  const kind = rt.kindName(el.Kind);
  const base = { kind, start: el.TextStart, end: el.End };
  if (el.IsToken)
    return { ...base, text: el.Text ?? '', props: {}, ...(el.IsMissing ? { missing: true } : {}) };
  const props: Record<string, KNode> = {};
  let items: KNode[] | undefined;
  const isList = kind === 'List';
  for (let i = 0; i < el.ChildCount; i++) {
    const c = el.GetChild(i);
    if (!c) continue;
    if (isList) {
      let e = c;
      if (rt.kindName(c.Kind) === 'SeparatedElement') {
        const inner = c.GetChild(0);
        if (!inner) continue;
        e = inner;
      }
      (items ??= []).push(toKNode(rt, e));
      continue;
    }
    const name = el.GetName(i) ?? `child${i}`;
    props[name] = toKNode(rt, c);
  }
  const out: {
    -readonly [K in keyof KNode]: KNode[K];
  } = { ...base, props };
  if (items) out.items = items;
  if (isList && !items) out.items = [];
  if (el.IsMissing) out.missing = true;
  const rtype = el.ResultType;
  if (rtype) {
    const cols = columnsOf(rt, rtype);
    if (cols) out.columns = cols;
    else out.type = rtype.Name;
  }
  const sym = el.ReferencedSymbol;
  if (sym) {
    const skind = rt.symbolKindName(sym.Kind);
    out.symbol = sym.Type
      ? { kind: skind, name: sym.Name, type: sym.Type.Name }
      : { kind: skind, name: sym.Name };
  }
  if (kind.endsWith('LiteralExpression') && el.LiteralValue !== undefined) out.value = el.LiteralValue;
  return out;
}
