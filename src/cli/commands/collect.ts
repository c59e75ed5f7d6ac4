import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectEvidence, verifyBundle } from '../../collect/collect-evidence.js';
import { CLUSTER_TYPES, type ClusterType, collectPlan, formatPlan } from '../../collect/collect-plan.js';
import { parseVerbArgs, UsageError } from '../args.js';
import { type Command, ExitCode } from '../main.js';

/**
 * `auditscope collect`: bundle evidence files with a verifiable manifest, verify a bundle, or
 * print the commands that fetch a cluster's logs (never run).
 */
export const command: Command = {
  summary:
    'Collect evidence into a verifiable bundle (--out), verify one (--verify), or print how to fetch logs (--plan)',
  usage: `auditscope collect PATH... --out bundle.tar.gz [--case ID] [--from ISO-TIME] [--to ISO-TIME]
       auditscope collect --verify bundle.tar.gz
       auditscope collect --plan --cluster-type aks|eks|gke|arc [--resource-id ARM-ID] [--cluster NAME] [--region R] [--project P]
                          [--storage-account A] [--workspace ID] [--from ISO-TIME] [--to ISO-TIME] [--out DIR]

  Bundles are gzip'd tar files: manifest.json (size, SHA-256, formats, record and quarantine counts, first/last event time
  per file, collected-at, tool version, case id) then evidence/... . --verify re-hashes every file against the manifest.
  --plan prints commands for az / aws / gcloud / kubectl and KQL exports; auditscope runs none of them.
  Exit: 0 ok, 1 --verify found a problem, 2 usage, 3 no readable evidence.`,
  run,
};

function toolVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const v = (JSON.parse(readFileSync(p, 'utf8')) as { version?: unknown }).version;
      return typeof v === 'string' ? v : 'unknown';
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function time(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--${flag}: not an ISO-8601 time: '${v}'`);
  return t;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    out: { type: 'string' },
    case: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    verify: { type: 'string' },
    plan: { type: 'boolean' },
    'cluster-type': { type: 'string' },
    'resource-id': { type: 'string' },
    cluster: { type: 'string' },
    region: { type: 'string' },
    project: { type: 'string' },
    'storage-account': { type: 'string' },
    workspace: { type: 'string' },
  });
  if (values.plan) {
    const type = values['cluster-type'];
    if (!type || !(CLUSTER_TYPES as readonly string[]).includes(type))
      throw new UsageError(`--plan needs --cluster-type ${CLUSTER_TYPES.join('|')}`);
    const from = time('from', values.from);
    const to = time('to', values.to);
    const o = {
      ...(values['resource-id'] ? { resourceId: values['resource-id'] } : {}),
      ...(values.cluster ? { cluster: values.cluster } : {}),
      ...(values.region ? { region: values.region } : {}),
      ...(values.project ? { project: values.project } : {}),
      ...(values['storage-account'] ? { storageAccount: values['storage-account'] } : {}),
      ...(values.workspace ? { workspace: values.workspace } : {}),
      ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
      ...(to !== undefined ? { to: new Date(to).toISOString() } : {}),
      ...(values.out ? { out: values.out } : {}),
    };
    process.stdout.write(formatPlan(type as ClusterType, collectPlan(type as ClusterType, o), o));
    return ExitCode.ok;
  }
  if (values.verify) {
    const r = await verifyBundle(values.verify);
    const m = r.manifest;
    if (m)
      process.stdout.write(
        `bundle ${values.verify}: case ${m.caseId ?? '-'}, collected ${m.collectedAt} by auditscope ${m.tool?.version ?? '?'}, ${m.files?.length ?? 0} files\n`,
      );
    for (const p of r.problems) process.stdout.write(`FAIL ${p.path}: ${p.problem}\n`);
    process.stdout.write(
      r.ok
        ? `OK: ${r.checked} files match their SHA-256 and size\n`
        : `FAILED: ${r.problems.length} problem(s)\n`,
    );
    return r.ok ? ExitCode.ok : 1;
  }
  if (!values.out) throw new UsageError('give --out bundle.tar.gz (or --verify BUNDLE, or --plan)');
  if (positionals.length === 0) throw new UsageError('give the evidence files or folders to collect');
  const from = time('from', values.from);
  const to = time('to', values.to);
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = undefined;
  }
  const m = await collectEvidence(positionals, {
    out: values.out,
    version: toolVersion(),
    ...(values.case ? { caseId: values.case } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(user ? { collectedBy: user } : {}),
    host: hostname(),
  });
  for (const f of m.files)
    process.stdout.write(
      `${f.path}  ${f.size} B  sha256 ${f.sha256.slice(0, 16)}…  ${f.events} events ${Object.entries(
        f.formats,
      )
        .map(([k, n]) => `${k}:${n}`)
        .join(
          ' ',
        )}${f.quarantined ? `  ${f.quarantined} quarantined` : ''}${f.firstEvent ? `  ${f.firstEvent} .. ${f.lastEvent}` : ''}\n`,
    );
  for (const s of m.skipped) process.stderr.write(`skipped ${s.source}: ${s.reason}\n`);
  process.stdout.write(
    `wrote ${values.out}: ${m.totals.files} files, ${m.totals.bytes} bytes, ${m.totals.events} events, ${m.totals.quarantined} quarantined${m.caseId ? `, case ${m.caseId}` : ''}\n`,
  );
  return m.totals.files === 0 ? ExitCode.dataError : ExitCode.ok;
}
