import type { Command } from '../main.js';

export const command: Command = {
  summary: 'events (being built)',
  usage: 'auditscope events [PATH|-]...',
  async run() {
    process.stderr.write('auditscope events: not available in this build\n');
    return 70;
  },
};
