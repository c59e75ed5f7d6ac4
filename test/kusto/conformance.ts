import { repoRoot } from '../corpus.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnDef, KType } from '../../src/ir/query.js';

/**
 * The KQL conformance suite: case files under `test/kusto/cases/*.cases`, run by every tabular backend
 * (the in-memory evaluator here, the DuckDB SQL compiler in test/store/).
 *
 * Case file format (one file holds many cases):
 *
 *     # name of the case                      starts a case
 *     @table T(a:string, n:long, t:datetime)  declares an input table; JSON rows follow, one per line
 *     {"a": "x", "n": 1, "t": "2024-01-01T00:00:00Z"}
 *     @now 2024-01-02T00:00:00Z               pins now()/ago() (optional)
 *     @ordered                                compare rows in order (default: as a multiset)
 *     @skip sql: reason                       a backend that cannot run the case skips it, with the reason
 *     @query                                  query text follows, up to `==>`
 *     T | where n > 0
 *     ==>                                     expected rows follow as JSON lines (column order = key order)
 *     {"a": "x", "n": 1}
 *     //! KUS002                              or: expected diagnostic codes (the query must fail with them)
 *
 * Expected values: datetimes as ISO strings (`2024-01-01T00:00:00.000Z`), timespans as milliseconds,
 * dynamic values as JSON. Lines starting with `--` are comments.
 */
export interface CaseTable {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Rows with values in the evaluator's encoding (datetime columns as Date). */
  readonly rows: readonly Record<string, unknown>[];
}

export interface KustoCase {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly tables: readonly CaseTable[];
  readonly now?: number;
  readonly ordered: boolean;
  readonly skip: Readonly<Record<string, string>>;
  readonly query: string;
  readonly expected?: readonly Record<string, unknown>[];
  readonly expectedDiagnostics?: readonly string[];
}

/** What a backend returns for a case: rows (with column order), or the diagnostics that stopped it. */
export interface BackendResult {
  readonly columns?: readonly string[];
  readonly rows?: readonly Record<string, unknown>[];
  readonly diagnostics?: readonly {
    readonly code: string;
    readonly severity: string;
    readonly message: string;
  }[];
}

export type Backend = (
  tables: readonly CaseTable[],
  query: string,
  opts: { readonly now?: number },
) => BackendResult | Promise<BackendResult>;

/** The case files live in the source tree (tsc does not copy them to dist/). */
export const casesDir = join(repoRoot, 'test', 'kusto', 'cases');

const types = new Set<KType>([
  'bool',
  'int',
  'long',
  'real',
  'decimal',
  'string',
  'datetime',
  'timespan',
  'guid',
  'dynamic',
]);

