import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Flags every verb accepts. */
export const sharedOptions = {
  rules: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  now: { type: 'string' },
  db: { type: 'string' },
  quarantine: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'no-builtin': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type OutputFormat = 'table' | 'ndjson' | 'csv';

export class UsageError extends Error {}

/**
 * Parses a verb's argv: the shared flags plus the verb's own. Unknown flags are a usage error.
 * @example parseVerbArgs(['a.log', '--output', 'ndjson'], { view: { type: 'string' } })
 */
export function parseVerbArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], extra: T) {
  try {
    return parseArgs({
      args: argv,
      options: { ...sharedOptions, ...extra },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function outputFormat(value: string | undefined, fallback: OutputFormat = 'table'): OutputFormat {
  const v = value ?? fallback;
  if (v !== 'table' && v !== 'ndjson' && v !== 'csv')
    throw new UsageError(`--output must be table, ndjson or csv (got '${v}')`);
  return v;
}

/** Parses `--now ISO-TIME` to epoch ms. */
export function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--now: not an ISO-8601 time: '${value}'`);
  return t;
}
