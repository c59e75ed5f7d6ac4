import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { ingest } from '../ingest/ingest.js';
import type { IngestStats } from '../ingest/types.js';
import { readTar, TarWriter } from './tar.js';

/**
 * `auditscope collect`: evidence bundles for incident response. A bundle is a gzip'd ustar archive
 * holding `manifest.json` first, then each evidence file under `evidence/` with its path relative
 * to the collected root. The manifest makes the bundle self-describing (what each file is, which
 * formats and how many records the ingest found in it, what it quarantined, the time span) and
 * verifiable (size and SHA-256 of every file, checked again by `verifyBundle`).
 */

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_SCHEMA = 'auditscope.evidence-bundle/v1';

export interface ManifestFile {
  /** Path inside the bundle (`evidence/...`). */
  readonly path: string;
  /** Where it was collected from (absolute). */
  readonly source: string;
  readonly size: number;
  readonly sha256: string;
  readonly modifiedAt: string;
  /** Event time span found by the ingest (ISO), when any event was read. */
  readonly firstEvent?: string;
  readonly lastEvent?: string;
  readonly records: number;
  readonly events: number;
  /** Events per source format (`aks-diagnostic`, `k8s-audit`, `kube-events`, ...). */
  readonly formats: Readonly<Record<string, number>>;
  readonly quarantined: number;
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  /** Events inside the --from/--to window (all events when no window was given). */
  readonly eventsInWindow: number;
}

export interface Manifest {
  readonly schema: string;
  readonly tool: { readonly name: 'auditscope'; readonly version: string };
  readonly caseId?: string;
  readonly collectedAt: string;
  readonly collectedBy?: string;
  readonly host?: string;
  readonly window?: { readonly from?: string; readonly to?: string };
  readonly files: readonly ManifestFile[];
  /** Files given but left out, with why (outside the window, unreadable). */
  readonly skipped: readonly { readonly source: string; readonly reason: string }[];
  readonly totals: {
    readonly files: number;
    readonly bytes: number;
    readonly events: number;
    readonly quarantined: number;
  };
}

export interface CollectOptions {
  readonly out: string;
  readonly caseId?: string;
  /** Window (epoch ms): files with no event inside it are left out (and listed as skipped). */
  readonly from?: number;
  readonly to?: number;
  /** Collection time (epoch ms); default now. */
  readonly now?: number;
  readonly version: string;
  readonly collectedBy?: string;
  readonly host?: string;
}

interface Found {
  readonly abs: string;
  readonly rel: string;
}

