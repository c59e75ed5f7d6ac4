import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Converted, convertText } from '../../src/convert/convert-rules.js';
import { envelope } from '../../src/detect/testing/envelopes.js';
import { readText } from '../../src/ingest/index.js';
import type { AuditEvent } from '../../src/model/event.js';
import { differential } from './differential.js';

/**
 * Edge cases of Sigma's semantics the converters must keep, checked on synthetic events (hand-
 * written for these tests, not captures): case-insensitive equality, wildcards, a missing field
 * against a test the empty string passes, values inside arrays, `|all`, `|cased`, `|re`, `|cidr`,
 * the legacy pod-spec names. Each rule must match exactly the events listed, in every target.
 */

const base = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  stage: 'ResponseComplete',
  requestReceivedTimestamp: '2026-11-20T09:00:00.000000Z',
  stageTimestamp: '2026-11-20T09:00:00.100000Z',
};
const samples: Record<string, Record<string, unknown>> = {
  upper: {
    verb: 'create',
    objectRef: { resource: 'pods', namespace: 'default', name: 'a' },
    user: { username: 'Eve@Contoso.example', groups: ['system:authenticated', 'Admins'] },
    sourceIPs: ['10.1.2.3'],
    requestURI: '/api/v1/pods',
  },
  lower: {
    verb: 'create',
    objectRef: { resource: 'pods', namespace: 'kube-system', name: 'b' },
    user: { username: 'system:serviceaccount:kube-system:x' },
    sourceIPs: ['192.168.0.9'],
    requestURI: '/api/v1/namespaces/kube-system/pods?x=1',
  },
  nouser: {
    verb: 'get',
    objectRef: { resource: 'secrets', namespace: 'default' },
    requestURI: '/api/v1/secrets',
  },
  priv: {
    verb: 'create',
    objectRef: { resource: 'deployments', namespace: 'default', name: 'd' },
    user: { username: 'bob' },
    requestObject: {
      kind: 'Deployment',
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'c1', image: 'nginx' },
              {
                name: 'c2',
                image: 'XMRig/xmrig:6',
                securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'sys_admin'] } },
              },
            ],
            volumes: [
              { name: 'h', hostPath: { path: '/etc' } },
              { name: 'e', hostPath: {} },
            ],
          },
        },
      },
    },
  },
  empty: {
    verb: 'patch',
    objectRef: { resource: 'configmaps', namespace: '', name: 'coredns' },
    user: { username: '' },
    userAgent: '',
  },
};

const events: AuditEvent[] = Object.entries(samples).flatMap(([name, ev], i) =>
  ['k8s', 'aks'].flatMap((fmt) =>
    readText(
      envelope(fmt as 'k8s' | 'aks', { ...base, auditID: `00000000-0000-0000-0000-00000000000${i}`, ...ev }),
      `synthetic:${name}:${fmt}`,
    ).events.map((e) => ({ ...e, id: `${name}:${fmt}` })),
  ),
);

const rule = (detection: string): string =>
  `title: t\nid: 11111111-2222-3333-4444-555555555555\nlogsource:\n  product: kubernetes\n  service: audit\ndetection:\n${detection.replace(/^/gm, '  ')}\nlevel: high\n`;

