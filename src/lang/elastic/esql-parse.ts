import type { Diagnostic } from '../../diag/diagnostic.js';
import { span } from '../../diag/span.js';
import { ParseStop, TokenCursor } from '../lex/token-cursor.js';
import type { EsqlAssign, EsqlCommand, EsqlExpr, EsqlQuery } from './esql-ast.js';
import { lexEsql, type EsqlToken as Tok, unitMs } from './esql-lex.js';

/**
 * Parses the ES|QL that Elastic rules use: `FROM <indices> [METADATA ...]` then `| WHERE`, `EVAL`,
 * `STATS ... BY`, `KEEP`, `DROP`, `RENAME`, `GROK`, `SORT`, `LIMIT`. Other commands (DISSECT,
 * MV_EXPAND, ENRICH, LOOKUP JOIN, ...) are ESQ010. Codes: ESQ001 syntax, ESQ002 unterminated
 * string, ESQ010 unsupported command. Never throws.
 * @example parseEsql('FROM logs-* | WHERE x == 1 | KEEP *').ast?.commands.length // 2
 */
export function parseEsql(src: string): { ast: EsqlQuery | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const m = /^\s*from\s+([\s\S]*?)(?:\s+metadata\s+([^|]*?))?\s*(?=\||$)/i.exec(src);
  if (!m) {
    diagnostics.push({
      code: 'ESQ001',
      severity: 'error',
      message: 'an ES|QL query starts with FROM',
      span: span(0, Math.min(4, src.length)),
      source: src,
    });
    return { ast: undefined, diagnostics };
  }
  const indices = m[1]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const metadata = (m[2] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const p = new Parser(src, lexEsql(src, m[0].length, diagnostics), diagnostics);
  try {
    const commands = p.commands();
    if (diagnostics.some((d) => d.severity === 'error')) return { ast: undefined, diagnostics };
    return { ast: { from: { indices, metadata, span: span(0, m[0].length) }, commands }, diagnostics };
  } catch (e) {
    if (e instanceof ParseStop) return { ast: undefined, diagnostics };
    throw e;
  }
}

class Parser extends TokenCursor<Tok> {
  constructor(src: string, tokens: readonly Tok[], diagnostics: Diagnostic[]) {
    super(src, tokens, diagnostics, 'ESQ001');
  }

  private kw(word: string, t = this.peek()): boolean {
    return t.t === 'id' && !t.quoted && t.text.toLowerCase() === word;
  }
  private op(o: string, t = this.peek()): boolean {
    return t.t === 'op' && t.text === o;
  }
  private expectOp(o: string): Tok {
    const t = this.next();
    if (!this.op(o, t)) this.fail(t, `expected '${o}'`);
    return t;
  }

  commands(): EsqlCommand[] {
    const out: EsqlCommand[] = [];
    while (this.op('|')) {
      this.next();
      out.push(this.command());
    }
    const t = this.peek();
    if (t.t !== 'eof') this.fail(t, "expected '|' or end of query");
    return out;
  }

  private command(): EsqlCommand {
    const t = this.next();
    const start = t.span.start;
    const name = t.t === 'id' ? t.text.toLowerCase() : '';
    switch (name) {
      case 'where':
        return { kind: 'Where', cond: this.expr(), span: span(start, this.lastEnd()) };
      case 'eval':
        return { kind: 'Eval', assigns: this.assigns(), span: span(start, this.lastEnd()) };
      case 'stats': {
        const aggs = this.kw('by') ? [] : this.assigns();
        let by: EsqlAssign[] = [];
        if (this.kw('by')) {
          this.next();
          by = this.assigns();
        }
        return { kind: 'Stats', aggs, by, span: span(start, this.lastEnd()) };
      }
      case 'keep':
      case 'drop':
        return {
          kind: name === 'keep' ? 'Keep' : 'Drop',
          patterns: this.patterns(),
          span: span(start, this.lastEnd()),
        };
      case 'rename': {
        const pairs: { from: string; to: string }[] = [];
        do {
          if (this.op(',')) this.next();
          const from = this.fieldName();
          if (!this.kw('as')) this.fail(this.peek(), "expected 'as'");
          this.next();
          pairs.push({ from, to: this.fieldName() });
        } while (this.op(','));
        return { kind: 'Rename', pairs, span: span(start, this.lastEnd()) };
      }
      case 'grok': {
        const input = this.primary();
        const pat = this.next();
        if (pat.t !== 'str') this.fail(pat, 'expected a grok pattern string');
        return { kind: 'Grok', input, pattern: pat.text, span: span(start, this.lastEnd()) };
      }
      case 'sort': {
        const keys: { expr: EsqlExpr; desc: boolean }[] = [];
        do {
          if (this.op(',')) this.next();
          const expr = this.expr();
          let desc = false;
          if (this.kw('asc') || this.kw('desc')) desc = this.next().text.toLowerCase() === 'desc';
          if (this.kw('nulls')) {
            this.next();
            this.next();
          }
          keys.push({ expr, desc });
        } while (this.op(','));
        return { kind: 'Sort', keys, span: span(start, this.lastEnd()) };
      }
      case 'limit': {
        const n = this.next();
        if (n.t !== 'num') this.fail(n, 'expected a number');
        return { kind: 'Limit', n: Number(n.text), span: span(start, this.lastEnd()) };
      }
      default:
        return this.fail(
          t,
          name ? `the command ${name.toUpperCase()} is not supported;` : 'expected a command',
          name ? 'ESQ010' : 'ESQ001',
        );
    }
  }

  private fieldName(): string {
    const t = this.next();
    if (t.t !== 'id') this.fail(t, 'expected a field name');
    let name = t.text;
    while (!t.quoted && this.op('.') && this.peek(1).t === 'id') {
      this.next();
      name += `.${this.next().text}`;
    }
    return name;
  }

  /** KEEP / DROP patterns: field names with `*` wildcards, comma-separated. */
  private patterns(): string[] {
    const out: string[] = [];
    let cur = '';
    for (;;) {
      const t = this.peek();
      if (t.t === 'eof' || this.op('|', t)) break;
      this.next();
      if (this.op(',', t)) {
        if (cur) out.push(cur);
        cur = '';
      } else cur += t.text;
    }
    if (cur) out.push(cur);
    return out;
  }

  private assigns(): EsqlAssign[] {
    const out: EsqlAssign[] = [];
    do {
      if (this.op(',')) this.next();
      const t = this.peek();
      const save = this.pos;
      if (t.t === 'id') {
        const name = this.fieldName();
        if (this.op('=')) {
          this.next();
          out.push({ name, expr: this.expr() });
          continue;
        }
        this.pos = save;
      }
      const start = this.peek().span.start;
      const expr = this.expr();
      out.push({ name: this.src.slice(start, this.lastEnd()).replace(/`/g, ''), expr });
    } while (this.op(','));
    return out;
  }

  expr(): EsqlExpr {
    let left = this.and();
    while (this.kw('or')) {
      this.next();
      const right = this.and();
      left = { kind: 'Or', left, right, span: span(left.span.start, right.span.end) };
    }
    return left;
  }

  private and(): EsqlExpr {
    let left = this.not();
    while (this.kw('and')) {
      this.next();
      const right = this.not();
      left = { kind: 'And', left, right, span: span(left.span.start, right.span.end) };
    }
    return left;
  }

  private not(): EsqlExpr {
    const t = this.peek();
    if (this.kw('not', t)) {
      this.next();
      const arg = this.not();
      return { kind: 'Not', arg, span: span(t.span.start, arg.span.end) };
    }
    return this.predicate();
  }

  private predicate(): EsqlExpr {
    const left = this.additive();
    const t = this.peek();
    if (t.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const right = this.additive();
      const op = t.text as '==' | '!=' | '<' | '<=' | '>' | '>=';
      return { kind: 'Binary', op, left, right, span: span(left.span.start, right.span.end) };
    }
    let negated = false;
    if (
      this.kw('not') &&
      (this.kw('in', this.peek(1)) || this.kw('like', this.peek(1)) || this.kw('rlike', this.peek(1)))
    ) {
      this.next();
      negated = true;
    }
    if (this.kw('in')) {
      this.next();
      this.expectOp('(');
      const list = [this.additive()];
      while (this.op(',')) {
        this.next();
        list.push(this.additive());
      }
      this.expectOp(')');
      return { kind: 'In', arg: left, list, negated, span: span(left.span.start, this.lastEnd()) };
    }
    if (this.kw('like') || this.kw('rlike')) {
      const regex = this.next().text.toLowerCase() === 'rlike';
      const p = this.next();
      if (p.t !== 'str') this.fail(p, 'expected a pattern string');
      return {
        kind: 'Like',
        arg: left,
        pattern: p.text,
        regex,
        negated,
        span: span(left.span.start, this.lastEnd()),
      };
    }
    if (this.kw('is')) {
      this.next();
      const neg = this.kw('not');
      if (neg) this.next();
      if (!this.kw('null')) this.fail(this.peek(), "expected 'null'");
      this.next();
      return { kind: 'IsNull', arg: left, negated: neg, span: span(left.span.start, this.lastEnd()) };
    }
    return left;
  }

  private additive(): EsqlExpr {
    let left = this.multiplicative();
    while (this.op('+') || this.op('-')) {
      const op = this.next().text as '+' | '-';
      const right = this.multiplicative();
      left = { kind: 'Binary', op, left, right, span: span(left.span.start, right.span.end) };
    }
    return left;
  }

  private multiplicative(): EsqlExpr {
    let left = this.primary();
    while (this.op('*') || this.op('/') || this.op('%')) {
      const op = this.next().text as '*' | '/' | '%';
      const right = this.primary();
      left = { kind: 'Binary', op, left, right, span: span(left.span.start, right.span.end) };
    }
    return left;
  }

  private primary(): EsqlExpr {
    const t = this.peek();
    if (t.t === 'num') {
      this.next();
      const u = this.peek();
      const ms = u.t === 'id' && !u.quoted ? unitMs[u.text.toLowerCase()] : undefined;
      if (ms !== undefined) {
        this.next();
        return { kind: 'TimeSpan', ms: Number(t.text) * ms, span: span(t.span.start, u.span.end) };
      }
      return { kind: 'Literal', value: Number(t.text), span: t.span };
    }
    if (t.t === 'str') {
      this.next();
      return { kind: 'Literal', value: t.text, span: t.span };
    }
    if (this.op('-')) {
      this.next();
      const arg = this.primary();
      const zero: EsqlExpr = { kind: 'Literal', value: 0, span: t.span };
      return { kind: 'Binary', op: '-', left: zero, right: arg, span: span(t.span.start, arg.span.end) };
    }
    if (this.op('*')) {
      this.next();
      return { kind: 'Star', span: t.span };
    }
    if (this.op('(')) {
      this.next();
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.t === 'id') {
      const low = t.text.toLowerCase();
      if (!t.quoted && (low === 'true' || low === 'false')) {
        this.next();
        return { kind: 'Literal', value: low === 'true', span: t.span };
      }
      if (!t.quoted && low === 'null') {
        this.next();
        return { kind: 'Literal', value: null, span: t.span };
      }
      if (!t.quoted && this.op('(', this.peek(1))) {
        this.next();
        this.next();
        const args: EsqlExpr[] = [];
        if (!this.op(')')) {
          args.push(this.expr());
          while (this.op(',')) {
            this.next();
            args.push(this.expr());
          }
        }
        this.expectOp(')');
        return { kind: 'Call', name: low, args, span: span(t.span.start, this.lastEnd()) };
      }
      const name = this.fieldName();
      return { kind: 'Field', name, span: span(t.span.start, this.lastEnd()) };
    }
    return this.fail(t, 'expected a field, a value, a function or (');
  }
}
