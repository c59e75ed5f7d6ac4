import type { Alert, Entities, RuleMeta } from './alert.js';
import { dedupAlerts } from './dedup.js';
import { extractEntities } from './entities.js';
import { withGuide } from './guide.js';

/**
 * Entities of an alert in the one model every rule language shares: what `extractEntities` finds
 * in the alert's events wins per kind; an engine's own values (e.g. Kusto entity mappings, ECS
 * `user.name`) are kept only for kinds the events say nothing about.
 * @example alertEntities(alert).users // ['eve@contoso.onmicrosoft.com'] even if ECS said 'eve'
 */
export function alertEntities(alert: Alert): Entities {
  const extracted = extractEntities(alert.events);
  const out: Record<string, readonly string[]> = {};
  for (const [k, v] of Object.entries(alert.entities)) if (v?.length) out[k] = v;
  for (const [k, v] of Object.entries(extracted)) if (v?.length) out[k] = v;
  return out;
}

/**
 * Makes alerts from any engine ready for an analyst: the same request seen through two feeds
 * reported once (`dedupAlerts`), entities in the shared model (`alertEntities`), and the rule's
 * investigation guide attached (the loaders keep it; a sibling `.md` of the rule file otherwise).
 * @example const ready = await enrichAlerts(alerts); ready[0].rule.guide
 */
export async function enrichAlerts(alerts: readonly Alert[]): Promise<Alert[]> {
  const metas = new Map<string, Promise<RuleMeta>>();
  const out: Alert[] = [];
  for (const a of dedupAlerts(alerts)) {
    const key = `${a.rule.id}\u0000${a.rule.file ?? ''}`;
    let meta = metas.get(key);
    if (!meta) metas.set(key, (meta = withGuide(a.rule)));
    out.push({ ...a, rule: await meta, entities: alertEntities(a) });
  }
  return out;
}
