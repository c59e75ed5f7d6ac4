import type { Diagnostic } from '../../diag/diagnostic.js';
import { type Span, span } from '../../diag/span.js';

export type EqlToken =
  | { readonly t: 'ident'; readonly text: string; readonly tilde: boolean; readonly span: Span }
  /** A backtick-quoted field name: `` `a.b/c` ``. */
  | { readonly t: 'field'; readonly text: string; readonly span: Span }
  | { readonly t: 'string'; readonly text: string; readonly span: Span }
  | { readonly t: 'number'; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly t: 'punct'; readonly text: string; readonly span: Span }
  | { readonly t: 'eof'; readonly span: Span };

const puncts = ['==', '!=', '<=', '>=', '<', '>', ':', '(', ')', '[', ']', ',', '|', '='];

/**
 * Splits EQL text into tokens. Strings: `"..."` with `\"` `\\` `\n` `\t` `\r` `\u{hex}` escapes,
 * `"""raw"""` and `?"raw"`; comments `/* ... *\/` and `// ...` are skipped. A `~` right after an
 * identifier (`in~`, `like~`, `startsWith~`) is recorded on it. Problems are EQL001 (bad token)
 * and EQL002 (unterminated string or comment).
 * @example lexEql('any where verb == "get"').tokens.length // 6
 */
export function lexEql(src: string): { tokens: EqlToken[]; diagnostics: Diagnostic[] } {
  const tokens: EqlToken[] = [];
  const diagnostics: Diagnostic[] = [];
  const err = (code: string, message: string, s: Span): void => {
    diagnostics.push({ code, severity: 'error', message, span: s, source: src });
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const start = i;
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) {
        err('EQL002', 'unterminated comment', span(i, src.length));
        break;
      }
      i = end + 2;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0) {
        err('EQL002', 'unterminated string', span(i, src.length));
        break;
      }
      tokens.push({ t: 'string', text: src.slice(i + 3, end), span: span(i, end + 3) });
      i = end + 3;
      continue;
    }
    if (c === '?' && src[i + 1] === '"') {
      const end = src.indexOf('"', i + 2);
      if (end < 0) {
        err('EQL002', 'unterminated string', span(i, src.length));
        break;
      }
      tokens.push({ t: 'string', text: src.slice(i + 2, end), span: span(i, end + 1) });
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let text = '';
      let closed = false;
      while (i < src.length) {
        const d = src[i]!;
        if (d === c) {
          closed = true;
          i++;
          break;
        }
        if (d === '\n') break;
        if (d === '\\') {
          const e = src[i + 1];
          const simple: Record<string, string> = {
            '"': '"',
            "'": "'",
            '\\': '\\',
            n: '\n',
            t: '\t',
            r: '\r',
          };
          if (e !== undefined && simple[e] !== undefined) {
            text += simple[e];
            i += 2;
            continue;
          }
          const u = /^u\{([0-9a-fA-F]{1,8})\}/.exec(src.slice(i + 1));
          if (u) {
            text += String.fromCodePoint(Number.parseInt(u[1]!, 16));
            i += 1 + u[0].length;
            continue;
          }
          err('EQL001', `invalid escape '\\${e ?? ''}'`, span(i, i + 2));
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      if (!closed) err('EQL002', 'unterminated string', span(start, i));
      tokens.push({ t: 'string', text, span: span(start, i) });
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) {
        err('EQL002', 'unterminated backtick field name', span(i, src.length));
        break;
      }
      tokens.push({ t: 'field', text: src.slice(i + 1, end), span: span(i, end + 1) });
      i = end + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num && (c !== '-' || /[\s(,=<>:]/.test(src[i - 1] ?? ' '))) {
      tokens.push({ t: 'number', value: Number(num[0]), text: num[0], span: span(i, i + num[0].length) });
      i += num[0].length;
      continue;
    }
    const id = /^\??[A-Za-z_@][A-Za-z0-9_.@]*/.exec(src.slice(i));
    if (id) {
      i += id[0].length;
      const tilde = src[i] === '~';
      if (tilde) i++;
      tokens.push({ t: 'ident', text: id[0].replace(/^\?/, ''), tilde, span: span(start, i) });
      continue;
    }
    const p = puncts.find((x) => src.startsWith(x, i));
    if (p) {
      tokens.push({ t: 'punct', text: p, span: span(i, i + p.length) });
      i += p.length;
      continue;
    }
    err('EQL001', `unexpected character '${c}'`, span(i, i + 1));
    i++;
  }
  tokens.push({ t: 'eof', span: span(src.length, src.length) });
  return { tokens, diagnostics };
}
