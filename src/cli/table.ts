/**
 * Aligned text tables for people. Colour is applied by the caller's `paint` only when the output
 * is a terminal (`useColor`); pipes and files get plain text.
 */

export interface TableOptions {
  /** Widest a column may be before its cells are cut with `…` (default 60). */
  readonly maxWidth?: number;
  /** Wraps a whole row's text (already padded), e.g. in an ANSI colour; called only for body rows. */
  readonly paint?: (row: number, text: string) => string;
  /** Columns whose over-long cells keep their end (`…/dir/file.log:12`), e.g. file paths. */
  readonly keepEnd?: readonly number[];
  /** Per-column limits that override `maxWidth` (undefined entries use `maxWidth`). */
  readonly columnWidths?: readonly (number | undefined)[];
}

/**
 * Renders `rows` under `headers` with columns padded to the widest cell.
 * @example renderTable(['A', 'B'], [['1', 'two']]) // 'A  B\n1  two\n'
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): string {
  const max = opts.maxWidth ?? 60;
  const keepEnd = new Set(opts.keepEnd ?? []);
  const cut = (v: string, col: number): string => {
    const one = v.replace(/[\r\n\t]+/g, ' ');
    const limit = opts.columnWidths?.[col] ?? max;
    if (one.length <= limit) return one;
    return keepEnd.has(col) ? `…${one.slice(one.length - limit + 1)}` : `${one.slice(0, limit - 1)}…`;
  };
  const body = rows.map((r) => headers.map((_, i) => cut(r[i] ?? '', i)));
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  let out = `${line(headers)}\n`;
  for (let i = 0; i < body.length; i++) {
    const text = line(body[i]!);
    out += `${opts.paint ? opts.paint(i, text) : text}\n`;
  }
  return out;
}

/** True when `stream` is a terminal and NO_COLOR is not set (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

export const ansi = {
  red: (s: string) => `\x1b[31m${s}\x1b[0m`,
  boldRed: (s: string) => `\x1b[1;31m${s}\x1b[0m`,
  yellow: (s: string) => `\x1b[33m${s}\x1b[0m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[0m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[0m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[0m`,
} as const;

/** CSV text of a table (RFC 4180 quoting). */
export function renderCsv(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const q = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [headers, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
}

/**
 * A numbered list, one item a line (`1. ...`), for the "Fixes" sections of the reports.
 * @example numberedList(['a', 'b']) === '1. a\n2. b\n'
 */
export function numberedList(items: readonly string[]): string {
  return items.map((x, i) => `${i + 1}. ${x}\n`).join('');
}
