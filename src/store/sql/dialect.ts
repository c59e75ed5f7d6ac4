/**
 * The few places where SQL engines differ, as hooks. The query/scalar visitors emit everything
 * else as standard SQL, so another engine is added by writing one more object of this shape.
 */
export interface SqlDialect {
  readonly name: string;
  quoteIdent(name: string): string;
  quoteString(s: string): string;
  /** JSON value at a path (`$."a"[0]`), NULL when missing. */
  jsonExtract(json: string, path: string): string;
  /** Text of the JSON value at a path: strings unquoted, other values as JSON text; NULL when missing or JSON null. */
  jsonText(json: string, path: string): string;
  /** The JSON type name (`ARRAY`, `OBJECT`, `VARCHAR`, `NULL`, ...) of a JSON value. */
  jsonType(json: string): string;
  /** A value (any SQL type) as JSON. */
  toJson(sql: string): string;
  /** RE2 regex test (`pattern` is SQL text of a string). */
  regexMatch(text: string, pattern: string): string;
  /** A TIMESTAMP literal from epoch milliseconds. */
  timestamp(ms: number): string;
  /** Epoch microseconds (BIGINT) of a TIMESTAMP. */
  epochMicros(ts: string): string;
  /** TIMESTAMP from epoch microseconds. */
  fromEpochMicros(us: string): string;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** DuckDB (embedded, `@duckdb/node-api`). */
export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  quoteIdent: (n) => `"${n.replace(/"/g, '""')}"`,
  quoteString: q,
  // Functions, never the `->` / `->>` operators: those bind looser than AND (kusto.md section 4.1).
  jsonExtract: (j, p) => `json_extract(${j}, ${q(p)})`,
  jsonText: (j, p) => `json_extract_string(${j}, ${q(p)})`,
  jsonType: (j) => `json_type(${j})`,
  toJson: (s) => `to_json(${s})`,
  regexMatch: (t, p) => `regexp_matches(${t}, ${p})`,
  timestamp: (ms) => `TIMESTAMP ${q(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''))}`,
  epochMicros: (ts) => `epoch_us(${ts})`,
  fromEpochMicros: (us) => `make_timestamp(${us})`,
};