function parseTableHeader(text: string, where: string): { name: string; columns: ColumnDef[] } {
  const m = /^@table\s+([A-Za-z_][\w]*)\s*\((.*)\)\s*$/.exec(text);
  if (!m) throw new Error(`${where}: bad @table line`);
  const columns = (m[2] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((c) => {
      const [n, t] = c.split(':').map((x) => x.trim());
      if (!n || !t || !types.has(t as KType)) throw new Error(`${where}: bad column '${c}'`);
      return { name: n, type: t as KType };
    });
  return { name: m[1] ?? '', columns };
}

function decodeRow(raw: Record<string, unknown>, columns: readonly ColumnDef[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of columns) {
    const v = raw[c.name];
    o[c.name] = c.type === 'datetime' && typeof v === 'string' ? new Date(v) : v === undefined ? null : v;
  }
  return o;
}

/**
 * Parses one case file.
 * @example parseCaseFile(text, 'strings.cases')[0].name
 */
export function parseCaseFile(text: string, file: string): KustoCase[] {
  const lines = text.split('\n');
  const out: KustoCase[] = [];
  let cur: {
    name: string;
    line: number;
    tables: { name: string; columns: ColumnDef[]; rows: Record<string, unknown>[] }[];
    now?: number;
    ordered: boolean;
    skip: Record<string, string>;
    query: string[];
    expected: Record<string, unknown>[];
    diags: string[];
    mode: 'none' | 'table' | 'query' | 'expected';
  } | null = null;
  const finish = () => {
    if (!cur) return;
    const base = {
      name: cur.name,
      file,
      line: cur.line,
      tables: cur.tables,
      ordered: cur.ordered,
      skip: cur.skip,
      query: cur.query.join('\n').trim(),
      ...(cur.now !== undefined ? { now: cur.now } : {}),
    };
    out.push(
      cur.diags.length ? { ...base, expectedDiagnostics: cur.diags } : { ...base, expected: cur.expected },
    );
    cur = null;
  };
  lines.forEach((rawLine, i) => {
    const line = rawLine.replace(/\r$/, '');
    const where = `${file}:${i + 1}`;
    if (line.startsWith('# ')) {
      finish();
      cur = {
        name: line.slice(2).trim(),
        line: i + 1,
        tables: [],
        ordered: false,
        skip: {},
        query: [],
        expected: [],
        diags: [],
        mode: 'none',
      };
      return;
    }
    if (!cur) return;
    const c = cur;
    if (c.mode !== 'query' && (line.trim() === '' || line.startsWith('--'))) return;
    if (line.startsWith('@table')) {
      const h = parseTableHeader(line, where);
      c.tables.push({ ...h, rows: [] });
      c.mode = 'table';
    } else if (line.startsWith('@now')) c.now = Date.parse(line.slice(4).trim());
    else if (line.trim() === '@ordered') c.ordered = true;
    else if (line.startsWith('@skip')) {
      const m = /^@skip\s+(\w+)\s*:\s*(.*)$/.exec(line);
      if (m) c.skip[m[1] ?? ''] = m[2] ?? '';
    } else if (line.trim() === '@query') c.mode = 'query';
    else if (line.trim() === '==>') c.mode = 'expected';
    else if (c.mode === 'table') {
      const t = c.tables[c.tables.length - 1];
      if (t) t.rows.push(decodeRow(JSON.parse(line) as Record<string, unknown>, t.columns));
    } else if (c.mode === 'query') c.query.push(line);
    else if (c.mode === 'expected') {
      if (line.startsWith('//!')) c.diags.push(...line.slice(3).trim().split(/\s+/));
      else c.expected.push(JSON.parse(line) as Record<string, unknown>);
    } else throw new Error(`${where}: unexpected line '${line}'`);
  });
  finish();
  return out;
}

/**
 * Loads every case of every `*.cases` file (sorted by file name).
 * @example loadKustoCases().length > 0
 */
export function loadKustoCases(dir = casesDir): KustoCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cases'))
    .sort()
    .flatMap((f) => parseCaseFile(readFileSync(join(dir, f), 'utf8'), f));
}

/** Canonical JSON form of a result value: Date -> ISO string, undefined -> null, objects recursively. */
export function canonical(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = canonical(x);
    return o;
  }
  if (typeof v === 'number') return Math.round(v * 1e9) / 1e9;
  return v;
}

const rowText = (r: Record<string, unknown>, cols?: readonly string[]): string => {
  const keys = cols ?? Object.keys(r);
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, canonical(r[k])])));
};

/**
 * Runs one case on a backend. Returns undefined when it passes, or a message saying what differed.
 * @example const problem = await runKustoCase(c, memoryBackend)
 */
export async function runKustoCase(c: KustoCase, backend: Backend): Promise<string | undefined> {
  const res = await backend(c.tables, c.query, c.now !== undefined ? { now: c.now } : {});
  const errors = (res.diagnostics ?? []).filter((d) => d.severity === 'error');
  if (c.expectedDiagnostics) {
    const codes = new Set((res.diagnostics ?? []).map((d) => d.code));
    const missing = c.expectedDiagnostics.filter((d) => !codes.has(d));
    if (missing.length)
      return `expected diagnostics ${missing.join(', ')}; got ${[...codes].join(', ') || 'none'}`;
    return undefined;
  }
  if (errors.length || !res.rows)
    return `query failed: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`;
  const expected = c.expected ?? [];
  const cols = expected[0] ? Object.keys(expected[0]) : res.columns;
  if (expected[0] && res.columns && res.columns.join(',') !== cols?.join(',')) {
    return `columns differ:\n  expected ${cols?.join(', ')}\n  actual   ${res.columns.join(', ')}`;
  }
  const want = expected.map((r) => rowText(r, cols));
  const got = res.rows.map((r) => rowText(r, cols));
  const a = c.ordered ? want : [...want].sort();
  const b = c.ordered ? got : [...got].sort();
  if (a.length === b.length && a.every((x, i) => x === b[i])) return undefined;
  return `rows differ${c.ordered ? ' (ordered)' : ''}:\n  expected:\n    ${want.join('\n    ')}\n  actual:\n    ${got.join('\n    ')}`;
}
