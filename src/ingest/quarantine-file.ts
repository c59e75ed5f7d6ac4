import { createWriteStream, type WriteStream } from 'node:fs';
import type { QuarantineRecord } from './types.js';

/**
 * Writes quarantined records to a file as NDJSON `{file, line, reason, message, record}`.
 * @example const qf = openQuarantineFile('bad.ndjson'); qf.write(q); await qf.close();
 */
export function openQuarantineFile(path: string): {
  write(q: QuarantineRecord): void;
  close(): Promise<void>;
} {
  const out: WriteStream = createWriteStream(path, { encoding: 'utf8' });
  let error: Error | undefined;
  out.on('error', (e) => {
    error = e;
  });
  return {
    write(q) {
      if (!error) out.write(`${JSON.stringify(q)}\n`);
    },
    close() {
      return new Promise((resolve, reject) => {
        if (error) return reject(error);
        out.end(() => (error ? reject(error) : resolve()));
      });
    },
  };
}
