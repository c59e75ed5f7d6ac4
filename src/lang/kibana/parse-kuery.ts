import type { Diagnostic } from '../../diag/diagnostic.js';
import { type Span, span } from '../../diag/span.js';
import type { PatternPart } from '../../ir/expr.js';
import { ParseStop, TokenCursor } from '../lex/token-cursor.js';
import type { KqlLiteral, KqlNode, KqlValue } from './ast.js';
import { type KqlToken, lexKuery } from './lex-kuery.js';

/**
 * Parses a Kibana query language query (`language = "kuery"`) with Kibana's precedence:
 * `not` binds tighter than `and`, which binds tighter than `or`. Keywords are case-insensitive.
 * Lucene-only syntax (`/regex/`, `value~`, `^2` boosts, `[a TO b]`, `&&`, `field:>1`) is reported
 * as unsupported by name. Never throws; an empty query gives `ast: undefined` (match all).
 * @example parseKuery('verb:(create or update) and not user.name:system\\:*').diagnostics // []
 */
export function parseKuery(src: string): { ast: KqlNode | undefined; diagnostics: Diagnostic[] } {
  const { tokens, diagnostics } = lexKuery(src);
  const p = new Parser(src, tokens, diagnostics);
  let ast: KqlNode | undefined;
  try {
    if (tokens[0]?.t !== 'eof') {
      ast = p.parseOr();
      const t = p.peek();
      if (t.t !== 'eof') p.fail(t, 'expected and, or or end of query');
    }
  } catch (e) {
    if (!(e instanceof ParseStop)) throw e;
    ast = undefined;
  }
  return { ast: diagnostics.some((d) => d.severity === 'error') ? undefined : ast, diagnostics };
}

class Parser extends TokenCursor<KqlToken> {
  constructor(src: string, tokens: readonly KqlToken[], diagnostics: Diagnostic[]) {
    super(src, tokens, diagnostics, 'KQL001');
  }

  private isKw(t: KqlToken, kw: 'and' | 'or' | 'not'): boolean {
    return t.t === 'word' && t.keyword === kw;
  }

  private unsupported(code: string, what: string, s: Span, hint?: string): void {
    this.diagnostics.push({
      code,
      severity: 'error',
      message: `${what} is Lucene syntax, not supported in the Kibana query language`,
      span: s,
      source: this.src,
      ...(hint ? { hint } : {}),
    });
  }

  parseOr(): KqlNode {
    const first = this.parseAnd();
    const args = [first];
    while (this.isKw(this.peek(), 'or')) {
      this.next();
      args.push(this.parseAnd());
    }
    return args.length === 1 ? first : { kind: 'Or', args, span: cover(args) };
  }

  private parseAnd(): KqlNode {
    const first = this.parseNot();
    const args = [first];
    while (this.isKw(this.peek(), 'and')) {
      this.next();
      args.push(this.parseNot());
    }
    return args.length === 1 ? first : { kind: 'And', args, span: cover(args) };
  }

  private parseNot(): KqlNode {
    const t = this.peek();
    if (this.isKw(t, 'not')) {
      this.next();
      const arg = this.parseNot();
      return { kind: 'Not', arg, span: span(t.span.start, arg.span.end) };
    }
    return this.parseSub();
  }

  private parseSub(): KqlNode {
    const t = this.peek();
    if (t.t === '(') {
      this.next();
      const q = this.parseOr();
      const close = this.next();
      if (close.t !== ')') this.fail(close, "expected ')'");
      return withSpan(q, span(t.span.start, close.span.end));
    }
    return this.parseExpression();
  }

  private parseExpression(): KqlNode {
    const lit = this.parseLiteral('expected a field, a value or (');
    const t = this.peek();
    if (t.t === ':') {
      this.next();
      const field = this.fieldName(lit);
      const v = this.peek();
      if (v.t === '{') {
        this.next();
        const query = this.parseOr();
        const close = this.next();
        if (close.t !== '}') this.fail(close, "expected '}'");
        return { kind: 'Nested', field, query, span: span(lit.span.start, close.span.end) };
      }
      if (v.t === 'range') {
        this.unsupported(
          'KQL015',
          `'${lit.text}:${this.src.slice(v.span.start, v.span.end)}'`,
          span(lit.span.start, v.span.end),
          `write '${lit.text} ${this.src.slice(v.span.start, v.span.end)} value'`,
        );
        this.next();
        const value = this.parseLiteral('expected a value');
        return { kind: 'Range', field, op: v.op, value, span: span(lit.span.start, value.span.end) };
      }
      const value = this.parseListOfValues();
      return { kind: 'Field', field, value, span: span(lit.span.start, value.span.end) };
    }
    if (t.t === 'range') {
      this.next();
      const field = this.fieldName(lit);
      const value = this.parseLiteral('expected a value after the range operator');
      return { kind: 'Range', field, op: t.op, value, span: span(lit.span.start, value.span.end) };
    }
    return { kind: 'Text', value: lit, span: lit.span };
  }

