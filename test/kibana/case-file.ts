import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import { lineCol } from '../../src/diag/span.js';

/** One parser case: an input, and either the expected IR (`==>`) or expected errors (`//!`). */
export interface ParserCase {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly input: string;
  readonly expected?: string;
  /** `CODE line:col [message fragment]` per expected diagnostic. */
  readonly errors: readonly { code: string; line: number; col: number; fragment: string }[];
}

/**
 * Reads case files: blocks start with `# name`; the input runs to a line starting with `==>` (the
 * expected IR, which may continue over following lines) or `//!` (an expected diagnostic:
 * `//! KQL001 1:7 fragment`). Lines starting with `##` are comments.
 */
export function readCases(dir: string): ParserCase[] {
  const out: ParserCase[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.txt'))
    .sort()) {
    const file = join(dir, name);
    const lines = readFileSync(file, 'utf8').split('\n');
    let cur:
      | {
          name: string;
          line: number;
          input: string[];
          expected: string[];
          errors: ParserCase['errors'][number][];
          mode: 'in' | 'ir';
        }
      | undefined;
    const flush = (): void => {
      if (!cur) return;
      out.push({
        file: name,
        line: cur.line,
        name: cur.name,
        input: cur.input.join('\n').replace(/\s+$/, ''),
        ...(cur.expected.length
          ? {
              expected: cur.expected
                .map((x) => x.trim())
                .join(' ')
                .trim(),
            }
          : {}),
        errors: cur.errors,
      });
    };
    lines.forEach((text, i) => {
      if (text.startsWith('##')) return;
      if (text.startsWith('# ')) {
        flush();
        cur = { name: text.slice(2).trim(), line: i + 1, input: [], expected: [], errors: [], mode: 'in' };
        return;
      }
      if (!cur) return;
      if (text.startsWith('==>')) {
        cur.mode = 'ir';
        cur.expected.push(text.slice(3));
      } else if (text.startsWith('//!')) {
        const m = /^\/\/!\s*(\S+)\s+(\d+):(\d+)\s*(.*)$/.exec(text);
        if (!m) throw new Error(`${name}:${i + 1}: bad //! line`);
        cur.errors.push({ code: m[1]!, line: Number(m[2]), col: Number(m[3]), fragment: m[4]!.trim() });
        cur.mode = 'ir';
      } else if (cur.mode === 'ir') {
        if (text.trim()) cur.expected.push(text);
      } else cur.input.push(text);
    });
    flush();
  }
  return out;
}

/**
 * Checks one case against what the front end gave: the error diagnostics (as `CODE line:col
 * message`) against the expected `//!` lines, in order, else no errors and `print()` (the printed
 * IR, asked for only then) equal to the `==>` text.
 */
export function assertCase(
  c: ParserCase,
  diagnostics: readonly Diagnostic[],
  print: () => string | undefined,
): void {
  const got = diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const { line, col } = lineCol(c.input, d.span?.start ?? 0);
      return `${d.code} ${line}:${col} ${d.message}`;
    });
  if (c.errors.length) {
    assert.equal(got.length, c.errors.length, `diagnostics: ${got.join(' | ')}`);
    c.errors.forEach((e, i) => {
      assert.ok(
        got[i]!.startsWith(`${e.code} ${e.line}:${e.col} `),
        `expected ${e.code} ${e.line}:${e.col}, got ${got[i]}`,
      );
      assert.ok(got[i]!.includes(e.fragment), `expected '${e.fragment}' in ${got[i]}`);
    });
  } else {
    assert.deepEqual(got, []);
    assert.equal(print(), c.expected);
  }
}
