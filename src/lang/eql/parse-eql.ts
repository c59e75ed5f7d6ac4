import type { Diagnostic } from '../../diag/diagnostic.js';
import { type Span, span } from '../../diag/span.js';
import { parseDuration } from '../elastic/date-math.js';
import { ParseStop, TokenCursor } from '../lex/token-cursor.js';
import type { EqlNode, EqlQuery, EventQuery, SequenceStep } from './ast.js';
import { type EqlToken, lexEql } from './lex-eql.js';

const keywords = new Set([
  'and',
  'or',
  'not',
  'in',
  'like',
  'regex',
  'where',
  'by',
  'with',
  'until',
  'true',
  'false',
  'null',
]);

/**
 * Parses the EQL that Elastic detection rules use: `<category> where <condition>` and
 * `sequence [by f, ...] [with maxspan=5m] [q] [by f] ... [until [q]]`, with `and`/`or`/`not`,
 * comparisons, `:` `like` `regex` `in` (and their `~` case-insensitive forms, `not in`), and
 * function calls. Pipes (`| head 5`) are reported as unsupported (EQL010). Codes: EQL001 syntax,
 * EQL002 unterminated text, EQL003 bad maxspan, EQL010 unsupported feature. Never throws.
 * @example parseEql('any where verb == "delete"').ast?.kind // 'Event'
 */
export function parseEql(src: string): { ast: EqlQuery | undefined; diagnostics: Diagnostic[] } {
  const { tokens, diagnostics } = lexEql(src);
  if (diagnostics.length) return { ast: undefined, diagnostics };
  const p = new Parser(src, tokens, diagnostics);
  try {
    const ast = p.query();
    return { ast: diagnostics.some((d) => d.severity === 'error') ? undefined : ast, diagnostics };
  } catch (e) {
    if (e instanceof ParseStop) return { ast: undefined, diagnostics };
    throw e;
  }
}

class Parser extends TokenCursor<EqlToken> {
  constructor(src: string, tokens: readonly EqlToken[], diagnostics: Diagnostic[]) {
    super(src, tokens, diagnostics, 'EQL001');
  }

  private isKw(word: string, t = this.peek()): boolean {
    return t.t === 'ident' && !t.tilde && t.text.toLowerCase() === word;
  }
  private isPunct(p: string, t = this.peek()): boolean {
    return t.t === 'punct' && t.text === p;
  }
  private expectPunct(p: string): EqlToken {
    const t = this.next();
    if (!this.isPunct(p, t)) this.fail(t, `expected '${p}'`);
    return t;
  }
  private expectKw(word: string): EqlToken {
    const t = this.next();
    if (!this.isKw(word, t)) this.fail(t, `expected '${word}'`);
    return t;
  }

  query(): EqlQuery {
    let q: EqlQuery;
    if (this.isKw('sequence')) q = this.sequence();
    else {
      const event = this.eventQuery();
      q = { kind: 'Event', event, span: event.span };
    }
    const t = this.peek();
    if (this.isPunct('|', t)) {
      this.diagnostics.push({
        code: 'EQL010',
        severity: 'error',
        message: 'pipes (| head, | tail, | filter, ...) are not supported',
        span: span(t.span.start, this.src.length),
        source: this.src,
      });
      return q;
    }
    if (t.t !== 'eof') this.fail(t, 'expected and, or or end of query');
    return q;
  }

  private sequence(): EqlQuery {
    const start = this.next().span.start;
    let by: string[] = [];
    let maxspanMs: number | undefined;
    for (let k = 0; k < 2; k++) {
      if (this.isKw('by')) {
        this.next();
        by = this.fieldList();
      } else if (this.isKw('with')) {
        this.next();
        const name = this.next();
        if (!(name.t === 'ident' && name.text === 'maxspan')) this.fail(name, "expected 'maxspan'");
        this.expectPunct('=');
        const v = this.next();
        const text = v.t === 'number' ? `${v.text}${this.unitAfter(v)}` : v.t === 'ident' ? v.text : '';
        maxspanMs = v.t === 'number' ? parseDuration(text) : undefined;
        if (maxspanMs === undefined) {
          this.diagnostics.push({
            code: 'EQL003',
            severity: 'error',
            message: `maxspan '${text}' is not a duration like 5m`,
            span: v.span,
            source: this.src,
          });
        }
      }
    }
    const steps: SequenceStep[] = [];
    while (this.isPunct('[')) steps.push(this.step());
    if (steps.length < 2) this.fail(this.peek(), 'expected a sequence of at least two [queries]');
    let until: SequenceStep | undefined;
    if (this.isKw('until')) {
      this.next();
      until = this.step();
    }
    const end = this.tokens[this.pos - 1]?.span.end ?? start;
    return { kind: 'Sequence', by, maxspanMs, steps, until, span: span(start, end) };
  }

  /** A number token followed directly by its unit identifier (`5m` lexes as 5 + m). */
  private unitAfter(v: EqlToken): string {
    const u = this.peek();
    if (u.t === 'ident' && u.span.start === v.span.end) {
      this.next();
      return u.text;
    }
    return '';
  }

