import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Input expansion and byte streams: files, directories (recursive, sorted by name, hidden entries
 * skipped, only log-like extensions), stdin (`-`), and gzip (detected by its magic bytes, not the
 * name) decompressed with a size limit against gzip bombs.
 */

export interface InputFile {
  readonly path: string;
  /** Size in bytes; undefined for stdin. */
  readonly size?: number;
}

const logExtensions = new Set(['', '.json', '.jsonl', '.ndjson', '.log', '.txt', '.csv', '.gz', '.audit']);

/** Expands paths to the files to read; paths that cannot be read are returned in `errors`. */
export async function expandInputs(
  inputs: readonly string[],
): Promise<{ files: InputFile[]; errors: { path: string; message: string }[] }> {
  const files: InputFile[] = [];
  const errors: { path: string; message: string }[] = [];
  for (const p of inputs) {
    if (p === '-') {
      files.push({ path: '-' });
      continue;
    }
    await expand(p, true, files, errors);
  }
  return { files, errors };
}

async function expand(
  p: string,
  explicit: boolean,
  files: InputFile[],
  errors: { path: string; message: string }[],
): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(p);
  } catch (e) {
    errors.push({ path: p, message: (e as Error).message });
    return;
  }
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = (await readdir(p)).sort();
    } catch (e) {
      errors.push({ path: p, message: (e as Error).message });
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      await expand(join(p, name), false, files, errors);
    }
    return;
  }
  if (!st.isFile() && !explicit) return;
  if (!explicit && !logExtensions.has(extname(p).toLowerCase())) return;
  files.push({ path: p, size: st.size });
}

/** Thrown by `openChunks` when a gzip input decompresses past its limit. */
export class GzipLimitError extends Error {
  constructor(readonly limit: number) {
    super(`decompressed size exceeds ${limit} bytes (gzip bomb?); rest of input skipped`);
  }
}

/**
 * The bytes of one input as chunks (decompressed when it is gzip). `onRaw` sees every raw
 * (compressed) chunk length, for byte counts and progress.
 */
export async function* openChunks(
  file: InputFile,
  stdin: NodeJS.ReadableStream,
  gzipLimit: (compressedSize: number | undefined) => number,
  onRaw: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  const source: AsyncIterable<Buffer> =
    file.path === '-'
      ? (stdin as AsyncIterable<Buffer>)
      : createReadStream(file.path, { highWaterMark: 1 << 20 });
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = toBuffer(first.value);
  onRaw(head.length);
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    // UTF-16LE with BOM (PowerShell exports): transcode to UTF-8 as it streams.
    const dec = new TextDecoder('utf-16le');
    yield Buffer.from(dec.decode(head.subarray(2), { stream: true }), 'utf8');
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      const b = toBuffer(r.value);
      onRaw(b.length);
      yield Buffer.from(dec.decode(b, { stream: true }), 'utf8');
    }
    const rest = dec.decode();
    if (rest) yield Buffer.from(rest, 'utf8');
    return;
  }
  /** The raw chunks as read: `head`, then the rest of the stream. */
  async function* raw(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const b = toBuffer(r.value);
      onRaw(b.length);
      yield b;
    }
  }
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield* raw();
    return;
  }
  const limit = gzipLimit(file.size);
  const gunzip = Readable.from(raw()).pipe(createGunzip({ chunkSize: 1 << 20 }));
  let out = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      out += chunk.length;
      if (out > limit) {
        // Deliver up to the limit (complete lines in it are read), then stop.
        yield chunk.subarray(0, chunk.length - (out - limit));
        throw new GzipLimitError(limit);
      }
      yield chunk;
    }
  } finally {
    gunzip.destroy();
    await it.return?.();
  }
}

const toBuffer = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
