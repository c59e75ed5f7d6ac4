import type { Span } from '../../diag/span.js';
import { SIG } from './codes.js';

/** A parsed Sigma condition. `Of` covers `1 of x*`, `all of x*`, `1 of them`, `all of them`. */
export type Cond =
  | { readonly kind: 'Ref'; readonly name: string; readonly span: Span }
  | {
      readonly kind: 'Of';
      readonly quant: 'one' | 'all';
      /** Selection name pattern (`*` wildcard), or undefined for `them`. */
      readonly pattern: string | undefined;
      readonly span: Span;
    }
  | { readonly kind: 'And'; readonly args: readonly Cond[]; readonly span: Span }
  | { readonly kind: 'Or'; readonly args: readonly Cond[]; readonly span: Span }
  | { readonly kind: 'Not'; readonly arg: Cond; readonly span: Span };

export interface CondProblem {
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  readonly hint?: string;
}

interface Tok {
  readonly t: 'word' | '(' | ')' | '|' | 'end' | 'bad';
  readonly text: string;
  readonly span: Span;
}

function lex(src: string, base: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '|') {
      out.push({ t: c, text: c, span: { start: base + i, end: base + i + 1 } });
      i++;
      continue;
    }
    const m = /^[A-Za-z0-9_*.\-?]+/.exec(src.slice(i));
    if (m) {
      out.push({ t: 'word', text: m[0], span: { start: base + i, end: base + i + m[0].length } });
      i += m[0].length;
      continue;
    }
    out.push({ t: 'bad', text: c, span: { start: base + i, end: base + i + 1 } });
    i++;
  }
  out.push({ t: 'end', text: '', span: { start: base + src.length, end: base + src.length } });
  return out;
}

const kw = (t: Tok, w: string): boolean => t.t === 'word' && t.text.toLowerCase() === w;
const reserved = new Set(['and', 'or', 'not', 'of', 'them']);

/**
 * Parses a Sigma condition string with the usual precedence (`not` > `and` > `or`), parentheses,
 * and the `1 of` / `all of` quantifiers (`any of` is read as `1 of`). `base` is the offset of the
 * condition text in the file, so problem spans point into the rule file.
 * The deprecated aggregation pipe (`| count() by x > 5`) and `near` are reported as unsupported.
 * @example parseCondition('sel and not 1 of filter*', 0).cond?.kind === 'And'
 */
export function parseCondition(src: string, base: number): { cond?: Cond; problems: CondProblem[] } {
  const toks = lex(src, base);
  const problems: CondProblem[] = [];
  let p = 0;
  const peek = (): Tok => toks[p]!;
  const next = (): Tok => toks[p++]!;
  const fail = (message: string, span: Span, code: string = SIG.badCondition, hint?: string): never => {
    problems.push({ code, message, span, ...(hint ? { hint } : {}) });
    throw new CondError();
  };
  const join = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });

  const parseOr = (): Cond => {
    const args = [parseAnd()];
    while (kw(peek(), 'or')) {
      next();
      args.push(parseAnd());
    }
    return args.length === 1
      ? args[0]!
      : { kind: 'Or', args, span: join(args[0]!.span, args[args.length - 1]!.span) };
  };
  const parseAnd = (): Cond => {
    const args = [parseNot()];
    while (kw(peek(), 'and')) {
      next();
      args.push(parseNot());
    }
    return args.length === 1
      ? args[0]!
      : { kind: 'And', args, span: join(args[0]!.span, args[args.length - 1]!.span) };
  };
  const parseNot = (): Cond => {
    if (kw(peek(), 'not')) {
      const t = next();
      const arg = parseNot();
      return { kind: 'Not', arg, span: join(t.span, arg.span) };
    }
    return parsePrimary();
  };
  const parsePrimary = (): Cond => {
    const t = next();
    if (t.t === '(') {
      const inner = parseOr();
      const close = next();
      if (close.t !== ')') fail(`expected ')' but found ${describe(close)}`, close.span);
      return inner;
    }
    if (t.t === 'word') {
      const lw = t.text.toLowerCase();
      if (kw(peek(), 'of')) {
        next();
        let quant: 'one' | 'all' | undefined;
        if (lw === '1' || lw === 'any') quant = 'one';
        else if (lw === 'all') quant = 'all';
        else if (/^\d+$/.test(lw))
          fail(`'${t.text} of' is not Sigma: only '1 of' and 'all of' exist`, t.span, SIG.badCondition);
        else fail(`'${t.text} of' is not Sigma: use '1 of' or 'all of'`, t.span);
        const target = next();
        if (target.t !== 'word' || (reserved.has(target.text.toLowerCase()) && !kw(target, 'them')))
          fail(`expected a selection pattern or 'them' after 'of', found ${describe(target)}`, target.span);
        return {
          kind: 'Of',
          quant: quant!,
          pattern: kw(target, 'them') ? undefined : target.text,
          span: join(t.span, target.span),
        };
      }
      if (lw === 'near') fail(`'near' (deprecated aggregation) is not supported`, t.span, SIG.unsupported);
      if (reserved.has(lw)) fail(`unexpected '${t.text}'`, t.span);
      if (/[*?]/.test(t.text))
        fail(
          `a wildcard name needs a quantifier`,
          t.span,
          SIG.badCondition,
          `did you mean '1 of ${t.text}'?`,
        );
      return { kind: 'Ref', name: t.text, span: t.span };
    }
    if (t.t === '|')
      fail(
        'the aggregation pipe (`| count() ...`) is deprecated; use a correlation rule',
        { start: t.span.start, end: toks[toks.length - 1]!.span.end },
        SIG.unsupported,
      );
    return fail(`expected a selection name, 'not' or '(' but found ${describe(t)}`, t.span);
  };

  try {
    if (toks.length === 1) fail('empty condition', toks[0]!.span);
    const cond = parseOr();
    const rest = peek();
    if (rest.t === '|')
      fail(
        'the aggregation pipe (`| count() ...`) is deprecated; use a correlation rule',
        { start: rest.span.start, end: toks[toks.length - 1]!.span.end },
        SIG.unsupported,
      );
    if (rest.t !== 'end') fail(`unexpected ${describe(rest)} after the condition`, rest.span);
    return { cond, problems };
  } catch (e) {
    if (e instanceof CondError) return { problems };
    throw e;
  }
}

class CondError extends Error {}

function describe(t: Tok): string {
  if (t.t === 'end') return 'the end of the condition';
  if (t.t === 'bad') return `'${t.text}'`;
  return `'${t.text}'`;
}

/** Names a condition references (directly), for unused-selection checks. */
export function condRefs(c: Cond, out: Set<string> = new Set()): Set<string> {
  switch (c.kind) {
    case 'Ref':
      out.add(c.name);
      break;
    case 'Of':
      out.add(c.pattern ?? '*');
      break;
    case 'And':
    case 'Or':
      for (const a of c.args) condRefs(a, out);
      break;
    case 'Not':
      condRefs(c.arg, out);
      break;
  }
  return out;
}
