import type { Command } from '../main.js';

export const command: Command = {
  summary: 'scan (being built)',
  usage: 'auditscope scan [PATH|-]...',
  async run() {
    process.stderr.write('auditscope scan: not available in this build\n');
    return 70;
  },
};