  private fieldName(lit: KqlLiteral): string {
    if (!lit.quoted && lit.parts.some((p) => typeof p !== 'string')) {
      this.diagnostics.push({
        code: 'KQL021',
        severity: 'error',
        message: `wildcard field names ('${lit.text}') are not supported`,
        span: lit.span,
        source: this.src,
        hint: 'name the field in full',
      });
    }
    return lit.text;
  }

  private parseListOfValues(): KqlValue {
    const t = this.peek();
    if (t.t === '(') {
      this.next();
      const v = this.parseOrValues();
      const close = this.next();
      if (close.t !== ')') this.fail(close, "expected ')', and or or");
      return withSpan(v, span(t.span.start, close.span.end));
    }
    return this.parseLiteral('expected a value');
  }

  private parseOrValues(): KqlValue {
    const first = this.parseAndValues();
    const args = [first];
    while (this.isKw(this.peek(), 'or')) {
      this.next();
      args.push(this.parseAndValues());
    }
    return args.length === 1 ? first : { kind: 'ValueOr', args, span: cover(args) };
  }

  private parseAndValues(): KqlValue {
    const first = this.parseNotValues();
    const args = [first];
    while (this.isKw(this.peek(), 'and')) {
      this.next();
      args.push(this.parseNotValues());
    }
    return args.length === 1 ? first : { kind: 'ValueAnd', args, span: cover(args) };
  }

  private parseNotValues(): KqlValue {
    const t = this.peek();
    if (this.isKw(t, 'not')) {
      this.next();
      const arg = this.parseNotValues();
      return { kind: 'ValueNot', arg, span: span(t.span.start, arg.span.end) };
    }
    return this.parseListOfValues();
  }

  /** A quoted phrase, or a run of unquoted words (keeping the whitespace between them). */
  private parseLiteral(expected: string): KqlLiteral {
    const t = this.peek();
    if (t.t === 'quoted') {
      this.next();
      return { kind: 'Literal', quoted: true, parts: [t.text], text: t.text, span: t.span };
    }
    if (t.t !== 'word' || t.keyword === 'and' || t.keyword === 'or') this.fail(t, expected);
    if (t.keyword === 'not') this.fail(t, expected);
    const parts: PatternPart[] = [];
    let last = t;
    this.next();
    pushParts(parts, t.parts);
    for (;;) {
      const n = this.peek();
      if (n.t !== 'word' || n.keyword) break;
      pushParts(parts, [this.src.slice(last.span.end, n.span.start)]);
      pushParts(parts, n.parts);
      last = n;
      this.next();
    }
    const lit: KqlLiteral = {
      kind: 'Literal',
      quoted: false,
      parts,
      text: parts.map((p) => (typeof p === 'string' ? p : p.wildcard)).join(''),
      span: span(t.span.start, last.span.end),
    };
    this.checkLucene(lit);
    return lit;
  }

  private checkLucene(lit: KqlLiteral): void {
    const raw = this.src.slice(lit.span.start, lit.span.end);
    if (raw === '&&' || raw === '||' || raw === '!') {
      this.unsupported(
        'KQL014',
        `the operator '${raw}'`,
        lit.span,
        raw === '!' ? "use 'not'" : "use 'and' / 'or'",
      );
    } else if (/^\/.+\/$/s.test(raw) && /[[\]|+^$?]|\.\*|\.\+|\\[dswDSW]/.test(raw)) {
      this.unsupported(
        'KQL010',
        `the regular expression ${raw}`,
        lit.span,
        'use wildcards (*) or an EQL rule',
      );
    } else if (/^\[.* (TO|to) .*\]$/s.test(raw)) {
      this.unsupported('KQL013', `the range ${raw}`, lit.span, "write 'field >= a and field <= b'");
    } else if (/[^\\]~(\d+(\.\d+)?)?$/.test(raw)) {
      this.unsupported('KQL011', `the fuzzy/proximity query '${raw}'`, lit.span, 'use wildcards (*)');
    } else if (/[^\\]\^\d+(\.\d+)?$/.test(raw)) {
      this.unsupported('KQL012', `the boost '${raw}'`, lit.span, 'remove the ^ boost');
    }
  }
}

function pushParts(out: PatternPart[], parts: readonly PatternPart[]): void {
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (p === '') {
        if (out.length === 0) out.push('');
        continue;
      }
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else {
      if (last === '') out.pop();
      out.push(p);
    }
  }
}

const cover = (xs: readonly { span: Span }[]): Span => span(xs[0]!.span.start, xs[xs.length - 1]!.span.end);

function withSpan<T extends { span: Span }>(n: T, s: Span): T {
  return { ...n, span: s };
}
