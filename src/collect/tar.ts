import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';

/**
 * A small POSIX ustar writer and reader (Node has gzip but no tar). Names longer than ustar's
 * 100 + 155 bytes get a PAX extended header (`path=`), which GNU tar, bsdtar and Python read.
 * Only regular files are written; the reader skips what it does not know (directories, links).
 */

const BLOCK = 512;

function octal(n: number, width: number): string {
  // width includes the terminating NUL
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtimeSec: number, type: '0' | 'x', prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(mtimeSec, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum placeholder: eight spaces
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** Splits a name into ustar (prefix, name) when it fits, else undefined. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest)
      return { prefix, name: rest };
  }
  return undefined;
}

/** A PAX record `"<len> key=value\n"` (the length counts itself). */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

async function write(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

/**
 * Writes tar entries to a stream (e.g. a gzip stream piped to a file).
 * @example const tw = new TarWriter(gzip); await tw.addBuffer('manifest.json', buf, now); await tw.finish();
 */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  private async headerFor(name: string, size: number, mtimeSec: number): Promise<void> {
    const split = splitName(name);
    if (split) {
      await write(this.out, header(split.name, size, mtimeSec, '0', split.prefix));
      return;
    }
    const pax = Buffer.from(paxRecord('path', name), 'utf8');
    await write(this.out, header('PaxHeader', pax.length, mtimeSec, 'x'));
    await write(this.out, pax);
    await write(this.out, padding(pax.length));
    await write(this.out, header(name.slice(-100).replace(/^\/+/, ''), size, mtimeSec, '0'));
  }

  /** Adds a file from memory. */
  async addBuffer(name: string, data: Buffer, mtimeMs: number): Promise<void> {
    await this.headerFor(name, data.length, Math.floor(mtimeMs / 1000));
    await write(this.out, data);
    await write(this.out, padding(data.length));
  }

  /**
   * Adds a file from a stream of exactly `size` bytes; returns the SHA-256 of what was written so
   * the caller can check the file did not change since it was hashed.
   */
  async addStream(name: string, size: number, mtimeMs: number, src: Readable): Promise<string> {
    await this.headerFor(name, size, Math.floor(mtimeMs / 1000));
    const hash = createHash('sha256');
    let n = 0;
    for await (const chunk of src) {
      const b = chunk as Buffer;
      const take = b.subarray(0, Math.max(0, size - n));
      hash.update(take);
      n += take.length;
      await write(this.out, take);
    }
    if (n !== size)
      throw new Error(`${name}: the file changed size while being collected (${size} -> ${n} bytes)`);
    await write(this.out, padding(size));
    return hash.digest('hex');
  }

  /** Writes the two zero blocks that end an archive and ends the stream. */
  async finish(): Promise<void> {
    await write(this.out, Buffer.alloc(BLOCK * 2, 0));
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(resolve);
    });
  }
}

/** One entry read back: its name, size, SHA-256 and, when asked for, its bytes. */
export interface TarEntry {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly data?: Buffer;
}

const cstr = (b: Buffer, start: number, len: number): string => {
  const s = b.subarray(start, start + len);
  const z = s.indexOf(0);
  return (z >= 0 ? s.subarray(0, z) : s).toString('utf8');
};

function parsePax(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < b.length) {
    const sp = b.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(b.subarray(i, sp).toString('ascii'));
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = b.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/**
 * Reads a (decompressed) tar stream entry by entry, hashing each file; `keep(name)` says which
 * entries' bytes to keep in memory (the manifest), the rest are only hashed.
 * @example for await (const e of readTar(createReadStream(f).pipe(createGunzip()), (n) => n === 'manifest.json')) ...
 */
export async function* readTar(
  src: AsyncIterable<unknown>,
  keep: (name: string) => boolean,
): AsyncGenerator<TarEntry> {
  let buf: Buffer = Buffer.alloc(0);
  let state:
    | {
        name: string;
        size: number;
        left: number;
        pad: number;
        hash: ReturnType<typeof createHash>;
        parts?: Buffer[];
        type: string;
      }
    | undefined;
  let paxPath: string | undefined;
  let ended = false;
  for await (const chunk of src) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    for (;;) {
      if (ended) break;
      if (!state) {
        if (buf.length < BLOCK) break;
        const h = buf.subarray(0, BLOCK);
        buf = buf.subarray(BLOCK);
        if (h.every((x) => x === 0)) {
          ended = true;
          break;
        }
        let sum = 0;
        for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
        const want = Number.parseInt(cstr(h, 148, 8).trim(), 8);
        if (sum !== want) throw new Error('not a tar archive (header checksum mismatch)');
        const size = Number.parseInt(cstr(h, 124, 12).trim() || '0', 8);
        const type = cstr(h, 156, 1) || '0';
        const prefix = cstr(h, 345, 155);
        const name = paxPath ?? (prefix ? `${prefix}/${cstr(h, 0, 100)}` : cstr(h, 0, 100));
        if (type !== 'x') paxPath = undefined;
        state = {
          name,
          size,
          left: size,
          pad: (BLOCK - (size % BLOCK)) % BLOCK,
          hash: createHash('sha256'),
          type,
          ...(type === 'x' || keep(name) ? { parts: [] } : {}),
        };
      }
      const s = state;
      if (s.left > 0) {
        if (buf.length === 0) break;
        const take = buf.subarray(0, Math.min(s.left, buf.length));
        buf = buf.subarray(take.length);
        s.left -= take.length;
        s.hash.update(take);
        s.parts?.push(Buffer.from(take));
        if (s.left > 0) break;
      }
      if (buf.length < s.pad) break;
      buf = buf.subarray(s.pad);
      state = undefined;
      if (s.type === 'x') {
        paxPath = parsePax(Buffer.concat(s.parts ?? [])).path;
        continue;
      }
      if (s.type !== '0' && s.type !== '\0') continue;
      yield {
        name: s.name,
        size: s.size,
        sha256: s.hash.digest('hex'),
        ...(s.parts ? { data: Buffer.concat(s.parts) } : {}),
      };
    }
  }
  if (state || !ended) throw new Error('truncated tar archive');
}
