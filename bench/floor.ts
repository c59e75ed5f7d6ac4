/**
 * The floor every scan is compared with (performance.md section 3): read the file in 16 MiB chunks,
 * split lines on the bytes (`Buffer#indexOf`) and decode each, `JSON.parse` the outer record and,
 * for AKS records, `JSON.parse` of `properties.log`. (performance.md decoded whole chunks and split
 * the text; that variant is kept as `split: 'string'` and shown beside it.) Nothing in JS that builds full objects
 * can beat it, so a scanner's speed is reported as a fraction of it, measured in the same run.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export type FloorMode = 'lines' | 'outer' | 'both';
/** How lines are found: decode a chunk then `String#indexOf`, or `Buffer#indexOf` then decode each line. */
export type SplitMode = 'string' | 'bytes';

export interface FloorResult {
  readonly events: number;
  readonly bytes: number;
  /** A value derived from every parsed event, so V8 cannot drop the parses as dead code. */
  readonly checksum: number;
}

const chunkBytes = 16 << 20;

/**
 * Calls `onLine` for every non-empty line of a JSON Lines file (one core, synchronous reads).
 * @example forEachLine('a.jsonl', (line) => n++);
 */
export function forEachLine(file: string, onLine: (line: string) => void, chunk = chunkBytes): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(chunk);
  let carry = Buffer.alloc(0);
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunk, null);
      if (n === 0) break;
      bytes += n;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const lastNl = data.lastIndexOf(10);
      if (lastNl < 0) {
        carry = Buffer.from(data);
        continue;
      }
      const text = data.toString('utf8', 0, lastNl);
      carry = Buffer.from(data.subarray(lastNl + 1));
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        const end = nl < 0 ? text.length : nl;
        if (end > start) onLine(text.slice(start, end));
        if (nl < 0) break;
        start = nl + 1;
      }
    }
    if (carry.length) onLine(carry.toString('utf8'));
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * Like `forEachLine`, finding newlines in the bytes (`Buffer#indexOf`) and decoding line by line.
 * @example forEachLineBytes('a.jsonl', (line) => n++);
 */
export function forEachLineBytes(file: string, onLine: (line: string) => void, chunk = chunkBytes): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(chunk);
  let carry = Buffer.alloc(0);
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunk, null);
      if (n === 0) break;
      bytes += n;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(10, start);
        if (nl < 0) break;
        if (nl > start) onLine(data.toString('utf8', start, nl));
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length) onLine(carry.toString('utf8'));
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * Runs the floor loop over a file. `both` parses `properties.log` when the record has one (AKS),
 * so on raw audit or Activity files it equals `outer`.
 * @example const { events } = runFloor('synthetic-aks.jsonl', 'both');
 */
export function runFloor(file: string, mode: FloorMode, split: SplitMode = 'string'): FloorResult {
  let events = 0;
  let checksum = 0;
  const bytes = (split === 'bytes' ? forEachLineBytes : forEachLine)(file, (line) => {
    events++;
    if (mode === 'lines') {
      checksum += line.length;
      return;
    }
    const o = JSON.parse(line) as { properties?: { log?: unknown }; verb?: string };
    if (mode === 'both' && typeof o.properties?.log === 'string') {
      const ev = JSON.parse(o.properties.log) as { verb?: string };
      checksum += ev.verb?.length ?? 0;
    } else checksum += o.verb?.length ?? 1;
  });
  return { events, bytes, checksum };
}

/**
 * The file as a lazy sequence of text chunks of about `bytes` each, every chunk ending at a line
 * end (synchronous reads, so it can feed synchronous consumers such as an iterator of rows).
 * @example for (const text of textChunks('a.jsonl')) ingestText(text, 'a.jsonl', sink);
 */
export function* textChunks(file: string, bytes = chunkBytes): Generator<string> {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(bytes);
  let carry = Buffer.alloc(0);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, bytes, null);
      if (n === 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const lastNl = data.lastIndexOf(10);
      if (lastNl < 0) {
        carry = Buffer.from(data);
        continue;
      }
      const text = data.toString('utf8', 0, lastNl + 1);
      carry = Buffer.from(data.subarray(lastNl + 1));
      yield text;
    }
    if (carry.length) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
