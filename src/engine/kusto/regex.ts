import { RE2JS } from 're2js';

/**
 * RE2 (linear-time) regexes for every user-supplied pattern: `matches regex`, `extract`,
 * `extract_all`, `replace_regex`, `parse`. KQL uses RE2 too, so the syntax agrees.
 */
const cache = new Map<string, RE2JS | Error>();

/** Compiles (cached) a pattern; an invalid pattern returns the Error instead of throwing. */
export function re2(pattern: string, flags = ''): RE2JS | Error {
  const key = `${flags}\u0000${pattern}`;
  let re = cache.get(key);
  if (!re) {
    let f = 0;
    if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes('s')) f |= RE2JS.DOTALL;
    if (flags.includes('m')) f |= RE2JS.MULTILINE;
    try {
      re = RE2JS.compile(pattern, f);
    } catch (e) {
      re = new Error(`invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
    if (cache.size > 512) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/**
 * Thrown (and caught by the evaluator, which reports it once) when a query's regex is invalid.
 */
export class QueryRuntimeError extends Error {}

export function re2OrThrow(pattern: string, flags = ''): RE2JS {
  const re = re2(pattern, flags);
  if (re instanceof Error) throw new QueryRuntimeError(re.message);
  return re;
}
