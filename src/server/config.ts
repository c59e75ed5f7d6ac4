import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** One alert destination. Every sink has its own on-disk cursor and retries with backoff. */
export type SinkConfig =
  | { readonly type: 'ndjson'; readonly name: string; readonly path: string }
  | {
      readonly type: 'webhook';
      readonly name: string;
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'elasticsearch';
      readonly name: string;
      readonly url: string;
      readonly index: string;
      readonly headers: Readonly<Record<string, string>>;
    };

/** The server's settings: config file, then command-line flags on top. */
export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  /** Bearer token the audit webhook and `/ingest` must present. */
  readonly token: string;
  readonly dataDir: string;
  readonly rulePaths: readonly string[];
  /** Built-in rule pack directory; undefined for none. */
  readonly builtin?: string;
  /** DuckDB store for `/api/hunt` with `{"source":"db"}`. */
  readonly db?: string;
  /** Largest accepted request body (bytes). */
  readonly maxBodyBytes: number;
  /** Events kept in memory for hunts, timelines and stateful-rule replay. */
  readonly windowEvents: number;
  /** Seconds between detection ticks (stateful and scheduled rules flush, then rebuild from the window). */
  readonly tickSeconds: number;
  readonly sinks: readonly SinkConfig[];
  /** First retry delay of a failing sink (ms); doubles up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export class ConfigError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `host:port` (`:8080` and `8080` mean 127.0.0.1). */
export function parseListen(v: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) throw new ConfigError(`listen: expected HOST:PORT, got '${v}'`);
  return { host: m[1] || '127.0.0.1', port };
}

function str(o: Obj, k: string, where: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new ConfigError(`${where}.${k}: expected a string`);
  return String(v);
}

function num(o: Obj, k: string, where: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ConfigError(`${where}.${k}: expected a non-negative number`);
  return v;
}

/** `${ENV}` references in secrets are expanded, so tokens need not sit in the file. */
const expand = (s: string, env: NodeJS.ProcessEnv): string =>
  s.replace(/\$\{(\w+)\}/g, (_m, n: string) => env[n] ?? '');

function headersOf(o: Obj, where: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  const h = o.headers;
  if (isObj(h)) for (const [k, v] of Object.entries(h)) out[k] = expand(String(v), env);
  const user = str(o, 'username', where);
  if (user !== undefined)
    out.authorization = `Basic ${Buffer.from(`${expand(user, env)}:${expand(str(o, 'password', where) ?? '', env)}`).toString('base64')}`;
  const apiKey = str(o, 'apiKey', where);
  if (apiKey !== undefined) out.authorization = `ApiKey ${expand(apiKey, env)}`;
  return out;
}

function sinkOf(v: unknown, i: number, env: NodeJS.ProcessEnv): SinkConfig {
  const where = `sinks[${i}]`;
  if (!isObj(v)) throw new ConfigError(`${where}: expected a mapping`);
  const type = str(v, 'type', where);
  const name = str(v, 'name', where) ?? `${type}-${i}`;
  if (!/^[\w.-]+$/.test(name)) throw new ConfigError(`${where}.name: letters, digits, '.', '_' and '-' only`);
  switch (type) {
    case 'ndjson': {
      const path = str(v, 'path', where);
      if (!path) throw new ConfigError(`${where}.path: required for an ndjson sink`);
      return { type, name, path };
    }
    case 'webhook': {
      const url = str(v, 'url', where);
      if (!url) throw new ConfigError(`${where}.url: required for a webhook sink`);
      return { type, name, url: expand(url, env), headers: headersOf(v, where, env) };
    }
    case 'elasticsearch': {
      const url = str(v, 'url', where);
      if (!url) throw new ConfigError(`${where}.url: required for an elasticsearch sink`);
      return {
        type,
        name,
        url: expand(url, env).replace(/\/+$/, ''),
        index: str(v, 'index', where) ?? 'auditscope-alerts',
        headers: headersOf(v, where, env),
      };
    }
    default:
      throw new ConfigError(`${where}.type: expected ndjson, webhook or elasticsearch (got '${type}')`);
  }
}

/** What the command line adds to (and overrides in) the config file. */
export interface ServeFlags {
  readonly config?: string;
  readonly listen?: string;
  readonly rules?: readonly string[];
  readonly data?: string;
  readonly db?: string;
  readonly builtin?: string;
}

/**
 * Reads the YAML config (see docs/serve.md) and applies the flags. Throws ConfigError with the
 * offending key on a bad file.
 * @example loadServeConfig({ config: 'auditscope.yaml', listen: '127.0.0.1:0' })
 */
export function loadServeConfig(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  let o: Obj = {};
  if (flags.config) {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read ${flags.config}: ${(e as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      throw new ConfigError(`${flags.config}: ${(e as Error).message}`);
    }
    if (doc !== null && doc !== undefined && !isObj(doc))
      throw new ConfigError(`${flags.config}: expected a mapping`);
    o = (doc as Obj | null) ?? {};
  }
  return configFrom(o, flags, env);
}

/** The config from an already-parsed document (tests build configs in memory). */
export function configFrom(
  o: Obj,
  flags: ServeFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const { host, port } = parseListen(flags.listen ?? str(o, 'listen', 'config') ?? '127.0.0.1:8080');
  let token = str(o, 'token', 'config');
  const tokenFile = str(o, 'tokenFile', 'config');
  if (token === undefined && tokenFile) token = readFileSync(tokenFile, 'utf8').trim();
  token = token === undefined ? env.AUDITSCOPE_TOKEN : expand(token, env);
  if (!token) throw new ConfigError('no token: set token or tokenFile in the config, or AUDITSCOPE_TOKEN');
  if (token.length < 16) throw new ConfigError('token: use at least 16 characters');
  const dataDir = flags.data ?? str(o, 'data', 'config');
  if (!dataDir) throw new ConfigError('no data directory: give --data DIR or data: in the config');
  const fileRules = o.rules;
  if (fileRules !== undefined && !Array.isArray(fileRules))
    throw new ConfigError('rules: expected a list of paths');
  const sinks = o.sinks ?? [];
  if (!Array.isArray(sinks)) throw new ConfigError('sinks: expected a list');
  const parsed = sinks.map((x, i) => sinkOf(x, i, env));
  const names = new Set<string>();
  for (const s of parsed) {
    if (names.has(s.name)) throw new ConfigError(`sinks: duplicate name '${s.name}'`);
    names.add(s.name);
  }
  const db = flags.db ?? str(o, 'db', 'config');
  const builtin = o.builtin === false ? undefined : flags.builtin;
  return {
    host,
    port,
    token,
    dataDir,
    rulePaths: [...((fileRules as unknown[] | undefined) ?? []).map(String), ...(flags.rules ?? [])],
    ...(builtin ? { builtin } : {}),
    ...(db ? { db } : {}),
    maxBodyBytes: num(o, 'maxBodyBytes', 'config') ?? 32 * 1024 * 1024,
    windowEvents: num(o, 'windowEvents', 'config') ?? 200_000,
    tickSeconds: num(o, 'tickSeconds', 'config') ?? 60,
    sinks: parsed,
    retryBaseMs: num(o, 'retryBaseMs', 'config') ?? 1000,
    retryMaxMs: num(o, 'retryMaxMs', 'config') ?? 300_000,
  };
}
