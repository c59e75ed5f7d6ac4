import type { Diagnostic } from '../../diag/diagnostic.js';
import {
  type EvaluateOptions,
  evaluateProgram,
  type QueryResult,
  type TableProvider,
} from '../../engine/kusto/evaluate.js';
import { QueryRuntimeError } from '../../engine/kusto/regex.js';
import type { Row } from '../../engine/kusto/values.js';
import { hasErrors } from '../../diag/diagnostic.js';
import type { QueryProgram } from '../../ir/query.js';
import { parseKusto } from '../../lang/kusto/parse-kusto.js';
import type { TableSchema } from '../../lang/kusto/schema.js';

/** A table with its rows, for in-memory hunts. */
export interface MemoryTable extends TableSchema {
  readonly rows: Iterable<Row>;
}

export interface RunQueryOptions {
  readonly now?: number;
  readonly file?: string;
}

export interface RunQueryResult {
  readonly result?: QueryResult;
  readonly program?: QueryProgram;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses (official parser + our schemas), lowers and runs a KQL query over in-memory tables. Never
 * throws on user input: problems come back as diagnostics and `result` is absent.
 * @example runKustoQuery('T | count', [{ name: 'T', columns: [{name:'a', type:'long'}], rows: [{a:1}] }])
 */
export function runKustoQuery(
  text: string,
  tables: readonly MemoryTable[],
  opts: RunQueryOptions = {},
): RunQueryResult {
  const byName = new Map(tables.map((t) => [t.name, t.rows]));
  const provider: TableProvider = (n) => byName.get(n);
  return runKustoOver(text, tables, provider, opts);
}

/**
 * Same as runKustoQuery with schemas and a row provider given separately (rows produced lazily).
 * `provider` may also be `{ forProgram }`, called with the lowered program (to build only the columns it
 * reads); it may return evaluator options (`scans`: rows already filtered, scan-plan.ts).
 */
export function runKustoOver(
  text: string,
  schemas: readonly TableSchema[],
  provider:
    | TableProvider
    | { readonly forProgram: (program: QueryProgram) => TableProvider | Omit<EvaluateOptions, 'now'> },
  opts: RunQueryOptions = {},
): RunQueryResult {
  const parsed = parseKusto(text, schemas, opts.file ? { file: opts.file } : {});
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.program || hasErrors(diagnostics)) return { diagnostics };
  const program = parsed.program;
  const tables = () => (typeof provider === 'function' ? provider : provider.forProgram(program));
  return evaluateParsed(text, program, diagnostics, tables, opts);
}

/**
 * Evaluates a parsed program, turning a runtime failure (QueryRuntimeError, also one thrown while
 * the tables are prepared by `tables`) into a KUS030 diagnostic appended to `diagnostics`.
 * @example evaluateParsed(text, program, [], () => ({ tables: () => undefined, scans }), { now })
 */
export function evaluateParsed(
  text: string,
  program: QueryProgram,
  diagnostics: Diagnostic[],
  tables: () => TableProvider | Omit<EvaluateOptions, 'now'>,
  opts: RunQueryOptions = {},
): RunQueryResult {
  try {
    const t = tables();
    const evalOpts: EvaluateOptions = typeof t === 'function' ? { tables: t } : t;
    const result = evaluateProgram(program, {
      ...evalOpts,
      ...(opts.now !== undefined ? { now: opts.now } : {}),
    });
    return { result, program, diagnostics };
  } catch (e) {
    if (!(e instanceof QueryRuntimeError)) throw e;
    diagnostics.push(runtimeDiagnostic(e, text, opts));
    return { program, diagnostics };
  }
}

/**
 * The KUS030 diagnostic for a runtime failure of a query (an invalid regex, ...).
 * @example runtimeDiagnostic(new QueryRuntimeError('bad regex'), text, {}).code === 'KUS030'
 */
export function runtimeDiagnostic(e: QueryRuntimeError, text: string, opts: RunQueryOptions): Diagnostic {
  return {
    code: 'KUS030',
    severity: 'error',
    message: e.message,
    source: text,
    ...(opts.file ? { file: opts.file } : {}),
  };
}
