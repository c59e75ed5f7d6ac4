import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isAksRecord } from '../ingest/aks-diagnostic.js';
import { armCluster, isArc } from '../ingest/resource-id.js';
import { defaultLimits } from '../ingest/types.js';
import type { AuditEvent } from '../model/event.js';
import { auditKeys } from '../views/tables/index.js';
import {
  auditColumn,
  auditTextKeys,
  canonicalColumns,
  contextColumns,
  contextValues,
  hotPaths,
} from './canonical.js';
import { queryRows, quoteString } from './duck.js';
import { type FileScan, orderModulus } from './file-scan.js';

/**
 * The DuckDB load path: for AKS diagnostic records and raw audit Events in JSON Lines, DuckDB reads
 * the file itself (each line whole, so the raw record is kept and rows keep file order) and computes
 * every canonical column in SQL, in parallel; Node only hashes the file and counts its lines.
 *
 * It is all or nothing per file, in one transaction: every row must have the shape the SQL
 * reproduces exactly (a `kube-audit*` record whose `properties.log` is an audit Event with the
 * audit.k8s.io/v1 keys only, an auditID, RFC 3339 UTC times, fewer `{`/`[` than the nesting limit, so
 * it cannot nest too deeply) and the row count must equal the line count; else the transaction is
 * rolled back and the file goes through the Node reader (which quarantines what it must).
 * test/store/fast-load.test.ts checks that both paths store the same rows.
 */

export type FastFormat = 'aks' | 'raw';

/**
 * Which fast format a file is, from its first line (undefined: Node path).
 * @example fastFormat('{"category":"kube-audit","properties":{"log":"{...}"}}') === 'aks'
 */
