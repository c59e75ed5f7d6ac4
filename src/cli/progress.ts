/**
 * A one-line progress bar on stderr for large inputs. Shown only when stderr is a terminal and
 * the input is large enough to be worth it; redrawn at most ten times a second.
 */

export interface Progress {
  update(bytes: number, total: number): void;
  done(): void;
}

const minBytes = 32 * 1024 * 1024;

/**
 * @example const p = createProgress(process.stderr); await ingest(paths, sink, { onProgress: p.update }); p.done();
 */
export function createProgress(stream: NodeJS.WriteStream, label = 'reading'): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  const started = Date.now();
  return {
    update(bytes: number, total: number) {
      if (total < minBytes) return;
      const now = Date.now();
      if (now - last < 100 && bytes < total) return;
      last = now;
      shown = true;
      const frac = total > 0 ? Math.min(1, bytes / total) : 0;
      const width = 30;
      const fill = Math.round(frac * width);
      const secs = (now - started) / 1000;
      const rate = secs > 0 ? bytes / secs / 1048576 : 0;
      stream.write(
        `\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
          `${(bytes / 1048576).toFixed(0)}/${(total / 1048576).toFixed(0)} MiB ${rate.toFixed(0)} MiB/s`,
      );
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
