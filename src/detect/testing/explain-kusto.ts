import { parse } from 'yaml';
import type { AuditEvent } from '../../model/event.js';
import { huntEvents } from '../kusto/hunt.js';

/**
 * Says where a Kusto rule's query lost (or kept) a sample, for `rules test`: the query is run on
 * the sample's events one pipeline step at a time, and the first step that leaves no row is named
 * (`step 5 'where RawEventData.ResponseStatus.code startswith "20"' removed every row (1 before)`).
 * When the rule matched but should not have, the last step's first row is shown.
 * @example explainKusto(ruleYaml, events, now, 'match')
 */
export function explainKusto(
  ruleText: string,
  events: readonly AuditEvent[],
  now: number,
  expect: 'match' | 'no-match',
): string | undefined {
  let query: unknown;
  try {
    query = (parse(ruleText) as Record<string, unknown> | null)?.query;
  } catch {
    return undefined;
  }
  if (typeof query !== 'string') return undefined;
  const steps = pipelineSteps(query);
  let before = -1;
  for (let i = 0; i < steps.length; i++) {
    const prefix = steps.slice(0, i + 1).join('\n');
    const r = huntEvents(prefix, events, { now });
    const rows = r.result?.rows;
    if (!rows)
      return `step ${i + 1} '${oneLine(steps[i]!)}' did not run: ${r.diagnostics[0]?.message ?? 'error'}`;
    if (rows.length === 0 && expect === 'match') {
      const where =
        i === 0
          ? `the table '${oneLine(steps[0]!)}' has no row for this event`
          : `step ${i + 1} '${oneLine(steps[i]!)}' removed every row (${before} before)`;
      return where;
    }
    before = rows.length;
    if (i === steps.length - 1 && expect === 'no-match' && rows[0])
      return `every step kept the event; first result row: ${oneLine(JSON.stringify(rows[0]))}`;
  }
  return undefined;
}

/** Splits a query at top-level pipes that begin a line (the usual layout of analytic rules). */
export function pipelineSteps(query: string): string[] {
  const out: string[] = [];
  for (const line of query.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('//')) continue;
    if (t.startsWith('|') || out.length === 0) out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out;
}

const oneLine = (s: string): string => {
  const t = s
    .replace(/\s+/g, ' ')
    .replace(/^\|\s*/, '')
    .trim();
  return t.length > 140 ? `${t.slice(0, 137)}...` : t;
};
