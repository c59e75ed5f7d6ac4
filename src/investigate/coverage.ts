import type { AuditEvent } from '../model/event.js';
import { type ClusterFacts, CoverageCollector, type Feed } from './coverage-collector.js';
import { answerQuestions, enableAuditFix, type QuestionFinding } from './coverage-questions.js';

export type { QuestionFinding } from './coverage-questions.js';

/** One cluster's row: what its logs contain. */
export interface ClusterCoverage {
  readonly cluster: string;
  readonly name: string;
  readonly provider: string;
  readonly events: number;
  /** Feeds with their event counts, e.g. `{ 'kube-audit': 66 }`; `activity-log (subscription)` when only the subscription's log is there. */
  readonly sources: Readonly<Record<string, number>>;
  readonly levels: Readonly<Record<string, number>>;
  readonly stages: Readonly<Record<string, number>>;
  readonly from: string;
  readonly to: string;
  /** Hours without any event between the first and the last (audit feeds only). */
  readonly gaps: readonly { readonly from: string; readonly to: string; readonly hours: number }[];
}

export interface RetentionFinding {
  readonly cluster: string;
  readonly source: Feed;
  /** Typical retention of the source, in hours (undefined when the source keeps data until someone deletes it). */
  readonly retentionHours?: number;
  readonly oldest: string;
  readonly ageHours: number;
  readonly risk: 'expired' | 'at-risk' | 'ok' | 'unknown';
  readonly note: string;
}

export interface CoverageReport {
  readonly clusters: readonly ClusterCoverage[];
  readonly questions: readonly QuestionFinding[];
  readonly retention: readonly RetentionFinding[];
  /** Distinct fixes, most important first. */
  readonly fixes: readonly string[];
  /** Activity Log records not about any cluster. */
  readonly otherActivity: number;
}

const hour = 3_600_000;

/** Typical retention per source, and what it depends on. */
const retentionOf: Readonly<Record<Feed, { hours?: number; note: string }>> = {
  'kube-audit': {
    hours: 30 * 24,
    note: 'AKS diagnostic logs: Log Analytics keeps 30 days by default (storage accounts until a lifecycle rule deletes them)',
  },
  'kube-audit-admin': { hours: 30 * 24, note: 'AKS diagnostic logs: Log Analytics keeps 30 days by default' },
  'aks-audit-la': { hours: 30 * 24, note: 'Log Analytics workspace: 30 days by default' },
  'k8s-audit': { note: 'apiserver audit files rotate per --audit-log-maxage/--audit-log-maxbackup' },
  'eks-audit': { note: 'CloudWatch Logs group retention (never expires unless set)' },
  'gke-admin-activity': { hours: 400 * 24, note: 'GKE Admin Activity: 400 days in the _Required bucket' },
  'gke-data-access': { hours: 30 * 24, note: 'GKE Data Access: 30 days in the _Default bucket' },
  'ecs-audit': { note: 'Elasticsearch index lifecycle policy' },
  'activity-log': { hours: 90 * 24, note: 'Azure Activity Log: 90 days in the platform' },
  'kube-events': { hours: 1, note: 'Kubernetes events live 1 hour (kube-apiserver --event-ttl)' },
};

const obj = (m: ReadonlyMap<string, number>): Record<string, number> => Object.fromEntries(m);

function gapsOf(c: ClusterFacts): ClusterCoverage['gaps'] {
  const audit = [...c.feeds.keys()].some((f) => f !== 'activity-log' && f !== 'kube-events');
  if (!audit || c.hours.size < 2) return [];
  const hours = [...c.hours].sort((a, b) => a - b);
  const out: { from: string; to: string; hours: number }[] = [];
  for (let i = 1; i < hours.length; i++) {
    const prev = hours[i - 1]!;
    const cur = hours[i]!;
    if (cur - prev > 1)
      out.push({
        from: new Date((prev + 1) * hour).toISOString(),
        to: new Date(cur * hour).toISOString(),
        hours: cur - prev - 1,
      });
  }
  return out;
}

