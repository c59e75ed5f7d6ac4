import { UsageError, parseVerbArgs } from '../args.js';
import { type Command, ExitCode } from '../main.js';

/**
 * `auditscope serve`: receive the kube-apiserver audit webhook and log pushes, detect continuously,
 * send alerts to sinks, serve /metrics and the web UI. Runs until SIGINT/SIGTERM.
 */
export const command: Command = {
  summary:
    'Run as a service: audit webhook receiver, continuous detection, alert sinks, /metrics and the web UI',
  usage:
    'auditscope serve [--config auditscope.yaml] [--listen HOST:PORT] [--rules PATH]... [--data DIR] [--db FILE] [--no-builtin]',
  run,
};

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    config: { type: 'string', short: 'c' },
    listen: { type: 'string', short: 'l' },
    data: { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const { ConfigError, loadServeConfig, startServer } = await import('../../server/index.js');
  const { builtinRulesDir } = await import('./scan.js');
  let config: import('../../server/index.js').ServeConfig;
  try {
    config = loadServeConfig({
      ...(values.config ? { config: values.config } : {}),
      ...(values.listen ? { listen: values.listen } : {}),
      ...(values.rules ? { rules: values.rules } : {}),
      ...(values.data ? { data: values.data } : {}),
      ...(values.db ? { db: values.db } : {}),
      ...(values['no-builtin'] ? {} : { builtin: builtinRulesDir() }),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const server = await startServer(config);
  const errors = server.diagnostics.filter((d) => d.severity === 'error').length;
  process.stderr.write(
    `auditscope serve: listening on ${server.url} (${server.service.detector.rules} rules, ${errors} rule errors, ` +
      `${server.service.store.length} alerts stored, data in ${config.dataDir})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('auditscope serve: shutting down\n');
  await server.close(10_000);
  return ExitCode.ok;
}
