import type { ClusterFacts, Feed } from './coverage-collector.js';

/** Whether the logs present can answer a question for a cluster. */
export type Answer = 'yes' | 'partial' | 'no' | 'unknown';

export interface QuestionFinding {
  readonly question: string;
  /** ATT&CK technique the question is about. */
  readonly technique: string;
  readonly cluster: string;
  readonly answer: Answer;
  /** What the logs show, or why they cannot show it. */
  readonly why: string;
  /** What to enable or change so that they can (absent when nothing is needed). */
  readonly fix?: string;
}

/** Context a question needs beyond the cluster's own facts. */
export interface QuestionContext {
  /** The Activity Log of the cluster's subscription is among the inputs. */
  readonly activityForSubscription: boolean;
}

const auditFeeds: readonly Feed[] = [
  'kube-audit',
  'kube-audit-admin',
  'aks-audit-la',
  'k8s-audit',
  'eks-audit',
  'gke-admin-activity',
  'gke-data-access',
  'ecs-audit',
];

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
const hasAudit = (c: ClusterFacts): boolean => auditFeeds.some((f) => c.feeds.has(f));
const aksAdminOnly = (c: ClusterFacts): boolean =>
  c.feeds.has('kube-audit-admin') && !c.feeds.has('kube-audit');
const gkeAdminOnly = (c: ClusterFacts): boolean =>
  c.feeds.has('gke-admin-activity') && !c.feeds.has('gke-data-access');
const fullReads = (c: ClusterFacts): boolean =>
  c.feeds.has('kube-audit') || c.feeds.has('gke-data-access') || c.reads > 0;
const bodyLevels = (c: ClusterFacts): boolean => c.levels.has('Request') || c.levels.has('RequestResponse');

/**
 * How to turn on Kubernetes audit logging for a provider.
 * @example enableAuditFix('eks') // "enable the EKS control-plane log type 'audit' ..."
 */
export function enableAuditFix(provider: string): string {
  switch (provider) {
    case 'aks':
      return 'create a diagnostic setting on the AKS cluster with the kube-audit category (kube-audit-admin alone drops get/list) and keep its destination for at least 90 days';
    case 'arc':
      return 'ship the Arc-connected cluster’s kube-apiserver audit log (the Activity Log shows only Arc data-plane operations, without request bodies)';
    case 'eks':
      return 'enable the EKS control-plane log type \'audit\' (aws eks update-cluster-config --logging \'{"clusterLogging":[{"types":["audit","authenticator"],"enabled":true}]}\')';
    case 'gke':
      return 'GKE Admin Activity logs are always on: export them (log sink) and enable Data Access audit logs for the Kubernetes Engine API to see reads';
    default:
      return 'start kube-apiserver with --audit-policy-file and --audit-log-path (or --audit-webhook-config-file) and keep the files';
  }
}

/** GKE splits writes (Admin Activity) and reads (Data Access) into two logs; the others keep writes in every audit feed. */
const hasWrites = (c: ClusterFacts): boolean =>
  auditFeeds.some((f) => f !== 'gke-data-access' && c.feeds.has(f));

function noWrites(c: ClusterFacts, question: string, technique: string): QuestionFinding {
  return {
    question,
    technique,
    cluster: c.key,
    answer: 'no',
    why: 'only GKE Data Access logs are present: writes are in the Admin Activity log (cloudaudit.googleapis.com/activity)',
    fix: 'export the GKE Admin Activity audit logs (cloudaudit.googleapis.com/activity) beside the Data Access logs',
  };
}

const readsFix = (c: ClusterFacts): string | undefined =>
  aksAdminOnly(c)
    ? 'enable kube-audit (not only kube-audit-admin) in the AKS diagnostic setting'
    : gkeAdminOnly(c)
      ? 'enable Data Access audit logs (ADMIN_READ, DATA_READ) for the Kubernetes Engine API'
      : undefined;

function noAudit(c: ClusterFacts, question: string, technique: string, extra = ''): QuestionFinding {
  return {
    question,
    technique,
    cluster: c.key,
    answer: 'no',
    why: `no Kubernetes audit log for this cluster among the inputs${extra}`,
    fix: enableAuditFix(c.provider),
  };
}

function secretReads(c: ClusterFacts): QuestionFinding {
  const q = 'who read secrets';
  const t = 'T1552.007';
  if (!hasAudit(c)) return noAudit(c, q, t);
  if (c.secretReads > 0)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: `${plural(c.secretReads, 'secret read')} (get/list/watch) logged`,
    };
  if (fullReads(c))
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: `read requests are logged (${c.reads} seen); none on secrets in this range`,
    };
  const fix = readsFix(c);
  if (fix)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'no',
      why: aksAdminOnly(c)
        ? 'only kube-audit-admin is present: it drops get and list, so secret reads and reconnaissance are invisible'
        : 'only GKE Admin Activity is present: reads are Data Access logs, off by default',
      fix,
    };
  return {
    question: q,
    technique: t,
    cluster: c.key,
    answer: 'unknown',
    why: 'no get/list requests in these logs: the audit policy may drop reads',
    fix: 'log secrets at Metadata level (never Request: it would record secret values) and reads of other resources',
  };
}

