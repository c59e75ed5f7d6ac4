import type { Alert } from './alert.js';

/**
 * An alert as one JSON object (ECS-flavoured): `@timestamp`, `rule.*`, `event.original` (the raw
 * record text of the last event), `log.file.{path,line}`, plus entities, details and, for
 * multi-event alerts, the list of contributing events.
 * @example alertJson(alert)['rule'] // { id, name, severity, risk_score, threat, language }
 */
export function alertJson(alert: Alert): Record<string, unknown> {
  const evs = alert.events;
  const last = evs[evs.length - 1];
  const r = alert.rule;
  const out: Record<string, unknown> = {
    '@timestamp': alert.time,
    rule: {
      id: r.id,
      name: r.name,
      severity: alert.severity,
      risk_score: alert.riskScore,
      threat: r.threat,
      language: r.language,
      ...(r.description ? { description: r.description } : {}),
      ...(r.tags.length ? { tags: r.tags } : {}),
      ...(r.references.length ? { references: r.references } : {}),
      ...(r.guide ? { note: r.guide } : {}),
      ...(r.file ? { file: r.file, line: r.line } : {}),
    },
  };
  if (alert.title) out.message = alert.title;
  if (last) {
    out.event = {
      id: last.id,
      kind: last.kind,
      provider: last.provider,
      dataset: last.format,
      ...(last.category ? { category: last.category } : {}),
      original: last.raw,
    };
    out.log = { file: { path: last.source.file, line: last.source.line, index: last.source.index } };
    if (last.cluster) out.cluster = last.cluster;
  }
  if (Object.keys(alert.entities).length) out.entities = alert.entities;
  if (alert.details && Object.keys(alert.details).length) out.details = alert.details;
  if (evs.length > 1)
    out.events = evs.map((e) => ({ id: e.id, time: e.time, file: e.source.file, line: e.source.line }));
  return out;
}

/** One NDJSON line (with the trailing newline). */
export const formatAlertNdjson = (alert: Alert): string => `${JSON.stringify(alertJson(alert))}\n`;
