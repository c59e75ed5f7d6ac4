import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { Diagnostic } from '../../diag/diagnostic.js';
import type { QueryProgram } from '../../ir/query.js';
import type { TableSchema } from '../../lang/kusto/schema.js';

/**
 * Kusto rule queries parsed at build time: `npm run build` runs scripts/precompile-kusto.mjs, which
 * parses the built-in pack's queries and writes their IR and diagnostics to
 * `dist/kusto-precompiled.bin` (V8 serialization: exact for every value the IR holds). Starting the
 * official parser takes ~0.8 s, most of a scan of the bundled sample with the built-in pack. An
 * entry is keyed by the query text and the table schemas it was analysed against, so any other
 * query, or a query over changed schemas, is parsed as before.
 */
export interface PrecompiledQuery {
  readonly program: QueryProgram;
  /** The parser's diagnostics, without `file` (the loader adds the rule file's). */
  readonly diagnostics: readonly Diagnostic[];
}

/** The lookup key of a query analysed against `schemas`. */
export const precompiledKey = (query: string, schemas: readonly TableSchema[]): string =>
  createHash('sha256')
    .update(JSON.stringify([query, schemas]))
    .digest('hex');

const file = new URL('../../../kusto-precompiled.bin', import.meta.url);
let table: Map<string, PrecompiledQuery> | null | undefined;

/**
 * The build-time parse of a query, when the build made one for this text and these schemas.
 * @example const pre = precompiledQuery(spec.query, kustoSchemas()); pre?.program
 */
export function precompiledQuery(
  query: string,
  schemas: readonly TableSchema[],
): PrecompiledQuery | undefined {
  if (table === undefined) {
    try {
      table = new Map(deserialize(readFileSync(file)) as [string, PrecompiledQuery][]);
    } catch {
      table = null; // no build output (running from source) or another Node version's format
    }
  }
  return table?.get(precompiledKey(query, schemas));
}

/** The serialized table of entries, as the build writes it. */
export const serializePrecompiled = (entries: readonly [string, PrecompiledQuery][]): Buffer =>
  serialize(entries);
