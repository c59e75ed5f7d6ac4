import type { Diagnostic } from '../../diag/diagnostic.js';
import type { Span } from '../../diag/span.js';

/** The least a token needs for the cursor: a kind (`'eof'` ends the stream) and a span. */
export interface CursorToken {
  readonly t: string;
  readonly span: Span;
}

/** Thrown inside a parser only, to stop at the first syntax error; its front end catches it. */
export class ParseStop extends Error {}

/**
 * The token cursor the hand-written recursive-descent front ends (ES|QL, EQL, Kibana KQL) share:
 * look-ahead, consume, and the first-syntax-error report `<expected> but '<found>' found` with
 * the dialect's syntax code. A parser extends it and adds its own keyword/punctuation tests; the
 * token stream must end with an `'eof'` token (the cursor never moves past it).
 * @example
 * class P extends TokenCursor<Tok> { atEnd() { return this.peek().t === 'eof'; } }
 * new P(src, lexed, diagnostics, 'ESQ001');
 */
export class TokenCursor<T extends CursorToken> {
  protected pos = 0;
  constructor(
    protected readonly src: string,
    protected readonly tokens: readonly T[],
    protected readonly diagnostics: Diagnostic[],
    private readonly syntaxCode: string,
  ) {}

  /** The token `k` ahead, or the final `eof` token past the end. */
  peek(k = 0): T {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }
  protected next(): T {
    const t = this.peek();
    if (t.t !== 'eof') this.pos++;
    return t;
  }
  /** The end offset of the last consumed token (0 before any). */
  protected lastEnd(): number {
    return this.tokens[this.pos - 1]?.span.end ?? 0;
  }
  /** Reports `<expected> but <found> found` at `t` and stops the parse (throws `ParseStop`). */
  fail(t: T, expected: string, code = this.syntaxCode, hint?: string): never {
    const found = t.t === 'eof' ? 'end of query' : `'${this.src.slice(t.span.start, t.span.end)}'`;
    this.diagnostics.push({
      code,
      severity: 'error',
      message: `${expected} but ${found} found`,
      span: t.span,
      source: this.src,
      ...(hint ? { hint } : {}),
    });
    throw new ParseStop();
  }
}
