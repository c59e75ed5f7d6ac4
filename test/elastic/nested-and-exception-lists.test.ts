// Nested Kibana queries (Elasticsearch nested semantics: one element satisfies the whole inner
// query) and exception lists resolved from a Kibana exception-list export (NDJSON).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Detection } from '../../src/detect/detection.js';
import { loadElasticRule, readExceptionListFiles } from '../../src/detect/elastic/elastic-loader.js';
import { lineCol } from '../../src/diag/span.js';
import { readExceptionListExport } from '../../src/lang/elastic/read-exceptions.js';
import type { ExceptionItem } from '../../src/lang/elastic/rule.js';
import { at, audit, ms, run } from './synthetic.js';

function ruleText(query: string, extra = ''): string {
  return `[metadata]
maturity = "production"

[rule]
author = ["auditscope tests"]
description = "Synthetic test rule."
name = "Synthetic nested rule"
rule_id = "synthetic-nested"
risk_score = 21
severity = "low"
type = "query"
language = "kuery"
index = ["logs-kubernetes.audit_logs-*"]
query = '''
${query}
'''
${extra}
`;
}

function load(query: string, extra = '', lists?: ReadonlyMap<string, readonly ExceptionItem[]>): Detection {
  const r = loadElasticRule('synthetic.toml', ruleText(query, extra), lists);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.equal(r.detections.length, 1);
  return r.detections[0]!;
}

const podWith = (containers: Record<string, unknown>[], m = 0, user = 'alice') =>
  audit(
    {
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'prod', name: `p${m}` },
      user: { username: user, groups: ['system:authenticated'] },
      requestObject: { kind: 'Pod', spec: { containers } },
    },
    at(m),
  );

test('nested query: every inner condition must hold on the same array element', () => {
  const det = load(
    'kubernetes.audit.verb:create and kubernetes.audit.requestObject.spec.containers:{ name:app and securityContext.privileged:true }',
  );
  const split = podWith([
    { name: 'app', image: 'nginx', securityContext: { privileged: false } },
    { name: 'sidecar', image: 'envoy', securityContext: { privileged: true } },
  ]);
  const same = podWith([
    { name: 'sidecar', image: 'envoy' },
    { name: 'app', image: 'nginx', securityContext: { privileged: true } },
  ]);
  assert.equal(run(det, [split], ms(10)).alerts.length, 0, 'conditions met by two different elements');
  const hit = run(det, [same], ms(10)).alerts;
  assert.equal(hit.length, 1);
  // not over a nested query: no element satisfies it
  const negated = load(
    'kubernetes.audit.verb:create and not kubernetes.audit.requestObject.spec.containers:{ name:app and securityContext.privileged:true }',
  );
  assert.equal(run(negated, [split], ms(10)).alerts.length, 1);
  assert.equal(run(negated, [same], ms(10)).alerts.length, 0);
});

test('nested query: wildcards, or, and a nested query inside a nested query', () => {
  const det = load(
    'kubernetes.audit.requestObject.spec.containers:{ image:nginx* and (volumeMounts:{ name:host and readOnly:false } or name:debug) }',
  );
  const events = [
    // the host mount is read-only, the writable mount is another one: no element of volumeMounts matches
    podWith([
      {
        name: 'web',
        image: 'nginx:1',
        volumeMounts: [
          { name: 'host', readOnly: true },
          { name: 'tmp', readOnly: false },
        ],
      },
    ]),
    // the writable host mount is on a container whose image is not nginx
    podWith(
      [
        { name: 'web', image: 'nginx:1' },
        { name: 'x', image: 'busybox', volumeMounts: [{ name: 'host', readOnly: false }] },
      ],
      1,
    ),
    // a match: same container, same mount
    podWith([{ name: 'web', image: 'nginx:1', volumeMounts: [{ name: 'host', readOnly: false }] }], 2),
    // a match through `or name:debug`
    podWith([{ name: 'debug', image: 'nginx:2' }], 3),
  ];
  const alerts = run(det, events, ms(10)).alerts;
  assert.deepEqual(
    alerts.map((a) => a.time),
    [events[2]!.time, events[3]!.time],
  );
});

