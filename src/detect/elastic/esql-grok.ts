import { RE2JS } from 're2js';

/** The grok patterns ES|QL rules use, as RE2 regexes (Elasticsearch's legacy grok definitions). */
const patterns: Record<string, string> = {
  DATA: '.*?',
  GREEDYDATA: '.*',
  NOTSPACE: '\\S+',
  SPACE: '\\s*',
  WORD: '\\b\\w+\\b',
  INT: '(?:[+-]?(?:[0-9]+))',
  NUMBER: '(?:[+-]?(?:[0-9]+(?:\\.[0-9]+)?))',
  BASE10NUM: '(?:[+-]?(?:[0-9]+(?:\\.[0-9]+)?))',
  POSINT: '\\b(?:[1-9][0-9]*)\\b',
  USERNAME: '[a-zA-Z0-9._-]+',
  USER: '[a-zA-Z0-9._-]+',
  IP: '(?:[0-9A-Fa-f:.]+)',
  IPV4: '(?:(?:[0-9]{1,3}\\.){3}[0-9]{1,3})',
  HOSTNAME: '\\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\\.?|\\b)',
  QUOTEDSTRING: '"(?:[^"\\\\]|\\\\.)*"',
  URIPATH: "(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\\-]*)+",
  UUID: '[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}',
  LOGLEVEL:
    '(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE)',
};

export interface CompiledGrok {
  readonly regex: RE2JS;
  /** Capture group index -> output column and type. */
  readonly fields: readonly {
    readonly group: number;
    readonly name: string;
    readonly type?: 'int' | 'long' | 'float' | 'double';
  }[];
}

/**
 * Compiles a grok pattern (`%{DATA:raw_commands}` ...) to an RE2 regex with one capture group per
 * named field; the rest of the pattern is regex text. Returns an error message for unknown
 * pattern names or a regex RE2 cannot compile.
 * @example compileGrok('%{WORD:verb} %{GREEDYDATA:rest}')
 */
export function compileGrok(pattern: string): CompiledGrok | string {
  const fields: { group: number; name: string; type?: 'int' | 'long' | 'float' | 'double' }[] = [];
  let unknown: string | undefined;
  let group = 0;
  // Count explicit capture groups in the literal regex parts so group numbers stay right.
  const body = pattern.replace(
    /%\{(\w+)(?::([\w.@\-/]+))?(?::(int|long|float|double))?\}|\((?!\?)/g,
    (m, name, field, type) => {
      if (m === '(') {
        group++;
        return m;
      }
      const re = patterns[name as string];
      if (re === undefined) {
        unknown ??= name as string;
        return '';
      }
      if (!field) return `(?:${re})`;
      group++;
      fields.push({ group, name: field as string, ...(type ? { type: type as 'int' } : {}) });
      return `(${re})`;
    },
  );
  if (unknown) return `unknown grok pattern %{${unknown}}`;
  try {
    return { regex: RE2JS.compile(body, RE2JS.DOTALL), fields };
  } catch (e) {
    return `grok pattern does not compile: ${(e as Error).message}`;
  }
}

/**
 * Runs a compiled grok on a string: the captured columns, or undefined when it does not match.
 * @example runGrok(compiled, 'GET /x')?.get('verb') // 'GET'
 */
export function runGrok(g: CompiledGrok, s: string): Map<string, string | number | null> | undefined {
  const m = g.regex.matcher(s);
  if (!m.find()) return undefined;
  const out = new Map<string, string | number | null>();
  for (const f of g.fields) {
    const v = m.group(f.group);
    out.set(f.name, v === null ? null : f.type ? Number(v) : v);
  }
  return out;
}
