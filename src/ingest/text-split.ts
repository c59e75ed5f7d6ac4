/**
 * Splitting text that is not one JSON value per line: concatenated / pretty-printed JSON values
 * (`{…}{…}`, several multi-line documents) and CSV records (quoted fields may hold commas,
 * doubled quotes and newlines).
 */

export interface TextValue {
  readonly text: string;
  /** 1-based line offset of the value's first character within the text. */
  readonly line: number;
}

/**
 * The top-level JSON objects/arrays in `text`, in order, by bracket balance (strings and escapes
 * respected). Text between values that is not whitespace becomes its own segment so the caller
 * can report it; an unbalanced tail is returned as the last segment.
 * @example splitJsonValues('{"a":1}\n{"b":\n2}') // [{text:'{"a":1}', line:1}, {text:'{"b":\n2}', line:2}]
 */
export function splitJsonValues(text: string): TextValue[] {
  const out: TextValue[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  let startLine = 1;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      if (start < 0) {
        start = i;
        startLine = line;
      }
    } else if (c === 123 || c === 91) {
      if (start < 0) {
        start = i;
        startLine = line;
      }
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth <= 0 && start >= 0) {
        out.push({ text: text.slice(start, i + 1), line: startLine });
        start = -1;
        depth = 0;
      }
    } else if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 44 && start < 0) {
      start = i;
      startLine = line;
    }
  }
  if (start >= 0) out.push({ text: text.slice(start), line: startLine });
  return out;
}

/** True when the CSV record text so far has an unclosed quoted field (needs the next line). */
export function csvOpen(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) open = !open;
  return open;
}

/**
 * Fields of one CSV record (RFC 4180: `"` quotes, `""` escapes a quote).
 * @example parseCsvRecord('a,"b,c","d""e"') // ['a', 'b,c', 'd"e']
 */
export function parseCsvRecord(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          v += text.slice(i);
          i = n;
          break;
        }
        v += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 34) {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      const comma = text.indexOf(',', i);
      if (comma < 0) break;
      i = comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0) {
        out.push(text.slice(i));
        break;
      }
      out.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
  return out;
}
