import type { Diagnostic, Severity } from '../../diag/diagnostic.js';
import { span } from '../../diag/span.js';
import type { ColumnDef, QueryProgram } from '../../ir/query.js';
import { type KustoRuntime, loadKustoRuntime, toArray } from './kusto-runtime.js';
import type { LowerCtx } from './lower-context.js';
import { lowerProgram } from './lower-query.js';
import { compatAliases, type CompatAlias, type TableSchema, withAliases } from './schema.js';
import { toKNode } from './syntax-tree.js';

/** What parsing a KQL query gives: the lowered program (absent when there are errors) and every diagnostic. */
export interface KustoParseResult {
  readonly program?: QueryProgram;
  readonly diagnostics: readonly Diagnostic[];
  /** The result schema the analyzer inferred (empty when unknown). */
  readonly schema: readonly ColumnDef[];
}

export interface KustoParseOptions {
  /** File name for diagnostics. */
  readonly file?: string;
}

const globalsCache = new Map<string, unknown>();
/** Fast path: the same schema array (e.g. the cached view schemas) maps straight to its globals. */
const globalsByArray = new WeakMap<readonly TableSchema[], unknown>();

function schemaText(cols: readonly ColumnDef[]): string {
  const q = (n: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `['${n.replace(/'/g, "\\'")}']`);
  return `(${cols.map((c) => `${q(c.name)}:${c.type}`).join(', ')})`;
}

function globalsFor(rt: KustoRuntime, tables: readonly TableSchema[]): unknown {
  const key = tables.map((t) => `${t.name}${schemaText(t.columns)}`).join(';');
  let g = globalsCache.get(key);
  if (!g) {
    const S = rt.api.Symbols;
    const syms = tables.map((t) => new S.TableSymbol.$ctor7(t.name, schemaText(t.columns), null));
    g = rt.api.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor1('auditscope', syms, false));
    if (globalsCache.size > 16) globalsCache.clear();
    globalsCache.set(key, g);
  }
  return g;
}

/** Maps a parser diagnostic code to ours: syntax KUS001, unknown names KUS002, other semantic KUS003. */
function ourCode(ks: string, severity: Severity): string {
  if (severity !== 'error') return 'KUS005';
  const n = Number(ks.replace(/^KS/, ''));
  if (n > 0 && n < 100) return 'KUS001';
  if (ks === 'KS142' || ks === 'KS204' || ks === 'KS211' || ks === 'KS143') return 'KUS002';
  return 'KUS003';
}

function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[n] ?? 0;
}

function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best && best !== name ? `did you mean '${best}'?` : undefined;
}

/**
 * Parses and analyzes a KQL query with Microsoft's official parser against our table schemas, then
 * lowers it to the tabular IR. Never throws on user input: every problem is a diagnostic
 * (KUS001 syntax, KUS002 unknown name, KUS003 other semantic error, KUS010/KUS011 unsupported
 * operator/function, KUS020 compatibility alias warning).
 * @example const { program, diagnostics } = parseKusto('AKSAudit | where Verb == "create"', tables)
 */
export function parseKusto(
  text: string,
  tables: readonly TableSchema[],
  opts: KustoParseOptions = {},
): KustoParseResult {
  const rt = loadKustoRuntime();
  let globals = globalsByArray.get(tables);
  if (!globals) {
    globals = globalsFor(rt, tables.map(withAliases));
    globalsByArray.set(tables, globals);
  }
  const code = rt.api.KustoCode.ParseAndAnalyze(text, globals);
  const file = opts.file ? { file: opts.file } : {};
  const names = new Set<string>();
  for (const t of tables) {
    names.add(t.name);
    for (const c of t.columns) names.add(c.name);
  }
  const diagnostics: Diagnostic[] = [];
  for (const d of toArray(code.GetDiagnostics())) {
    const sev: Severity = d.Severity === 'Error' ? 'error' : d.Severity === 'Warning' ? 'warning' : 'info';
    if (sev === 'info') continue;
    const m = /The name '([^']+)' does not refer/.exec(d.Message) ?? /'([^']+)'/.exec(d.Message);
    const hint = (d.Code === 'KS142' || d.Code === 'KS204') && m?.[1] ? didYouMean(m[1], names) : undefined;
    diagnostics.push({
      code: ourCode(d.Code, sev),
      severity: sev,
      message: `${d.Message} [${d.Code}]`,
      span: span(d.Start, d.Start + d.Length),
      source: text,
      ...file,
      ...(hint ? { hint } : {}),
    });
  }
  const root = toKNode(rt, code.Syntax);
  const statements = root.props.Statements?.items ?? [];
  const last = statements[statements.length - 1];
  const schema = last?.props.Expression?.columns ?? [];
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, schema };
  const aliases = new Map<string, CompatAlias>();
  for (const a of compatAliases) aliases.set(a.name, a);
  const ctx: LowerCtx = {
    source: text,
    diagnostics: [],
    bindings: [],
    scalars: new Map(),
    tabulars: new Map(),
    functions: new Map(),
    aliases,
    warned: new Set(),
    ids: { next: 1 },
    tables,
  };
  const program = lowerProgram(root, ctx);
  for (const d of ctx.diagnostics) diagnostics.push(opts.file ? { ...d, file: opts.file } : d);
  if (!program) {
    diagnostics.push({
      code: 'KUS006',
      severity: 'error',
      message: 'the query has no tabular expression to run',
      ...file,
    });
    return { diagnostics, schema };
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, schema: program.body.schema };
  return { program, diagnostics, schema: program.body.schema };
}

/**
 * Syntax-only parse (no schema): used by the bench to measure per-query parse cost.
 * @example parseKustoSyntax('print 1').length === 0
 */
export function parseKustoSyntax(text: string): Diagnostic[] {
  const rt = loadKustoRuntime();
  const code = rt.api.KustoCode.Parse(text, rt.api.GlobalState.Default);
  return toArray(code.GetDiagnostics()).map((d) => ({
    code: 'KUS001',
    severity: 'error' as const,
    message: `${d.Message} [${d.Code}]`,
    span: span(d.Start, d.Start + d.Length),
    source: text,
  }));
}