  private step(): SequenceStep {
    const open = this.expectPunct('[');
    const event = this.eventQuery();
    const close = this.expectPunct(']');
    let by: string[] = [];
    if (this.isKw('by')) {
      this.next();
      by = this.fieldList();
    }
    if (this.isKw('with')) this.fail(this.peek(), 'step options (with runs=) are not supported', 'EQL010');
    return { event, by, span: span(open.span.start, close.span.end) };
  }

  private fieldList(): string[] {
    const out = [this.fieldName()];
    while (this.isPunct(',')) {
      this.next();
      out.push(this.fieldName());
    }
    return out;
  }

  private fieldName(): string {
    const t = this.next();
    if (t.t === 'field' || (t.t === 'ident' && !keywords.has(t.text.toLowerCase()))) return t.text;
    return this.fail(t, 'expected a field name');
  }

  private eventQuery(): EventQuery {
    const t = this.next();
    let category: string;
    if (t.t === 'ident' || t.t === 'string') category = t.text;
    else this.fail(t, 'expected an event category (e.g. any)');
    this.expectKw('where');
    const where = this.or();
    return { category, where, span: span(t.span.start, where.span.end) };
  }

  private or(): EqlNode {
    const args = [this.and()];
    while (this.isKw('or')) {
      this.next();
      args.push(this.and());
    }
    return args.length === 1 ? args[0]! : { kind: 'Or', args, span: cover(args) };
  }

  private and(): EqlNode {
    const args = [this.not()];
    while (this.isKw('and')) {
      this.next();
      args.push(this.not());
    }
    return args.length === 1 ? args[0]! : { kind: 'And', args, span: cover(args) };
  }

  private not(): EqlNode {
    const t = this.peek();
    if (this.isKw('not', t)) {
      this.next();
      const arg = this.not();
      return { kind: 'Not', arg, span: span(t.span.start, arg.span.end) };
    }
    return this.comparison();
  }

  private comparison(): EqlNode {
    const left = this.primary();
    const t = this.peek();
    if (t.t === 'punct' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const right = this.primary();
      const op = t.text as '==' | '!=' | '<' | '<=' | '>' | '>=';
      return { kind: 'Compare', op, left, right, span: span(left.span.start, right.span.end) };
    }
    if (this.isPunct(':', t)) {
      this.next();
      const values = this.valueOrList();
      return {
        kind: 'Match',
        op: ':',
        insensitive: true,
        left,
        values,
        span: span(left.span.start, this.lastEnd()),
      };
    }
    let negated = false;
    if (
      this.isKw('not', t) &&
      this.peek(1).t === 'ident' &&
      (this.peek(1) as { text: string }).text.toLowerCase() === 'in'
    ) {
      this.next();
      negated = true;
    }
    const op = this.peek();
    if (op.t === 'ident' && ['in', 'like', 'regex'].includes(op.text.toLowerCase())) {
      this.next();
      const values = op.text.toLowerCase() === 'in' ? this.list() : this.valueOrList();
      const m: EqlNode = {
        kind: 'Match',
        op: op.text.toLowerCase() as 'in' | 'like' | 'regex',
        insensitive: op.tilde,
        left,
        values,
        span: span(left.span.start, this.lastEnd()),
      };
      return negated ? { kind: 'Not', arg: m, span: m.span } : m;
    }
    if (negated) this.fail(op, "expected 'in'");
    return left;
  }

  private valueOrList(): EqlNode[] {
    return this.isPunct('(') ? this.list() : [this.primary()];
  }

  private list(): EqlNode[] {
    this.expectPunct('(');
    const out = [this.primary()];
    while (this.isPunct(',')) {
      this.next();
      out.push(this.primary());
    }
    this.expectPunct(')');
    return out;
  }

  private primary(): EqlNode {
    const t = this.next();
    switch (t.t) {
      case 'string':
        return { kind: 'String', value: t.text, span: t.span };
      case 'number':
        return { kind: 'Number', value: t.value, span: t.span };
      case 'field':
        return { kind: 'Field', name: t.text, span: t.span };
      case 'punct':
        if (t.text === '(') {
          const e = this.or();
          const close = this.expectPunct(')');
          return { ...e, span: span(t.span.start, close.span.end) };
        }
        return this.fail(t, 'expected a field, a value or (');
      case 'ident': {
        const low = t.text.toLowerCase();
        if (low === 'true' || low === 'false')
          return { kind: 'Boolean', value: low === 'true', span: t.span };
        if (low === 'null') return { kind: 'Null', span: t.span };
        if (keywords.has(low)) return this.fail(t, 'expected a field, a value or (');
        if (this.isPunct('(')) {
          this.next();
          const args: EqlNode[] = [];
          if (!this.isPunct(')')) {
            args.push(this.or());
            while (this.isPunct(',')) {
              this.next();
              args.push(this.or());
            }
          }
          const close = this.expectPunct(')');
          return {
            kind: 'Call',
            name: t.text,
            insensitive: t.tilde,
            args,
            span: span(t.span.start, close.span.end),
          };
        }
        if (t.tilde) return this.fail(t, `'~' after a field name`);
        return { kind: 'Field', name: t.text, span: t.span };
      }
      case 'eof':
        return this.fail(t, 'expected a field, a value or (');
    }
  }
}

const cover = (xs: readonly { span: Span }[]): Span => span(xs[0]!.span.start, xs[xs.length - 1]!.span.end);
