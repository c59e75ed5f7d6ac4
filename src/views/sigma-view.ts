import type { AuditEvent } from '../model/event.js';
import { flattenDotted } from './dotted-lookup.js';
import { type SigmaTarget, sigmaFieldNames, sigmaFieldResolver } from './sigma-fields.js';

const LOGSOURCES: Record<SigmaTarget, { product: string; service: string }> = {
  'kubernetes/audit': { product: 'kubernetes', service: 'audit' },
  'azure/activitylogs': { product: 'azure', service: 'activitylogs' },
  'gcp/gcp.audit': { product: 'gcp', service: 'gcp.audit' },
};

const resolvers = {
  'kubernetes/audit': sigmaFieldResolver(LOGSOURCES['kubernetes/audit']),
  'azure/activitylogs': sigmaFieldResolver(LOGSOURCES['azure/activitylogs']),
  'gcp/gcp.audit': sigmaFieldResolver(LOGSOURCES['gcp/gcp.audit']),
};

/**
 * The fields a Sigma rule sees for an event, flattened to dotted names: the source document's own
 * fields (the audit Event or Activity record) plus every named field of the mapping tables that has a
 * value (legacy short names, AzureActivity column names, `gcp.audit.*`). A debugging view
 * (`auditscope events --view sigma`); rule matching never builds it.
 * @example sigmaView(ev)['objectRef.resource'] === 'pods'
 */
export function sigmaView(ev: AuditEvent): Record<string, unknown> | undefined {
  const targets: SigmaTarget[] = [];
  let out: Record<string, unknown>;
  if (ev.kind === 'audit') {
    out = flattenDotted(ev.audit ?? {});
    targets.push('kubernetes/audit');
    if (ev.provider === 'gke') targets.push('gcp/gcp.audit');
  } else if (ev.kind === 'activity') {
    out = flattenDotted(ev.activity ?? {});
    targets.push('azure/activitylogs');
  } else return undefined;
  for (const t of targets) {
    const resolve = resolvers[t];
    for (const name of sigmaFieldNames(t)) {
      if (name in out) continue;
      const v = resolve(name)?.(ev);
      if (v !== undefined && v !== null) out[name] = v;
    }
  }
  return out;
}
