import { runKustoQuery } from '../../src/detect/kusto/run-query.js';
import type { Backend } from './conformance.js';

/** The in-memory evaluator as a conformance backend. */
export const memoryBackend: Backend = (tables, query, opts) => {
  const r = runKustoQuery(query, tables, opts.now !== undefined ? { now: opts.now } : {});
  return {
    diagnostics: r.diagnostics,
    ...(r.result ? { rows: r.result.rows, columns: r.result.columns.map((c) => c.name) } : {}),
  };
};
