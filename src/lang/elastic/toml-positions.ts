/**
 * Finds where keys sit in a TOML text, to position semantic diagnostics (smol-toml gives
 * positions for syntax errors only). A line-based scan: table headers set the current table,
 * `key =` lines are matched inside it. Good enough for detection-rules files, which never use
 * inline tables for the keys we report on.
 */
export interface KeyPosition {
  /** Offset of the key's first character. */
  readonly keyStart: number;
  readonly keyEnd: number;
  /** Offset of the first character after `=` and spaces (the value). */
  readonly valueStart: number;
}

/**
 * Position of `key` in table `table` (`rule`, `rule.new_terms`, `metadata`), or of the table
 * header when `key` is omitted. The first occurrence wins.
 * @example findKey(text, 'rule', 'severity')?.keyStart
 */
export function findKey(text: string, table: string, key?: string): KeyPosition | undefined {
  let current = '';
  let offset = 0;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      current = header[1]!;
      if (key === undefined && current === table) {
        const at = start + line.indexOf('[');
        return { keyStart: at, keyEnd: start + line.length, valueStart: at };
      }
      continue;
    }
    if (key === undefined || current !== table) continue;
    const m = /^(\s*)("?)([A-Za-z0-9_-]+)\2\s*=\s*/.exec(line);
    if (m && m[3] === key) {
      const keyStart = start + m[1]!.length;
      return { keyStart, keyEnd: keyStart + m[2]!.length * 2 + key.length, valueStart: start + m[0].length };
    }
  }
  return undefined;
}

/**
 * Offset of the first character of a string value starting at `valueStart`: after the opening
 * quote(s), and after the newline that TOML trims right after an opening `'''` or `"""`.
 * @example stringContentStart("query = '''\nx", 8) // 12
 */
export function stringContentStart(text: string, valueStart: number): number {
  const rest = text.slice(valueStart, valueStart + 3);
  if (rest === "'''" || rest === '"""') {
    let i = valueStart + 3;
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n') i += 1;
    return i;
  }
  if (rest.startsWith("'") || rest.startsWith('"')) return valueStart + 1;
  return valueStart;
}
