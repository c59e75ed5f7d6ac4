import type { AlertSuppression } from '../../lang/elastic/rule.js';
import { type PendingAlert, valuesOf } from './alert-builder.js';
import { fieldOf } from './candidate.js';

/**
 * Elastic alert suppression (`alert_suppression`): alerts whose `group_by` values are equal are
 * merged into the first one while its suppression window is open: `duration` after the execution
 * that created it, or that one execution when the rule has no duration. The kept alert carries
 * `kibana.alert.suppression.{terms, docs_count, start, end}` (docs_count = alerts suppressed into
 * it). Alerts missing a group_by field are grouped together (`missing_fields_strategy = suppress`,
 * the default) or never suppressed (`doNotSuppress`).
 * @example suppressAlerts(pending, { groupBy: ['user.name'], durationMs: 3_600_000, missingFieldsStrategy: 'suppress' })
 */
export function suppressAlerts(pending: readonly PendingAlert[], s: AlertSuppression): PendingAlert[] {
  interface Group {
    readonly first: PendingAlert;
    readonly terms: { field: string; value: string[] | null }[];
    readonly windowEnd: number;
    count: number;
    start: number;
    end: number;
  }
  const slots: (Group | PendingAlert)[] = [];
  const open = new Map<string, Group>();
  for (const p of pending) {
    const first = p.events[0]!;
    const terms = s.groupBy.map((field) => {
      const v = valuesOf(fieldOf(first, field));
      return { field, value: v.length ? v : null };
    });
    if (terms.some((t) => t.value === null) && s.missingFieldsStrategy === 'doNotSuppress') {
      slots.push(p);
      continue;
    }
    const key = JSON.stringify(terms.map((t) => t.value));
    const g = open.get(key);
    const ts = p.events[0]!.ts;
    const inWindow =
      g && (s.durationMs === undefined ? p.execTime === g.first.execTime : p.execTime <= g.windowEnd);
    if (g && inWindow) {
      g.count++;
      g.start = Math.min(g.start, ts);
      g.end = Math.max(g.end, ts);
      continue;
    }
    const ng: Group = {
      first: p,
      terms,
      windowEnd: p.execTime + (s.durationMs ?? 0),
      count: 0,
      start: ts,
      end: ts,
    };
    open.set(key, ng);
    slots.push(ng);
  }
  return slots.map((x) =>
    'first' in x
      ? {
          ...x.first,
          fields: {
            ...x.first.fields,
            'kibana.alert.suppression.terms': x.terms,
            'kibana.alert.suppression.docs_count': x.count,
            'kibana.alert.suppression.start': new Date(x.start).toISOString(),
            'kibana.alert.suppression.end': new Date(x.end).toISOString(),
          },
        }
      : x,
  );
}
