/**
 * `auditscope serve` as a library: the audit webhook receiver, continuous detection, alert sinks,
 * metrics and the JSON API the web UI uses.
 * @example
 * import { configFrom, startServer } from './server/index.js';
 * const s = await startServer(configFrom({ token: 'x'.repeat(32), data: '/tmp/as', listen: '127.0.0.1:0' }));
 * await s.close();
 */
export { ConfigError, configFrom, loadServeConfig, type ServeConfig, type SinkConfig } from './config.js';
export { type RunningServer, startServer } from './server.js';
export { alertId } from './stream-detector.js';