/** `ecs-empty`: ECS drops empty strings; the Elastic rule says so in a note and differs only on the empty-valued events. */
const cases: [string, string, string[], 'ecs-empty'?][] = [
  [
    'case-insensitive equality',
    'sel:\n  verb: create\n  objectRef.resource: PODS\ncondition: sel',
    ['upper', 'lower'],
  ],
  ['cased equality', 'sel:\n  user.username|cased: bob\ncondition: sel', ['priv']],
  [
    'case-insensitive equality on a free-form field',
    'sel:\n  user.username: EVE@contoso.example\ncondition: sel',
    ['upper'],
  ],
  ['wildcards', 'sel:\n  user.username: "eve@*.EXAMPLE"\ncondition: sel', ['upper']],
  ['? wildcard', 'sel:\n  objectRef.name: "?"\ncondition: sel', ['upper', 'lower', 'priv']],
  [
    'contains / startswith / endswith',
    'a:\n  requestURI|contains: KUBE-SYSTEM\nb:\n  requestURI|endswith: /PODS\ncondition: a or b',
    ['upper', 'lower'],
  ],
  [
    'star does not match a missing field',
    'sel:\n  user.username: "*"\ncondition: sel',
    ['upper', 'lower', 'priv', 'empty'],
    'ecs-empty',
  ],
  ['empty value matches only an empty field', "sel:\n  objectRef.namespace: ''\ncondition: sel", ['empty']],
  [
    'not over a missing field',
    'sel:\n  user.username|startswith: "system:"\ncondition: not sel',
    ['upper', 'nouser', 'priv', 'empty'],
  ],
  ['null', 'sel:\n  user.username: null\ncondition: sel', ['nouser'], 'ecs-empty'],
  ['exists', 'sel:\n  requestObject|exists: true\ncondition: sel', ['priv']],
  ['array element equality', 'sel:\n  user.groups: admins\ncondition: sel', ['upper']],
  [
    'array |all',
    'sel:\n  user.groups|all:\n    - ADMINS\n    - system:authenticated\ncondition: sel',
    ['upper'],
  ],
  [
    'nested arrays',
    'sel:\n  requestObject.spec.template.spec.containers.securityContext.capabilities.add: SYS_ADMIN\ncondition: sel',
    ['priv'],
  ],
  ['legacy capabilities', 'sel:\n  capabilities: net_admin\ncondition: sel', ['priv']],
  ['legacy privileged', "sel:\n  privileged: 'true'\ncondition: sel", ['priv']],
  ['legacy hostPath with star', "sel:\n  hostPath: '*'\ncondition: sel", ['priv']],
  ['legacy hostPath empty path', "sel:\n  hostPath: ''\ncondition: sel", ['priv']],
  [
    'image contains in an array',
    'sel:\n  requestObject.spec.template.spec.containers.image|contains: xmrig\ncondition: sel',
    ['priv'],
  ],
  ['regex', 'sel:\n  user.username|re: "^[a-z]+@"\ncondition: sel', []],
  ['regex i', 'sel:\n  user.username|re|i: "^[a-z]+@"\ncondition: sel', ['upper']],
  ['cidr', 'sel:\n  sourceIPs|cidr: 10.0.0.0/8\ncondition: sel', ['upper']],
  ['numbers', 'sel:\n  objectRef.name|gt: 5\ncondition: sel', []],
];

const targets = [
  { to: 'kusto', table: 'CloudAuditEvents' },
  { to: 'kusto', table: 'AKSAudit' },
  { to: 'elastic', elasticLanguage: 'auto' },
] as const;

describe('Elastic language choice', () => {
  test('kuery when the case-insensitive tests are on fields Kubernetes keeps lower-case, EQL otherwise', () => {
    const [k] = convertText(
      rule('sel:\n  verb: CREATE\n  objectRef.resource: pods\ncondition: sel'),
      'k.yml',
      { to: 'elastic' },
    );
    assert.ok(k?.ok);
    if (k?.ok) {
      assert.equal(k.target, 'elastic:kuery');
      assert.match(k.query, /kubernetes\.audit\.verb:"create"/);
      assert.match(k.notes.join('\n'), /lower-case in every audit event/);
    }
    const [e] = convertText(rule('sel:\n  user.username: Eve\ncondition: sel'), 'e.yml', { to: 'elastic' });
    assert.ok(e?.ok && e.target === 'elastic:eql');
    if (e?.ok) assert.match(e.query, /kubernetes\.audit\.user\.username : "Eve"/);
  });
});

describe('conversion keeps Sigma semantics (synthetic events)', () => {
  for (const [title, det, want, caveat] of cases)
    test(title, () => {
      for (const t of targets) {
        const [r] = convertText(rule(det), 'case.yml', t);
        if (!r?.ok) {
          // only Elastic may refuse (regex): every refusal carries its reason
          assert.equal(t.to, 'elastic', `${title}: ${JSON.stringify(r)}`);
          assert.ok(r && r.reasons.length > 0);
          continue;
        }
        const d = differential(r as Converted, events);
        assert.deepEqual(d.errors, [], `${title} ${r.target}\n${r.query}`);
        if (caveat && r.target.startsWith('elastic')) {
          assert.match(r.notes.join('\n'), /ECS drops empty strings/);
          const diff = [
            ...d.source.filter((x) => !d.target.includes(x)),
            ...d.target.filter((x) => !d.source.includes(x)),
          ];
          assert.ok(
            diff.length > 0 && diff.every((id) => id.startsWith('empty:')),
            `${title}: ${diff.join(', ')}`,
          );
        } else assert.deepEqual(d.target, d.source, `${title} ${r.target}\n${r.query}`);
        const matched = [...new Set(d.source.map((id) => id.split(':')[0]!))].sort();
        assert.deepEqual(matched, [...want].sort(), `${title} ${r.target} source matches`);
      }
    });
});
