import { createRequire } from 'node:module';

/**
 * Lazy loader for Microsoft's official Kusto parser (`@kusto/language-service-next`, a Bridge.NET
 * compile of Kusto.Language). The package is 16 MB of classic script that attaches globals, so it is
 * loaded only when KQL is used, once per process: first the Bridge runtime (`bridge.js`, defines
 * `Bridge` and `System`), then `Kusto.Language.Bridge.js` (defines `Kusto`). See docs/kusto.md §1.
 *
 * Only the small structural surface we use is typed here (the package's own 1.7 MB ambient d.ts
 * is not pulled into the build).
 */

/** A Bridge `IReadOnlyList<T>`. */
export interface BList<T> {
  readonly Count: number;
  getItem(i: number): T;
}

export interface BSymbol {
  readonly Name: string;
  readonly Kind: number;
  readonly Columns?: BList<BSymbol>;
  readonly Type?: BSymbol;
}

/** A syntax element (node or token) of the official tree. */
export interface BElement {
  readonly Kind: number;
  readonly IsToken: boolean;
  readonly IsMissing: boolean;
  readonly TextStart: number;
  readonly End: number;
  readonly ChildCount: number;
  readonly Text?: string | null;
  readonly LiteralValue?: unknown;
  readonly ResultType?: BSymbol | null;
  readonly ReferencedSymbol?: BSymbol | null;
  GetChild(i: number): BElement | null;
  GetName(i: number): string | null;
}

export interface BDiagnostic {
  readonly Code: string;
  readonly Severity: string;
  readonly Message: string;
  readonly Start: number;
  readonly Length: number;
}

export interface BCode {
  readonly Syntax: BElement;
  readonly ResultType: BSymbol | null;
  GetDiagnostics(): BList<BDiagnostic>;
}

/** The parts of `Kusto.Language` we call. */
export interface KustoApi {
  readonly KustoCode: {
    Parse(text: string, globals: unknown): BCode;
    ParseAndAnalyze(text: string, globals: unknown): BCode;
  };
  readonly GlobalState: { readonly Default: { WithDatabase(db: unknown): unknown } };
  readonly Symbols: {
    readonly TableSymbol: {
      $ctor7: new (name: string, schema: string, description: string | null) => unknown;
    };
    readonly DatabaseSymbol: { $ctor1: new (name: string, tables: unknown[], isOpen: boolean) => unknown };
  };
  readonly Syntax: { readonly SyntaxKind: unknown };
}

export interface KustoRuntime {
  readonly api: KustoApi;
  /** The SyntaxKind enum member name of a numeric kind. */
  kindName(kind: number): string;
  /** Symbol kind name (`Column`, `Table`, `Function`, `Variable`, `Parameter` ...). */
  symbolKindName(kind: number): string;
}

let runtime: KustoRuntime | undefined;

/**
 * Loads the official parser once (about 0.5 s; the first parse then builds the grammar, about 1.3 s).
 * @example const rt = loadKustoRuntime(); rt.api.KustoCode.Parse('print 1', globals)
 */
export function loadKustoRuntime(): KustoRuntime {
  if (runtime) return runtime;
  const require = createRequire(import.meta.url);
  require('@kusto/language-service-next/bridge.js');
  require('@kusto/language-service-next/Kusto.Language.Bridge.js');
  const g = globalThis as unknown as {
    Kusto: { Language: KustoApi & { Symbols: { SymbolKind: unknown } } };
    System: { Enum: { toString(e: unknown, v: number): string } };
  };
  const api = g.Kusto.Language;
  const sys = g.System;
  const kindCache = new Map<number, string>();
  const symCache = new Map<number, string>();
  runtime = {
    api,
    kindName(kind) {
      let n = kindCache.get(kind);
      if (n === undefined) kindCache.set(kind, (n = sys.Enum.toString(api.Syntax.SyntaxKind, kind)));
      return n;
    },
    symbolKindName(kind) {
      let n = symCache.get(kind);
      if (n === undefined) symCache.set(kind, (n = sys.Enum.toString(api.Symbols.SymbolKind, kind)));
      return n;
    },
  };
  return runtime;
}

/** Converts a Bridge list to an array. */
export function toArray<T>(l: BList<T> | null | undefined): T[] {
  const out: T[] = [];
  if (l) for (let i = 0; i < l.Count; i++) out.push(l.getItem(i));
  return out;
}
