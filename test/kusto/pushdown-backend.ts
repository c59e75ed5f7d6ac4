import { columnUsage, pruneValue } from '../../src/engine/kusto/needed-columns.js';
import { compileScanPredicates, planScans } from '../../src/engine/kusto/scan-plan.js';
import type { Row } from '../../src/engine/kusto/values.js';
import { runKustoOver } from '../../src/detect/kusto/run-query.js';
import type { Query } from '../../src/ir/query.js';
import type { Backend } from './conformance.js';

/**
 * The in-memory evaluator with predicate pushdown and column pruning, as the streaming hunt does it
 * (detect/kusto/stream-tables.ts) but over the case tables: each table reference gets its rows with
 * the leading `where` filters already applied, only the columns the program reads, and dynamic
 * values cut down to the member paths it reads. Every conformance case must give the same answer
 * as the plain evaluator.
 */
export const pushdownBackend: Backend = (tables, query, opts) => {
  const now = opts.now ?? Date.now();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const r = runKustoOver(
    query,
    tables,
    {
      forProgram: (program) => {
        const usage = columnUsage(program);
        const scans = new Map<Query, readonly Row[]>();
        for (const scan of planScans(program)) {
          const t = byName.get(scan.table);
          if (!t) continue;
          const tests = compileScanPredicates(scan, now);
          const rows: Row[] = [];
          for (const src of t.rows) {
            if (!tests.every((f) => f(src))) continue;
            const row: Row = {};
            for (const c of t.columns) {
              if (!usage.columns.has(c.name)) continue;
              const node = usage.paths.get(c.name);
              row[c.name] = node && c.type === 'dynamic' ? pruneValue(src[c.name], node) : src[c.name];
            }
            rows.push(row);
          }
          scans.set(scan.key, rows);
        }
        // a table the plan did not cover must not be read: no provider behind the scans
        return { tables: () => undefined, scans };
      },
    },
    { now },
  );
  return {
    diagnostics: r.diagnostics,
    ...(r.result ? { rows: r.result.rows, columns: r.result.columns.map((c) => c.name) } : {}),
  };
};
