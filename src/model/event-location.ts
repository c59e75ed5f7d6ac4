import type { AuditEvent } from './event.js';

/**
 * `file:line[#index]` of an event (`#index` for batch items past the first).
 * @example eventLocation(ev) // 'evidence/PT1H.json:12'
 */
export const eventLocation = (ev: AuditEvent): string =>
  `${ev.source.file}:${ev.source.line}${ev.source.index > 0 ? `#${ev.source.index}` : ''}`;
