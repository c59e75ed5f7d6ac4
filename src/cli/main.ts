import { UsageError } from './args.js';

/** Exit codes, documented in `auditscope --help`. */
export const ExitCode = {
  ok: 0,
  /** scan: alerts were raised (like grep, so scripts can branch on it) */
  alerts: 1,
  usage: 2,
  /** input or rules had errors (records quarantined with --strict, rule diagnostics of severity error) */
  dataError: 3,
  internal: 70,
} as const;

export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

/** Verbs and the module that implements each; modules load lazily so start-up stays small. */
const verbs: Readonly<Record<string, () => Promise<{ command: Command }>>> = {
  scan: () => import('./commands/scan.js'),
  events: () => import('./commands/events.js'),
  hunt: () => import('./commands/hunt.js'),
  load: () => import('./commands/load.js'),
  db: () => import('./commands/db.js'),
  rules: () => import('./commands/rules.js'),
  timeline: () => import('./commands/timeline.js'),
  coverage: () => import('./commands/coverage.js'),
  rbac: () => import('./commands/rbac.js'),
  report: () => import('./commands/report.js'),
  serve: () => import('./commands/serve.js'),
  collect: () => import('./commands/collect.js'),
};

const help = (names: string[]) => `auditscope: threat detection and hunting for the Kubernetes control plane

usage: auditscope <verb> [args] [--rules PATH]... [--output table|ndjson|csv] [--now ISO-TIME] [--db FILE] [--quarantine FILE]

verbs: ${names.join(', ')}
run 'auditscope <verb> --help' for a verb's own flags.

exit codes: 0 ok (scan: no alerts), 1 scan raised alerts, 2 usage error, 3 bad input or rules, 70 internal error
`;

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const names = Object.keys(verbs);
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(help(names));
    return verb ? ExitCode.ok : ExitCode.usage;
  }
  if (verb === '--version') {
    process.stdout.write('auditscope 0.1.0\n');
    return ExitCode.ok;
  }
  const load = verbs[verb];
  if (!load) {
    process.stderr.write(`auditscope: unknown verb '${verb}'\n\n${help(names)}`);
    return ExitCode.usage;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`auditscope ${verb}: ${e.message}\nusage: ${command.usage}\n`);
      return ExitCode.usage;
    }
    process.stderr.write(`auditscope ${verb}: internal error: ${(e as Error).stack ?? e}\n`);
    return ExitCode.internal;
  }
}