export function fastFormat(firstLine: string): FastFormat | undefined {
  let o: unknown;
  try {
    o = JSON.parse(firstLine);
  } catch {
    return undefined;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const r = o as Record<string, unknown>;
  if (
    isAksRecord(r) &&
    (r.category as string).startsWith('kube-audit') &&
    typeof (r.properties as Record<string, unknown>).log === 'string'
  )
    return 'aks';
  if (r.kind === 'Event' && typeof r.apiVersion === 'string' && r.apiVersion.startsWith('audit.k8s.io'))
    return 'raw';
  return undefined;
}

/**
 * The Event parsed once into a struct of its top-level keys: text keys as text, the rest as JSON (a
 * JSON null is SQL NULL, as the Node path stores it). A struct takes the first of duplicate keys and
 * ignores unknown ones, so `checkSql` compares the Event's key count with the keys it read.
 */
const auditSpec = `{${auditKeys.map((k) => `"${k}":"${auditTextKeys.has(k) ? 'VARCHAR' : 'JSON'}"`).join(',')}}`;
const envSpec =
  '{"category":"VARCHAR","resourceId":"VARCHAR","operationName":"VARCHAR","properties":{"log":"VARCHAR","pod":"VARCHAR","containerID":"VARCHAR","stream":"VARCHAR"}}';
const isoUtc = `'\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?Z'`;
const ms = (x: string): string => `date_trunc('millisecond', try_cast(${x} AS TIMESTAMP))`;

/** The envelope values the context columns depend on, as one lookup key. */
interface ContextKey {
  readonly rid: string | null;
  readonly op: string | null;
  readonly cat: string | null;
}

/** The context row of one envelope shape, computed by the views' own getters. */
function contextRow(format: FastFormat, k: ContextKey): (string | null)[] {
  const rid = k.rid ?? undefined;
  const ev = {
    kind: 'audit',
    format: format === 'aks' ? 'aks-diagnostic' : 'k8s-audit',
    provider: format === 'raw' ? 'k8s' : isArc(rid) ? 'arc' : 'aks',
    ...(format === 'aks'
      ? {
          envelope: {
            ...(k.cat === null ? {} : { category: k.cat }),
            ...(k.op === null ? {} : { operationName: k.op }),
            ...(rid === undefined ? {} : { resourceId: rid }),
            properties: {},
          },
          ...(rid === undefined ? {} : { cluster: armCluster(rid) }),
          ...(k.cat === null ? {} : { category: k.cat }),
        }
      : {}),
  } as unknown as AuditEvent;
  return [ev.provider, ev.cluster?.name ?? null, ...contextValues(ev)];
}

/** Context columns that vary per record (from `properties`), not per envelope shape. */
const perRecord: Readonly<Record<string, string>> = {
  x_pod_name: 'e.properties.pod',
  x_ad_pod: 'e.properties.pod',
  x_ad_container: 'e.properties.containerID',
  x_ad_stream: 'e.properties.stream',
};

/** SQL of every canonical column for a fast format (`e` envelope struct, `a` audit struct, `m` context row). */
function selectList(format: FastFormat, path: string, keepRaw: boolean, ctx: ContextSql): string[] {
  const a = (k: string): string => `a."${k}"`;
  const expr: Record<string, string> = {
    _id: `a.auditID || ':' || coalesce(a.stage, '')`,
    _ts: ms('a.stageTimestamp'),
    format: format === 'aks' ? `'aks-diagnostic'` : `'k8s-audit'`,
    provider: ctx.column('provider'),
    kind: `'audit'`,
    category: format === 'aks' ? 'e.category' : 'NULL',
    file: quoteString(path),
    line: 'CAST(line AS INTEGER)',
    raw: keepRaw ? 'raw' : 'NULL',
    // UTF-16 units, as JS counts them: characters beyond the BMP count twice (ASCII lines skip the regex).
    raw_len: `CASE WHEN strlen(raw) = length(raw) THEN length(raw) ELSE 2 * length(raw) - length(regexp_replace(raw, '[\\x{10000}-\\x{10FFFF}]', '', 'g')) END`,
    cluster_name: ctx.column('cluster_name'),
    x_log: 'NULL',
    a_extra: 'NULL',
    a_extra_p: 'NULL',
    t_rrt: ms('a.requestReceivedTimestamp'),
    t_st: ms('a.stageTimestamp'),
    _load: 'NULL',
  };
  for (const c of contextColumns)
    expr[c.name] = format === 'aks' && perRecord[c.name] ? (perRecord[c.name] ?? '') : ctx.column(c.name);
  for (const k of auditKeys) expr[auditColumn(k)] = a(k);
  // One small parse per object for its hot paths (json_transform to text gives what ->> gives).
  for (const key of new Set(hotPaths.map((h) => h.key))) {
    const paths = hotPaths.filter((h) => h.key === key);
    if (paths.length === 1) {
      const h = paths[0]!;
      expr[h.name] = `${a(h.key)}->>${quoteString(h.path)}`;
      continue;
    }
    const spec = `{${paths.map((h) => `"${h.path}":"VARCHAR"`).join(',')}}`;
    for (const h of paths) expr[h.name] = `json_transform(${a(key)}, '${spec}')."${h.path}"`;
  }
  return canonicalColumns.map((c) => {
    const e = expr[c.name];
    if (e === undefined) throw new Error(`fast load: no expression for ${c.name}`);
    return e;
  });
}

/**
 * How the SELECT reads the context columns: by the row's envelope shape, `__ctx` (its index among a
 * few shapes, computed once per row by `index`), else by a join.
 */
interface ContextSql {
  column(name: string): string;
  /** SQL of the row's shape index (1-based), for the `ev` stage. */
  readonly index: string;
  readonly join: string;
}

const contextNames = ['provider', 'cluster_name', ...contextColumns.map((c) => c.name)];
const inlineLimit = 16;

function contextSql(format: FastFormat, keys: readonly ContextKey[]): ContextSql {
  const lit = (v: string | null): string => (v === null ? 'NULL' : quoteString(v));
  if (keys.length > inlineLimit)
    return {
      column: (name) => `m.${name}`,
      index: 'NULL',
      join:
        format === 'aks'
          ? `LEFT JOIN _fast_ctx m ON m.rid IS NOT DISTINCT FROM e.resourceId AND m.op IS NOT DISTINCT FROM e.operationName AND m.cat IS NOT DISTINCT FROM e.category`
          : `LEFT JOIN _fast_ctx m ON true`,
    };
  const rows = keys.map((k) => contextRow(format, k));
  const index =
    format === 'aks'
      ? `CASE ${keys
          .map(
            (k, j) =>
              `WHEN e.resourceId IS NOT DISTINCT FROM ${lit(k.rid)} AND e.operationName IS NOT DISTINCT FROM ${lit(k.op)} AND e.category IS NOT DISTINCT FROM ${lit(k.cat)} THEN ${j + 1}`,
          )
          .join(' ')} END`
      : '1';
  return {
    column(name) {
      const i = contextNames.indexOf(name);
      const values = rows.map((r) => r[i] ?? null);
      // One shape (a raw audit file): a constant.
      if (rows.length === 1 && format === 'raw') return lit(values[0] ?? null);
      return `CASE __ctx ${values.map((v, j) => `WHEN ${j + 1} THEN ${lit(v)}`).join(' ')} END`;
    },
    index,
    join: '',
  };
}

/**
 * `{` and `[` in a JSON text: fewer than the nesting limit means it cannot nest that deep (only the
 * request and response objects are checked, as the Node reader does).
 */
const openers = (x: string): string =>
  `(strlen(CAST(${x} AS VARCHAR)) - strlen(replace(replace(CAST(${x} AS VARCHAR), '{', ''), '[', '')))`;

/** Why a row cannot take the fast path ('ok' when it can), then ':' and the load's token. */
function checkSql(format: FastFormat, ctx: ContextSql, token: string): string {
  const log = format === 'aks' ? 'e.properties.log' : 'raw';
  return `CASE
    ${format === 'aks' ? `WHEN e.category IS NULL OR NOT starts_with(e.category, 'kube-audit') THEN 'category'` : ''}
    WHEN ${log} IS NULL OR NOT starts_with(${log}, '{') THEN 'log'
    WHEN a.kind IS DISTINCT FROM 'Event' OR NOT starts_with(coalesce(a.apiVersion, ''), 'audit.k8s.io') THEN 'kind'
    WHEN coalesce(a.auditID, '') = '' THEN 'auditID'
    WHEN NOT regexp_full_match(coalesce(a.stageTimestamp, ''), ${isoUtc}) THEN 'time'
    WHEN a.requestReceivedTimestamp IS NOT NULL AND NOT regexp_full_match(a.requestReceivedTimestamp, ${isoUtc}) THEN 'time'
    WHEN ${ctx.column('provider')} IS NULL THEN 'context'
    WHEN (a.requestObject IS NOT NULL AND ${openers('a.requestObject')} >= ${defaultLimits.maxDepth}) OR (a.responseObject IS NOT NULL AND ${openers('a.responseObject')} >= ${defaultLimits.maxDepth}) THEN 'depth'
    WHEN len(json_keys(${log})) <> ${auditKeys.map((k) => `(a."${k}" IS NOT NULL)::INTEGER`).join(' + ')} THEN 'keys'
    ELSE 'ok'
  END || ${quoteString(`:${token}`)}`;
}

const objectSize = (maxLine: number): number => Math.max(1 << 20, 2 ** Math.ceil(Math.log2(maxLine + 16)));

/**
 * Every line of a file as text. `hive_partitioning=false`: Azure writes AKS blobs under
 * `resourceId=/SUBSCRIPTIONS/.../y=2026/m=11/...` directories, which DuckDB would otherwise read as
 * partition columns (shadowing the record's own `resourceId`).
 */
function readLinesSql(path: string, maxLine: number): string {
  return `read_csv(${quoteString(path)}, columns={'raw': 'VARCHAR'}, delim='\\x01', quote='', escape='', header=false, auto_detect=false, hive_partitioning=false, max_line_size=${objectSize(maxLine)})`;
}

function insertSql(
  format: FastFormat,
  path: string,
  keepRaw: boolean,
  keys: readonly ContextKey[],
  token: string,
): string {
  const cols = canonicalColumns.map((c) => c.name);
  const ctx = contextSql(format, keys);
  const list = selectList(format, path, keepRaw, ctx);
  list[cols.indexOf('_load')] = checkSql(format, ctx, token);
  // The staged table's rowid is the line's position in the file (rows keep file order).
  const src =
    format === 'aks'
      ? `SELECT rowid + 1 AS line, raw, json_transform(raw, '${envSpec}') AS e FROM _fast_lines`
      : `SELECT rowid + 1 AS line, raw, NULL AS e FROM _fast_lines`;
  const log = format === 'aks' ? 'e.properties.log' : 'raw';
  return (
    `INSERT INTO _events (${cols.join(', ')}) ` +
    `WITH src AS (${src}), ev AS (SELECT line, raw, e, json_transform(${log}, '${auditSpec}') AS a, ${ctx.index} AS __ctx FROM src) ` +
    `SELECT ${list.join(', ')} FROM ev ${ctx.join}`
  );
}

async function fillContext(
  con: DuckDBConnection,
  format: FastFormat,
  keys: readonly ContextKey[],
): Promise<void> {
  if (keys.length <= inlineLimit) return;
  const names = contextNames;
  await con.run(
    `CREATE OR REPLACE TEMP TABLE _fast_ctx (rid VARCHAR, op VARCHAR, cat VARCHAR, ${names.map((n) => `${n} VARCHAR`).join(', ')})`,
  );
  const lit = (v: string | null): string => (v === null ? 'NULL' : quoteString(v));
  for (const k of keys) {
    const row = [k.rid, k.op, k.cat, ...contextRow(format, k)];
    await con.run(`INSERT INTO _fast_ctx VALUES (${row.map(lit).join(', ')})`);
  }
}

/** The distinct envelope shapes of a file (read by DuckDB; three columns only). */
async function contextKeys(con: DuckDBConnection, path: string, maxLine: number): Promise<ContextKey[]> {
  const rows = await queryRows(
    con,
    `SELECT DISTINCT resourceId, operationName, category FROM read_ndjson(${quoteString(path)}, columns={resourceId: 'VARCHAR', operationName: 'VARCHAR', category: 'VARCHAR'}, hive_partitioning=false, maximum_object_size=${objectSize(maxLine)})`,
  );
  return rows.map(([rid, op, cat]) => ({
    rid: rid === null ? null : String(rid),
    op: op === null ? null : String(op),
    cat: cat === null ? null : String(cat),
  }));
}

export interface FastOutcome {
  /** Rows inserted (after dedup and retention). */
  readonly added: number;
  /** `_load` of the rows inserted. */
  readonly load: string;
  /** Events in the file (= its lines). */
  readonly events: number;
}

/**
 * Reads a file's lines into the temp table `_fast_lines`, outside any transaction (a committed temp
 * table is scanned on every thread by the insert; one created inside the insert's transaction is
 * scanned by one). DuckDB keeps the rows of a single-table read in file order, so a line's number
 * is its rowid + 1 (numbering them with `row_number() OVER ()` ran on one core: 3.0 s against 1.4 s
 * for 1M records); `stagedInOrder` checks it. `maxLine` sizes the reader: a longer line fails the
 * read (reading with a larger limit than needed is slower: 3.5 s instead of 1.4 s for 1M records
 * with a 32 MiB limit). False when DuckDB cannot read the file as lines.
 */
export async function stageLines(con: DuckDBConnection, path: string, maxLine: number): Promise<boolean> {
  try {
    await con.run(
      `CREATE OR REPLACE TEMP TABLE _fast_lines AS SELECT raw FROM ${readLinesSql(path, maxLine)}`,
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the staged lines are the scanned file's, in file order: the same count and the same sum of
 * line number x byte length that Node computed while hashing (file-scan.ts).
 */
export async function stagedInOrder(con: DuckDBConnection, scan: FileScan): Promise<boolean> {
  const m = orderModulus;
  const [n, sum] =
    (
      await queryRows(
        con,
        `SELECT count(*), sum((((rowid + 1) % ${m}) * (strlen(raw) % ${m})) % ${m}) % ${m} FROM _fast_lines`,
      )
    )[0] ?? [];
  return Number(n) === scan.lines && Number(sum ?? 0) === scan.orderSum;
}

/** Drops the staged lines. */
export async function dropLines(con: DuckDBConnection): Promise<void> {
  await con.run('DROP TABLE IF EXISTS _fast_lines');
}

/**
 * Loads one file staged by `stageLines` (and checked by `stagedInOrder`) through DuckDB, inside the caller's transaction. Returns undefined when the file
 * must go through the Node path: the caller then rolls the transaction back.
 */
export async function fastLoadFile(
  con: DuckDBConnection,
  path: string,
  scan: FileScan,
  format: FastFormat,
  opts: { readonly keepRaw: boolean; readonly cutoffIso?: string },
): Promise<FastOutcome | undefined> {
  // This load's rows carry `<check>:<token>` in `_load`: 'ok:<token>' stays on the stored rows
  // (one dictionary entry), so nothing has to be rewritten after the insert.
  const token = randomUUID();
  const mine = `_load = ${quoteString(`ok:${token}`)}`;
  let keys: ContextKey[];
  try {
    keys =
      format === 'aks' ? await contextKeys(con, path, scan.maxLine) : [{ rid: null, op: null, cat: null }];
  } catch {
    return undefined;
  }
  await fillContext(con, format, keys);
  try {
    await con.run(insertSql(format, path, opts.keepRaw, keys, token));
  } catch {
    // Malformed JSON, an odd line: the Node path reads it and quarantines what it must.
    return undefined;
  }
  // Every line must have given one row, and every row must be 'ok' (a failed row carries its reason).
  const [good] = (await queryRows(con, `SELECT count(*) FROM _events WHERE ${mine}`))[0] ?? [0];
  if (Number(good) !== scan.lines) return undefined;
  // The store's rules: the first occurrence of an id wins (within the file and against the store);
  // retention drops old events.
  const old = opts.cutoffIso ? ` OR _ts < TIMESTAMP ${quoteString(opts.cutoffIso)}` : '';
  const stale =
    `${mine} AND (_id IN (SELECT _id FROM _events WHERE _load IS DISTINCT FROM ${quoteString(`ok:${token}`)}) ` +
    `OR EXISTS (SELECT 1 FROM _events g WHERE g.${mine} AND g._id = f._id AND g.line < f.line)${old})`;
  const [dup] = (await queryRows(con, `SELECT count(*) FROM _events f WHERE ${stale}`))[0] ?? [0];
  if (Number(dup) > 0) await con.run(`DELETE FROM _events f WHERE ${stale}`);
  return { added: scan.lines - Number(dup), events: scan.lines, load: `ok:${token}` };
}
