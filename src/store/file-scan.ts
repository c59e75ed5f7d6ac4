import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * One pass over a file's bytes: its SHA-256 (the store's idempotence key) and the line facts the
 * DuckDB load path needs to know it can number records by row order (no blank lines, no CR, no byte
 * 0x01, lines within the reader's limit).
 */
export interface FileScan {
  readonly sha256: string;
  /** Lines (records) in the file: newlines, plus one for a last line without a newline. */
  readonly lines: number;
  /** Longest line in bytes. */
  readonly maxLine: number;
  /** A blank line, a CR, a 0x01 byte or gzip magic: the file must be read by the Node path. */
  readonly irregular: boolean;
  /** The first line's text (at most 1 MiB), for sniffing the format. */
  readonly firstLine: string;
  /**
   * Sum over lines of line number x byte length, modulo `orderModulus`: DuckDB computes the same
   * over the rows it read, which proves it kept them in file order (up to swaps of equal lengths).
   */
  readonly orderSum: number;
}

/** A prime below 2^26, so a product of two residues stays exact in a double. */
export const orderModulus = 67_108_859;

const orderTerm = (line: number, len: number): number =>
  ((line % orderModulus) * (len % orderModulus)) % orderModulus;

const chunkSize = 8 * 1024 * 1024;

/**
 * Hashes a file and counts its lines in one read.
 * @example const s = scanFile('audit.log'); s.lines
 */
export function scanFile(path: string): FileScan {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(chunkSize);
  let lines = 0;
  let maxLine = 0;
  let lineStart = 0; // file offset of the current line
  let offset = 0;
  let irregular = false;
  let orderSum = 0;
  let firstLine: string | undefined;
  let head: Buffer[] = [];
  let headBytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      const b = n === chunkSize ? buf : buf.subarray(0, n);
      h.update(b);
      if (offset === 0 && n >= 2 && b[0] === 0x1f && b[1] === 0x8b) irregular = true;
      if (!irregular && (b.indexOf(13) >= 0 || b.indexOf(1) >= 0)) irregular = true;
      let i = b.indexOf(10);
      if (firstLine === undefined) {
        const end = i < 0 ? n : i;
        if (headBytes < 1 << 20) {
          head.push(Buffer.from(b.subarray(0, Math.min(end, (1 << 20) - headBytes))));
          headBytes += end;
        }
        if (i >= 0) {
          firstLine = Buffer.concat(head).toString('utf8');
          head = [];
        }
      }
      while (i >= 0) {
        const at = offset + i;
        const len = at - lineStart;
        if (len === 0) irregular = true;
        if (len > maxLine) maxLine = len;
        lines++;
        orderSum = (orderSum + orderTerm(lines, len)) % orderModulus;
        lineStart = at + 1;
        i = b.indexOf(10, i + 1);
      }
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
  if (offset > lineStart) {
    lines++;
    maxLine = Math.max(maxLine, offset - lineStart);
    orderSum = (orderSum + orderTerm(lines, offset - lineStart)) % orderModulus;
  }
  return {
    sha256: h.digest('hex'),
    lines,
    maxLine,
    irregular,
    orderSum,
    firstLine: firstLine ?? Buffer.concat(head).toString('utf8'),
  };
}
