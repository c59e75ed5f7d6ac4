import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

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
const headLimit = 1 << 20;

/** The running state of one pass over a file's bytes, fed chunk by chunk in file order. */
class Scanner {
  private readonly h = createHash('sha256');
  private lines = 0;
  private maxLine = 0;
  private lineStart = 0; // file offset of the current line
  private offset = 0;
  private irregular = false;
  private orderSum = 0;
  private firstLine: string | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;

  update(b: Buffer): void {
    const n = b.length;
    this.h.update(b);
    if (this.offset === 0 && n >= 2 && b[0] === 0x1f && b[1] === 0x8b) this.irregular = true;
    if (!this.irregular && (b.indexOf(13) >= 0 || b.indexOf(1) >= 0)) this.irregular = true;
    let i = b.indexOf(10);
    if (this.firstLine === undefined) {
      const end = i < 0 ? n : i;
      if (this.headBytes < headLimit) {
        this.head.push(Buffer.from(b.subarray(0, Math.min(end, headLimit - this.headBytes))));
        this.headBytes += end;
      }
      if (i >= 0) {
        this.firstLine = Buffer.concat(this.head).toString('utf8');
        this.head = [];
      }
    }
    while (i >= 0) {
      const at = this.offset + i;
      const len = at - this.lineStart;
      if (len === 0) this.irregular = true;
      if (len > this.maxLine) this.maxLine = len;
      this.lines++;
      this.orderSum = (this.orderSum + orderTerm(this.lines, len)) % orderModulus;
      this.lineStart = at + 1;
      i = b.indexOf(10, i + 1);
    }
    this.offset += n;
  }

  result(): FileScan {
    if (this.offset > this.lineStart) {
      const len = this.offset - this.lineStart;
      this.lines++;
      this.maxLine = Math.max(this.maxLine, len);
      this.orderSum = (this.orderSum + orderTerm(this.lines, len)) % orderModulus;
      this.lineStart = this.offset;
    }
    return {
      sha256: this.h.digest('hex'),
      lines: this.lines,
      maxLine: this.maxLine,
      irregular: this.irregular,
      orderSum: this.orderSum,
      firstLine: this.firstLine ?? Buffer.concat(this.head).toString('utf8'),
    };
  }
}

/**
 * Hashes a file and counts its lines in one read.
 * @example const s = scanFile('audit.log'); s.lines
 */
export function scanFile(path: string): FileScan {
  const scanner = new Scanner();
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(chunkSize);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      scanner.update(n === chunkSize ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return scanner.result();
}

/**
 * `scanFile` with asynchronous reads, so the event loop (and DuckDB, reading the same file on its
 * own threads) runs while the file is hashed.
 * @example const s = await scanFileAsync('audit.log');
 */
export async function scanFileAsync(path: string): Promise<FileScan> {
  const scanner = new Scanner();
  const fh = await open(path, 'r');
  const buf = Buffer.allocUnsafe(chunkSize);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) break;
      scanner.update(bytesRead === chunkSize ? buf : buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return scanner.result();
}

/**
 * The first line of a file (at most 1 MiB of it), for sniffing its format before the scan.
 * @example fastFormat(firstLineOf('PT1H.json'))
 */
export function firstLineOf(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    const parts: Buffer[] = [];
    let total = 0;
    while (total < headLimit) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const nl = buf.subarray(0, n).indexOf(10);
      const end = nl < 0 ? n : nl;
      parts.push(Buffer.from(buf.subarray(0, Math.min(end, headLimit - total))));
      total += end;
      if (nl >= 0) break;
    }
    return Buffer.concat(parts).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
