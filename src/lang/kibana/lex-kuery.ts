import type { Diagnostic } from '../../diag/diagnostic.js';
import { type Span, span } from '../../diag/span.js';
import type { PatternPart } from '../../ir/expr.js';

/**
 * Tokens of the Kibana query language. Whitespace is not a token: each token records whether
 * whitespace precedes it, because keywords need it and multi-word values keep it.
 */
export type KqlToken =
  | { readonly t: '(' | ')' | '{' | '}' | ':'; readonly span: Span; readonly ws: boolean }
  | {
      readonly t: 'range';
      readonly op: 'lt' | 'lte' | 'gt' | 'gte';
      readonly span: Span;
      readonly ws: boolean;
    }
  | { readonly t: 'quoted'; readonly text: string; readonly span: Span; readonly ws: boolean }
  | {
      readonly t: 'word';
      readonly parts: readonly PatternPart[];
      /** Lower-cased keyword (`and`/`or`/`not`) when the word is one, unescaped. */
      readonly keyword?: 'and' | 'or' | 'not';
      readonly span: Span;
      readonly ws: boolean;
    }
  | { readonly t: 'eof'; readonly span: Span; readonly ws: boolean };

/** Characters that end an unquoted word (Kibana `SpecialCharacter`, minus the `*` wildcard). */
const special = new Set(['\\', '(', ')', ':', '<', '>', '"', '{', '}']);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const escapable = new Set(['\\', '(', ')', ':', '<', '>', '"', '*', '{', '}']);

/**
 * Splits a query into tokens. Escapes follow Kibana's grammar: `\` before a special character,
 * `\t` `\r` `\n`, `\uXXXX`, and `\and` `\or` `\not` (a keyword used as a value).
 * @example lexKuery('a:"b" and c').tokens.map((t) => t.t) // ['word', ':', 'quoted', 'word', 'word', 'eof']
 */
export function lexKuery(src: string): { tokens: KqlToken[]; diagnostics: Diagnostic[] } {
  const tokens: KqlToken[] = [];
  const diagnostics: Diagnostic[] = [];
  const err = (code: string, message: string, s: Span, hint?: string): void => {
    diagnostics.push({ code, severity: 'error', message, span: s, source: src, ...(hint ? { hint } : {}) });
  };
  let i = 0;
  while (i < src.length) {
    const start0 = i;
    while (i < src.length && isSpace(src[i]!)) i++;
    const ws = i > start0 || tokens.length === 0;
    if (i >= src.length) break;
    const c = src[i]!;
    const start = i;
    if (c === '(' || c === ')' || c === '{' || c === '}' || c === ':') {
      tokens.push({ t: c, span: span(i, i + 1), ws });
      i++;
      continue;
    }
    if (c === '<' || c === '>') {
      const eq = src[i + 1] === '=';
      const op = c === '<' ? (eq ? 'lte' : 'lt') : eq ? 'gte' : 'gt';
      i += eq ? 2 : 1;
      tokens.push({ t: 'range', op, span: span(start, i), ws });
      continue;
    }
    if (c === '"') {
      i++;
      let text = '';
      let closed = false;
      while (i < src.length) {
        const d = src[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          if (e === '"' || e === '\\') text += e;
          else if (e === 't') text += '\t';
          else if (e === 'r') text += '\r';
          else if (e === 'n') text += '\n';
          else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            text += String.fromCharCode(Number.parseInt(src.slice(i + 2, i + 6), 16));
            i += 4;
          } else {
            // Kibana keeps other backslashes in phrases as they are.
            text += '\\';
            i++;
            continue;
          }
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      if (!closed) err('KQL002', 'unterminated quoted string', span(start, src.length), 'add the closing "');
      tokens.push({ t: 'quoted', text, span: span(start, i), ws });
      continue;
    }
    // An unquoted word: everything up to whitespace or a special character.
    const parts: PatternPart[] = [];
    let lit = '';
    let escaped = false;
    while (i < src.length) {
      const d = src[i]!;
      if (isSpace(d) || (special.has(d) && d !== '\\')) break;
      if (d === '\\') {
        const e = src[i + 1];
        if (e !== undefined && escapable.has(e)) {
          lit += e;
          i += 2;
        } else if (e === 't' || e === 'r' || e === 'n') {
          lit += e === 't' ? '\t' : e === 'r' ? '\r' : '\n';
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
          lit += String.fromCharCode(Number.parseInt(src.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (/^(and|or|not)\b/i.test(src.slice(i + 1))) {
          escaped = true;
          i++;
        } else if (e === ' ') {
          lit += ' ';
          i += 2;
        } else {
          err(
            'KQL003',
            `invalid escape '\\${e ?? ''}'`,
            span(i, Math.min(src.length, i + 2)),
            'escape only \\ ( ) : < > " * { } and whitespace',
          );
          i += e === undefined ? 1 : 2;
        }
        escaped = true;
        continue;
      }
      if (d === '*') {
        if (lit) parts.push(lit);
        lit = '';
        parts.push({ wildcard: '*' });
        i++;
        continue;
      }
      lit += d;
      i++;
    }
    if (lit || parts.length === 0) parts.push(lit);
    const raw = src.slice(start, i).toLowerCase();
    let keyword: 'and' | 'or' | 'not' | undefined =
      !escaped && (raw === 'and' || raw === 'or' || raw === 'not') ? raw : undefined;
    if (raw === '&&' || raw === '||') {
      err(
        'KQL014',
        `the operator '${raw}' is Lucene syntax, not supported in the Kibana query language`,
        span(start, i),
        raw === '&&' ? "use 'and'" : "use 'or'",
      );
      keyword = raw === '&&' ? 'and' : 'or';
    }
    tokens.push({ t: 'word', parts, span: span(start, i), ws, ...(keyword ? { keyword } : {}) });
  }
  tokens.push({ t: 'eof', span: span(src.length, src.length), ws: true });
  return { tokens, diagnostics };
}