function execs(c: ClusterFacts): QuestionFinding {
  const q = "who exec'd into pods";
  const t = 'T1609';
  if (!hasAudit(c)) return noAudit(c, q, t);
  const seen = c.execCreate + c.execGet;
  const fix = readsFix(c);
  if (fix)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'partial',
      why: `${seen ? `${seen} exec/attach requests logged, but ` : ''}kubectl >= 1.30 execs over WebSockets with verb get, which ${aksAdminOnly(c) ? 'kube-audit-admin drops' : 'Admin Activity does not record'}`,
      fix,
    };
  if (seen > 0)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: `${plural(seen, 'exec/attach request')} logged (${c.execGet} over WebSockets as get)`,
    };
  if (fullReads(c))
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: 'exec requests (create and get) would be logged; none in this range',
    };
  return {
    question: q,
    technique: t,
    cluster: c.key,
    answer: 'partial',
    why: 'exec with verb create would be logged, but no get requests are seen: WebSocket exec (verb get) may be dropped',
    fix: 'make the audit policy log pods/exec and pods/attach for every verb',
  };
}

function bodyQuestion(
  c: ClusterFacts,
  q: string,
  t: string,
  what: string,
  writes: number,
  withBody: number,
  fields: string,
): QuestionFinding {
  if (!hasAudit(c)) return noAudit(c, q, t);
  if (!hasWrites(c)) return noWrites(c, q, t);
  const policyFix = `log ${what} at Request level or above in the audit policy (${fields} are only in the request body)`;
  if (withBody > 0) {
    const cut =
      c.skippedBodies > 0 ? `; ${c.skippedBodies} bodies were replaced by skipped-too-big-size-object` : '';
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: cut ? 'partial' : 'yes',
      why: `${withBody} of ${writes} ${what} writes carry the request body${cut}`,
    };
  }
  if (writes > 0)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'no',
      why: `${writes} ${what} writes are logged at Metadata level only: ${fields} are not in the logs`,
      fix: policyFix,
    };
  if (bodyLevels(c))
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: `no ${what} writes in this range; other requests carry bodies (Request/RequestResponse level seen)`,
    };
  return {
    question: q,
    technique: t,
    cluster: c.key,
    answer: 'unknown',
    why: `no ${what} writes and only Metadata level in these logs`,
    fix: policyFix,
  };
}

function eventDeletes(c: ClusterFacts): QuestionFinding {
  const q = 'were events deleted';
  const t = 'T1070';
  const n = c.eventDeletes + c.arcEventDeletes;
  if (n > 0)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: `${plural(n, 'event deletion')} logged`,
    };
  if (hasAudit(c) && !hasWrites(c)) return noWrites(c, q, t);
  if (hasAudit(c))
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: 'deletes are writes, kept by every audit feed; none in this range',
    };
  if (c.arcOps > 0)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: 'the Activity Log carries this Arc cluster’s data-plane operations; no event deletions in this range',
    };
  if (c.feeds.has('kube-events'))
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'no',
      why: 'a kubectl events snapshot cannot show deletions (deleted events are simply absent, and events expire after 1 hour)',
      fix: enableAuditFix(c.provider),
    };
  return noAudit(c, q, t);
}

function credentialFetches(c: ClusterFacts, ctx: QuestionContext): QuestionFinding | undefined {
  if (c.provider !== 'aks') return undefined;
  const q = 'who fetched cluster credentials';
  const t = 'T1078.001';
  if (c.credentialFetches > 0)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: `${plural(c.credentialFetches, 'listClusterUser/AdminCredential operation')} in the Activity Log`,
    };
  if (ctx.activityForSubscription)
    return {
      question: q,
      technique: t,
      cluster: c.key,
      answer: 'yes',
      why: 'the subscription’s Activity Log is present; no credential fetches for this cluster',
    };
  return {
    question: q,
    technique: t,
    cluster: c.key,
    answer: 'no',
    why: 'no Azure Activity Log for this cluster’s subscription among the inputs',
    fix: 'export the subscription’s Activity Log (diagnostic setting on the subscription, Administrative category) beside the cluster logs',
  };
}

/**
 * The investigation questions and whether this cluster's logs can answer each.
 * @example answerQuestions(facts, { activityForSubscription: false })[0].answer // 'no' for kube-audit-admin only
 */
export function answerQuestions(c: ClusterFacts, ctx: QuestionContext): QuestionFinding[] {
  const out = [
    secretReads(c),
    execs(c),
    bodyQuestion(
      c,
      'were privileged pods created',
      'T1610',
      'pod',
      c.podCreates,
      c.podCreatesWithBody,
      'securityContext, hostPID and hostPath mounts',
    ),
    bodyQuestion(
      c,
      'who created cluster-admin bindings',
      'T1098.006',
      'role binding',
      c.bindingWrites,
      c.bindingWritesWithBody,
      'roleRef and subjects',
    ),
    eventDeletes(c),
  ];
  const cred = credentialFetches(c, ctx);
  if (cred) out.push(cred);
  return out;
}
