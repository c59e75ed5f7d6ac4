/**
 * Splits a stream of byte chunks into lines on `\n` with `Buffer.indexOf` (a line is decoded
 * from bytes only once, and a line split across chunks is joined from its pieces), so memory
 * stays flat whatever the input size. A line longer than `maxLineBytes` is not kept: the reader
 * reports it once with its first bytes and skips to the next newline.
 */

export interface LineConsumer {
  line(text: string, n: number): void;
  oversized(n: number, prefix: string): void;
  /** A line the prefilter rejected (counted, not decoded). */
  prefiltered(n: number): void;
  /** True while the consumer reads JSON Lines (the only mode a byte prefilter may apply to). */
  readonly filterable: boolean;
}

/** See IngestOptions.lineFilter. */
export type LineFilter = (buf: Buffer, start: number, end: number) => boolean;

const prefixBytes = 1024;

/**
 * Feeds every line of `chunks` to `consumer`, numbering lines from 1. A trailing `\r` is left
 * to the consumer (JSON.parse treats it as whitespace).
 * @example await pumpLines(createReadStream(file), parser, 16 << 20)
 */
export async function pumpLines(
  chunks: AsyncIterable<Buffer>,
  consumer: LineConsumer,
  maxLineBytes: number,
  filter?: LineFilter,
): Promise<number> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = false;
  let n = 0;
  for await (const chunk of chunks) {
    let pos = 0;
    if (carryLen > 0 || skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        if (!skipping) {
          carry.push(chunk);
          carryLen += chunk.length;
          if (carryLen > maxLineBytes) {
            consumer.oversized(n + 1, prefixOf(carry));
            skipping = true;
            carry = [];
            carryLen = 0;
          }
        }
        continue;
      }
      n++;
      if (skipping) skipping = false;
      else if (carryLen + nl > maxLineBytes) consumer.oversized(n, prefixOf(carry));
      else {
        carry.push(chunk.subarray(0, nl));
        const whole = Buffer.concat(carry, carryLen + nl);
        if (
          filter !== undefined &&
          whole.length > 1 &&
          consumer.filterable &&
          !filter(whole, 0, whole.length)
        )
          consumer.prefiltered(n);
        else consumer.line(whole.toString('utf8'), n);
      }
      carry = [];
      carryLen = 0;
      pos = nl + 1;
    }
    let nl = chunk.indexOf(10, pos);
    while (nl >= 0) {
      n++;
      if (nl - pos > maxLineBytes) consumer.oversized(n, chunk.toString('utf8', pos, pos + prefixBytes));
      else if (filter !== undefined && nl - pos > 1 && consumer.filterable && !filter(chunk, pos, nl))
        consumer.prefiltered(n);
      else consumer.line(chunk.toString('utf8', pos, nl), n);
      pos = nl + 1;
      nl = chunk.indexOf(10, pos);
    }
    if (pos < chunk.length) {
      const rest = chunk.subarray(pos);
      if (rest.length > maxLineBytes) {
        consumer.oversized(n + 1, rest.toString('utf8', 0, prefixBytes));
        skipping = true;
      } else {
        // Copy: the stream may reuse its chunk buffers.
        carry.push(Buffer.from(rest));
        carryLen = rest.length;
      }
    }
  }
  if (carryLen > 0) {
    n++;
    consumer.line(Buffer.concat(carry, carryLen).toString('utf8'), n);
  } else if (skipping) n++;
  return n;
}

function prefixOf(parts: Buffer[]): string {
  const b = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return b.toString('utf8', 0, Math.min(b.length, prefixBytes));
}