const exportText = [
  JSON.stringify({
    _version: 'WzEsMV0=',
    created_at: '2026-11-01T00:00:00.000Z',
    description: 'Known maintenance',
    id: '4a1e3c2b-0000-4000-8000-000000000001',
    list_id: 'aks-maintenance',
    name: 'AKS maintenance',
    namespace_type: 'single',
    type: 'detection',
    version: 1,
  }),
  JSON.stringify({
    comments: [],
    description: 'autoscaler',
    entries: [
      {
        field: 'user.name',
        operator: 'included',
        type: 'match',
        value: 'system:serviceaccount:kube-system:cluster-autoscaler',
      },
    ],
    item_id: 'i1',
    list_id: 'aks-maintenance',
    name: 'cluster autoscaler',
    namespace_type: 'single',
    os_types: [],
    type: 'simple',
  }),
  JSON.stringify({
    comments: [],
    entries: [
      {
        field: 'kubernetes.audit.requestObject.spec.containers',
        type: 'nested',
        entries: [
          { field: 'name', operator: 'included', type: 'match', value: 'istio-proxy' },
          { field: 'image', operator: 'included', type: 'wildcard', value: 'docker.io/istio/*' },
        ],
      },
    ],
    item_id: 'i2',
    list_id: 'aks-maintenance',
    name: 'istio sidecar',
    namespace_type: 'single',
    type: 'simple',
  }),
  JSON.stringify({
    exported_exception_list_count: 1,
    exported_exception_list_item_count: 2,
    missing_exception_list_item_count: 0,
    missing_exception_list_items: [],
    missing_exception_lists: [],
    missing_exception_lists_count: 0,
  }),
].join('\n');

const reference = `
[[rule.exceptions_list]]
id = "4a1e3c2b-0000-4000-8000-000000000001"
list_id = "aks-maintenance"
namespace_type = "single"
type = "detection"
`;

test('exception lists referenced by id are applied from a Kibana export (NDJSON)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditscope-exc-'));
  const file = join(dir, 'exceptions.ndjson');
  writeFileSync(file, `${exportText}\n`);
  const { lists, diagnostics } = readExceptionListFiles([file]);
  assert.deepEqual(diagnostics, []);
  assert.equal(lists.get('aks-maintenance')?.length, 2);
  // the list's saved-object id resolves too
  assert.equal(lists.get('4a1e3c2b-0000-4000-8000-000000000001')?.length, 2);

  const query = 'kubernetes.audit.verb:create and kubernetes.audit.objectRef.resource:pods';
  const events = [
    podWith([{ name: 'app', image: 'nginx' }], 0, 'system:serviceaccount:kube-system:cluster-autoscaler'),
    // excepted: the istio-proxy container has the istio image
    podWith(
      [
        { name: 'app', image: 'nginx' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24' },
      ],
      1,
    ),
    // not excepted: name and image on different containers (nested entries need the same element)
    podWith(
      [
        { name: 'istio-proxy', image: 'nginx' },
        { name: 'app', image: 'docker.io/istio/proxyv2:1.24' },
      ],
      2,
    ),
    podWith([{ name: 'app', image: 'nginx' }], 3, 'alice'),
  ];
  const det = load(query, reference, lists);
  const alerts = run(det, events, ms(10)).alerts;
  assert.deepEqual(
    alerts.map((a) => a.time),
    [events[2]!.time, events[3]!.time],
  );

  // without the export the reference cannot apply: a positioned warning, and every event alerts
  const bare = loadElasticRule('synthetic.toml', ruleText(query, reference), new Map());
  const warn = bare.diagnostics.find((d) => d.code === 'ELA009');
  assert.ok(warn, 'ELA009 reported');
  assert.match(warn.message, /aks-maintenance/);
  assert.equal(run(bare.detections[0]!, events, ms(10)).alerts.length, 4);
});

test('exception-list export: a line that is not JSON is reported with its position', () => {
  const text = `${exportText.split('\n')[0]}\n{not json}\n`;
  const r = readExceptionListExport('bad.ndjson', text);
  assert.equal(r.diagnostics.length, 1);
  const d = r.diagnostics[0]!;
  assert.equal(d.code, 'ELA013');
  assert.deepEqual(lineCol(text, d.span!.start), { line: 2, col: 1 });
  assert.deepEqual(r.lists.get('aks-maintenance'), []);
  const missing = readExceptionListFiles(['/nonexistent/exceptions.ndjson']);
  assert.equal(missing.diagnostics[0]?.code, 'ELA013');
});