function retention(c: ClusterFacts, now: number): RetentionFinding[] {
  const out: RetentionFinding[] = [];
  const ageHours = Math.max(0, (now - c.firstTs) / hour);
  for (const feed of c.feeds.keys()) {
    const r = retentionOf[feed];
    const base = { cluster: c.key, source: feed, oldest: c.firstTime, ageHours: Math.round(ageHours) };
    if (r.hours === undefined) {
      out.push({ ...base, risk: 'unknown', note: `${r.note}: check it covers the incident window` });
      continue;
    }
    const limit = new Date(now - r.hours * hour).toISOString();
    if (feed === 'kube-events')
      out.push({
        ...base,
        retentionHours: r.hours,
        risk: ageHours > r.hours ? 'expired' : 'at-risk',
        note: `${r.note}: this snapshot holds only the hour before it was taken; earlier events are gone from the cluster`,
      });
    else if (ageHours >= r.hours)
      out.push({
        ...base,
        retentionHours: r.hours,
        risk: 'expired',
        note: `${r.note}; nothing before ${limit} is left at the source: keep these copies`,
      });
    else if (ageHours >= 0.75 * r.hours)
      out.push({
        ...base,
        retentionHours: r.hours,
        risk: 'at-risk',
        note: `${r.note}: the oldest events leave the source in ${Math.round((r.hours - ageHours) / 24)} days; export now`,
      });
    else out.push({ ...base, retentionHours: r.hours, risk: 'ok', note: r.note });
  }
  return out;
}

/**
 * Says what a set of logs can and cannot show: per cluster the feeds, audit levels, stages, time
 * range and gaps; retention risk per source (relative to `now`, epoch ms); and for the common
 * investigation questions whether they can be answered, why not, and what to enable.
 * @example
 * const c = new CoverageCollector(); for (const ev of events) c.add(ev);
 * coverageReport(c, Date.now()).questions.find((q) => q.question === 'who read secrets')?.answer
 */
export function coverageReport(collector: CoverageCollector, now: number): CoverageReport {
  const clusters: ClusterCoverage[] = [];
  const questions: QuestionFinding[] = [];
  const retentionFindings: RetentionFinding[] = [];
  const fixes = new Set<string>();
  for (const c of collector.clusters()) {
    const sources: Record<string, number> = obj(c.feeds);
    const activityForSubscription =
      c.subscription !== undefined && collector.subscriptionsWithActivity.has(c.subscription);
    if (activityForSubscription && !c.feeds.has('activity-log'))
      sources['activity-log (subscription)'] = collector.subscriptionsWithActivity.get(c.subscription!) ?? 0;
    const gaps = gapsOf(c);
    clusters.push({
      cluster: c.key,
      name: c.name,
      provider: c.provider,
      events: c.events,
      sources,
      levels: obj(c.levels),
      stages: obj(c.stages),
      from: c.firstTime,
      to: c.lastTime,
      gaps,
    });
    for (const q of answerQuestions(c, { activityForSubscription })) {
      questions.push(q);
      if (q.fix && q.answer !== 'yes') fixes.add(q.fix);
    }
    if (gaps.length)
      fixes.add(
        `find the missing hours of ${c.name} (${gaps.length} gap${gaps.length === 1 ? '' : 's'}): check the diagnostic setting or log shipper was not turned off (T1562.008) and that every blob/file was copied`,
      );
    retentionFindings.push(...retention(c, now));
    if (c.feeds.size === 1 && c.feeds.has('activity-log') && c.provider === 'aks')
      fixes.add(enableAuditFix('aks'));
  }
  for (const r of retentionFindings)
    if (r.risk === 'at-risk' && r.source !== 'kube-events')
      fixes.add(
        `export ${r.source} of ${r.cluster} now: the oldest events are near the end of the source's retention`,
      );
  return {
    clusters,
    questions,
    retention: retentionFindings,
    fixes: [...fixes],
    otherActivity: collector.otherActivity,
  };
}

/**
 * Coverage of a list of events (tests, small inputs).
 * @example coverageOf(await readEvents(['./evidence']), Date.parse('2026-11-20T12:00:00Z'))
 */
export function coverageOf(events: Iterable<AuditEvent>, now: number): CoverageReport {
  const c = new CoverageCollector();
  for (const ev of events) c.add(ev);
  return coverageReport(c, now);
}
