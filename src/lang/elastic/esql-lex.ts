import type { Diagnostic } from '../../diag/diagnostic.js';
import { type Span, span } from '../../diag/span.js';

/** An ES|QL token; `quoted` marks a backtick-quoted name. */
export type EsqlToken = {
  readonly t: 'id' | 'str' | 'num' | 'op' | 'eof';
  readonly text: string;
  readonly span: Span;
  readonly quoted?: boolean;
};

/** Time span units of ES|QL literals (`9 minutes`), in ms. */
export const unitMs: Record<string, number> = {
  millisecond: 1,
  milliseconds: 1,
  ms: 1,
  second: 1000,
  seconds: 1000,
  s: 1000,
  minute: 60_000,
  minutes: 60_000,
  min: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
  d: 86_400_000,
  week: 604_800_000,
  weeks: 604_800_000,
};
const ops = ['==', '!=', '<=', '>=', '<', '>', '=', '(', ')', ',', '|', '+', '-', '*', '/', '%', '.'];

/**
 * Splits ES|QL text (after FROM) into tokens: names, strings (`"..."`, `"""raw"""`), numbers,
 * operators; comments are skipped. Problems: ESQ001 bad character, ESQ002 unterminated string.
 * @example lexEsql('| WHERE a == 1', 0, []).length // 6
 */
export function lexEsql(src: string, from: number, diags: Diagnostic[]): EsqlToken[] {
  const out: EsqlToken[] = [];
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? src.length : e + 2;
      continue;
    }
    const start = i;
    if (src.startsWith('"""', i)) {
      const e = src.indexOf('"""', i + 3);
      const end = e < 0 ? src.length : e;
      if (e < 0)
        diags.push({
          code: 'ESQ002',
          severity: 'error',
          message: 'unterminated string',
          span: span(i, src.length),
          source: src,
        });
      out.push({ t: 'str', text: src.slice(i + 3, end), span: span(start, Math.min(src.length, end + 3)) });
      i = end + 3;
      continue;
    }
    if (c === '"') {
      let text = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) {
          const e = src[i + 1]!;
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
        } else text += src[i++];
      }
      if (i >= src.length)
        diags.push({
          code: 'ESQ002',
          severity: 'error',
          message: 'unterminated string',
          span: span(start, src.length),
          source: src,
        });
      i++;
      out.push({ t: 'str', text, span: span(start, i) });
      continue;
    }
    if (c === '`') {
      const e = src.indexOf('`', i + 1);
      const end = e < 0 ? src.length : e;
      out.push({ t: 'id', text: src.slice(i + 1, end), span: span(start, end + 1), quoted: true });
      i = end + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', text: num[0], span: span(i, i + num[0].length) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_@][A-Za-z0-9_@]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', text: id[0], span: span(i, i + id[0].length) });
      i += id[0].length;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) {
      diags.push({
        code: 'ESQ001',
        severity: 'error',
        message: `unexpected character '${c}'`,
        span: span(i, i + 1),
        source: src,
      });
      i++;
      continue;
    }
    out.push({ t: 'op', text: op, span: span(i, i + op.length) });
    i += op.length;
  }
  out.push({ t: 'eof', text: '', span: span(src.length, src.length) });
  return out;
}