async function listFiles(paths: readonly string[]): Promise<Found[]> {
  const out: Found[] = [];
  const walk = async (abs: string, root: string): Promise<void> => {
    const s = await stat(abs);
    if (s.isDirectory()) {
      for (const n of (await readdir(abs)).sort()) await walk(join(abs, n), root);
    } else if (s.isFile()) {
      const rel =
        root === abs ? basename(abs) : `${basename(root)}/${relative(root, abs).split(sep).join('/')}`;
      out.push({ abs, rel });
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    await walk(abs, abs);
  }
  return out;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Hashes and reads each evidence file, then writes the bundle. Returns the manifest.
 * @example const m = await collectEvidence(['./evidence'], { out: 'case-42.tar.gz', caseId: '42', version: '0.1.0' });
 */
export async function collectEvidence(paths: readonly string[], opts: CollectOptions): Promise<Manifest> {
  const outAbs = resolve(opts.out);
  const files = (await listFiles(paths)).filter((f) => f.abs !== outAbs);
  const entries: ManifestFile[] = [];
  const skipped: { source: string; reason: string }[] = [];
  const used = new Set<string>();
  for (const f of files) {
    const s = await stat(f.abs);
    const sha256 = await sha256File(f.abs);
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    let inWindow = 0;
    let stats: IngestStats;
    try {
      stats = await ingest(
        [f.abs],
        {
          event(ev) {
            if (ev.ts < first) first = ev.ts;
            if (ev.ts > last) last = ev.ts;
            if (
              (opts.from === undefined || ev.ts >= opts.from) &&
              (opts.to === undefined || ev.ts <= opts.to)
            )
              inWindow++;
          },
          quarantine() {},
        },
        {},
      );
    } catch (e) {
      skipped.push({ source: f.abs, reason: `unreadable: ${(e as Error).message}` });
      continue;
    }
    const windowed = opts.from !== undefined || opts.to !== undefined;
    if (windowed && stats.events > 0 && inWindow === 0) {
      skipped.push({ source: f.abs, reason: 'no event inside the --from/--to window' });
      continue;
    }
    let path = `evidence/${f.rel}`;
    for (let i = 2; used.has(path); i++) path = `evidence/${i}/${f.rel}`;
    used.add(path);
    entries.push({
      path,
      source: f.abs,
      size: s.size,
      sha256,
      modifiedAt: iso(s.mtimeMs),
      ...(stats.events ? { firstEvent: iso(first), lastEvent: iso(last) } : {}),
      records: stats.records,
      events: stats.events,
      formats: { ...stats.eventsByFormat } as Record<string, number>,
      quarantined: stats.quarantined,
      quarantinedByReason: { ...stats.quarantinedByReason } as Record<string, number>,
      eventsInWindow: inWindow,
    });
  }
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    tool: { name: 'auditscope', version: opts.version },
    ...(opts.caseId ? { caseId: opts.caseId } : {}),
    collectedAt: iso(opts.now ?? Date.now()),
    ...(opts.collectedBy ? { collectedBy: opts.collectedBy } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.from !== undefined || opts.to !== undefined
      ? {
          window: {
            ...(opts.from !== undefined ? { from: iso(opts.from) } : {}),
            ...(opts.to !== undefined ? { to: iso(opts.to) } : {}),
          },
        }
      : {}),
    files: entries,
    skipped,
    totals: {
      files: entries.length,
      bytes: entries.reduce((a, e) => a + e.size, 0),
      events: entries.reduce((a, e) => a + e.events, 0),
      quarantined: entries.reduce((a, e) => a + e.quarantined, 0),
    },
  };
  const gz = createGzip();
  const done = pipeline(gz, createWriteStream(outAbs));
  const tw = new TarWriter(gz);
  const now = opts.now ?? Date.now();
  await tw.addBuffer(MANIFEST_NAME, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), now);
  for (const e of entries) {
    const st = await stat(e.source);
    const written = await tw.addStream(
      e.path,
      e.size,
      st.mtimeMs,
      createReadStream(e.source, { end: Math.max(0, e.size - 1) }),
    );
    if (written !== e.sha256)
      throw new Error(`${e.source}: the file changed while being collected (hash differs)`);
  }
  await tw.finish();
  await done;
  return manifest;
}

export interface VerifyProblem {
  readonly path: string;
  readonly problem: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly manifest?: Manifest;
  readonly checked: number;
  readonly problems: readonly VerifyProblem[];
}

/**
 * Re-reads a bundle, re-hashes every file and compares with its manifest: a changed, missing or
 * extra file, or a damaged archive, is a problem.
 * @example const r = await verifyBundle('case-42.tar.gz'); r.ok
 */
export async function verifyBundle(file: string): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  let manifest: Manifest | undefined;
  const seen = new Map<string, { size: number; sha256: string }>();
  try {
    const src = createReadStream(file).pipe(createGunzip());
    for await (const e of readTar(src, (n) => n === MANIFEST_NAME)) {
      if (e.name === MANIFEST_NAME) {
        try {
          manifest = JSON.parse(e.data?.toString('utf8') ?? '') as Manifest;
        } catch {
          problems.push({ path: MANIFEST_NAME, problem: 'manifest.json is not valid JSON' });
        }
        continue;
      }
      seen.set(e.name, { size: e.size, sha256: e.sha256 });
    }
  } catch (e) {
    problems.push({ path: file, problem: `damaged bundle: ${(e as Error).message}` });
  }
  if (!manifest) {
    if (!problems.length) problems.push({ path: MANIFEST_NAME, problem: 'no manifest.json in the bundle' });
    return { ok: false, checked: 0, problems };
  }
  let checked = 0;
  for (const f of manifest.files ?? []) {
    const got = seen.get(f.path);
    if (!got) {
      problems.push({ path: f.path, problem: 'listed in the manifest but missing from the bundle' });
      continue;
    }
    checked++;
    if (got.size !== f.size)
      problems.push({ path: f.path, problem: `size ${got.size} bytes, manifest says ${f.size}` });
    if (got.sha256 !== f.sha256)
      problems.push({
        path: f.path,
        problem: `SHA-256 ${got.sha256} differs from the manifest's ${f.sha256}`,
      });
    seen.delete(f.path);
  }
  for (const extra of seen.keys())
    problems.push({ path: extra, problem: 'in the bundle but not in the manifest' });
  return { ok: problems.length === 0, manifest, checked, problems };
}
