import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic, location } from '../../src/diag/diagnostic.js';
import { createSigmaLoader, looksLikeSigma } from '../../src/detect/sigma/sigma-loader.js';
import { parseSigmaText } from '../../src/lang/sigma/parse-rule.js';
import { auditEvent, run, sigmaRule } from './events.js';

// Synthetic rules with deliberate mistakes.

test('every problem of a rule is reported at once, with file:line:col', () => {
  const text = [
    'title: many problems',
    'status: testing',
    'level: severe',
    'logsource:',
    '    product: kubernetes',
    '    service: audit',
    'detection:',
    '    selection:',
    "        verb|contain: 'create'",
    "        requestURI|re: '(unclosed'",
    '    filter:',
    '        verb: get',
    '    condition: selection and not filtr',
    '',
  ].join('\n');
  const r = createSigmaLoader().load('rules/bad.yml', text);
  const got = r.diagnostics.map((d) => `${location(d)} ${d.code}`);
  assert.deepEqual(got, [
    'rules/bad.yml:3:8 SIG007',
    'rules/bad.yml:2:9 SIG008',
    'rules/bad.yml:9:14 SIG004',
    'rules/bad.yml:13:34 SIG006',
  ]);
  const unknown = r.diagnostics.find((d) => d.code === 'SIG004')!;
  assert.equal(unknown.hint, "did you mean 'contains'?");
  assert.match(formatDiagnostic(unknown), /verb\|contain: 'create'\n\s+\^~~~~~~/);
  assert.equal(r.detections.length, 0);
  assert.equal(r.skipped.length, 1);
});

test('bad regex is reported at the value', () => {
  const r = createSigmaLoader().load(
    'x.yml',
    sigmaRule("sel:\n  requestURI|re: '(unclosed'\ncondition: sel"),
  );
  assert.deepEqual(
    r.diagnostics.map((d) => `${location(d)} ${d.code}`),
    ['x.yml:10:22 SIG009'],
  );
});

const diagCases: [string, string, string[]][] = [
  ['missing condition', 'sel:\n  verb: get', ['SIG003']],
  ['condition syntax', 'sel:\n  verb: get\ncondition: sel and or sel', ['SIG005']],
  ['unbalanced parenthesis', 'sel:\n  verb: get\ncondition: (sel', ['SIG005']],
  ['wildcard name without quantifier', 'sel:\n  verb: get\ncondition: sel*', ['SIG005']],
  ['2 of is not Sigma', 'sel:\n  verb: get\ncondition: 2 of sel*', ['SIG005']],
  ['1 of pattern matching nothing', 'sel:\n  verb: get\ncondition: 1 of filter*', ['SIG006']],
  ['deprecated aggregation', 'sel:\n  verb: get\ncondition: sel | count() by user.username > 5', ['SIG014']],
  ['exists needs a boolean', 'sel:\n  verb|exists: yes\ncondition: sel', ['SIG011']],
  ['gt needs a number', 'sel:\n  responseStatus.code|gt: many\ncondition: sel', ['SIG016']],
  ['startswith and endswith together', 'sel:\n  verb|startswith|endswith: g\ncondition: sel', ['SIG012']],
  ['regex flag without re', 'sel:\n  verb|i: g\ncondition: sel', ['SIG012']],
  ['bad cidr', 'sel:\n  sourceIPs|cidr: 10.0.0.0/40\ncondition: sel', ['SIG015']],
  ['empty value list', 'sel:\n  verb: []\ncondition: sel', ['SIG011']],
];
for (const [name, det, codes] of diagCases) {
  test(`diagnostic: ${name}`, () => {
    const r = createSigmaLoader().load('x.yml', sigmaRule(det));
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
      codes,
    );
    for (const d of r.diagnostics) assert.ok(d.span, `${d.code} has a span`);
  });
}

test('missing title and logsource are errors; YAML syntax errors are SIG001', () => {
  const r = createSigmaLoader().load('x.yml', 'detection:\n  sel:\n    verb: get\n  condition: sel\n');
  assert.deepEqual(r.diagnostics.map((d) => d.code).sort(), ['SIG003', 'SIG003']);
  const y = parseSigmaText('title: x\ndetection: [\n', 'y.yml');
  assert.equal(y.diagnostics[0]?.code, 'SIG001');
});

test('unknown field: warning by default, error with strict mapping', () => {
  const det = 'sel:\n  verb: get\n  PodNameX: foo\ncondition: sel';
  const loose = createSigmaLoader().load('x.yml', sigmaRule(det));
  assert.deepEqual(
    loose.diagnostics.map((d) => [d.code, d.severity]),
    [['SIG010', 'warning']],
  );
  assert.equal(loose.detections.length, 1);
  const strict = createSigmaLoader({ strictFields: true }).load('x.yml', sigmaRule(det));
  assert.deepEqual(
    strict.diagnostics.map((d) => [d.code, d.severity]),
    [['SIG010', 'error']],
  );
  assert.equal(strict.detections.length, 0);
});

test('user field mapping resolves a custom name', () => {
  const loader = createSigmaLoader({ mappings: [{ fieldmappings: { PodName: 'audit.objectRef.name' } }] });
  const r = loader.load('x.yml', sigmaRule('sel:\n  PodName: p1\ncondition: sel'));
  assert.deepEqual(r.diagnostics, []);
  const ev = auditEvent({ verb: 'get', objectRef: { resource: 'pods', name: 'p1' } });
  assert.equal(run(r.detections, [ev]).alerts.length, 1);
});

test('rules for other products are skipped with a reason, not errors', () => {
  const text = sigmaRule(
    'sel:\n  Image|endswith: \\cmd.exe\ncondition: sel | count() > 5',
    '',
    'product: windows\n    category: process_creation',
  );
  const r = createSigmaLoader().load('win.yml', text);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.skipped.map((s) => s.reason),
    ['sigma logsource product=windows category=process_creation is not a log source auditscope reads'],
  );
});

test('looksLikeSigma accepts Sigma and refuses Sentinel analytic rules', () => {
  assert.equal(looksLikeSigma(sigmaRule('sel:\n  verb: get\ncondition: sel')), true);
  assert.equal(
    looksLikeSigma('id: x\nname: y\nquery: |\n  AKSAudit\nqueryFrequency: 1h\ntitle: z\ndetection: x\n'),
    false,
  );
  assert.equal(looksLikeSigma('apiVersion: v1\nkind: ConfigMap\n'), false);
});

const condCases: [string, boolean][] = [
  // a=true (verb create), b=false (verb delete), c=true (resource pods)
  ['a or b and c', true],
  ['b and c or a', true],
  ['not a or c', true],
  ['not (a or c)', false],
  ['not b and c', true],
  ['b or not a and c', false],
  ['1 of x*', true],
  ['all of x*', false],
  ['1 of them', true],
  ['all of them', false],
  ['all of y*', true],
  ['a and (b or c)', true],
  ['(a and b) or (c and not a)', false],
];
for (const [cond, want] of condCases) {
  test(`condition: ${cond}`, () => {
    const det = `a:\n  verb: create\nb:\n  verb: delete\nc:\n  objectRef.resource: pods\nxa:\n  verb: create\nxb:\n  verb: delete\nya:\n  verb: create\nyc:\n  objectRef.resource: pods\ncondition: ${cond}`;
    const r = createSigmaLoader().load('x.yml', sigmaRule(det));
    assert.deepEqual(r.diagnostics, []);
    const ev = auditEvent({ verb: 'create', objectRef: { resource: 'pods' } });
    assert.equal(run(r.detections, [ev]).alerts.length, want ? 1 : 0);
  });
}

test('a list of conditions is OR-ed', () => {
  const det = 'a:\n  verb: create\nb:\n  verb: delete\ncondition:\n  - b\n  - a';
  const r = createSigmaLoader().load('x.yml', sigmaRule(det));
  assert.equal(run(r.detections, [auditEvent({ verb: 'create' })]).alerts.length, 1);
});

test('collections: action global, repeat and reset', () => {
  const text = [
    'action: global',
    'title: collection',
    'logsource:',
    '    product: kubernetes',
    '    service: audit',
    'level: low',
    'detection:',
    '    condition: sel',
    '---',
    'id: 00000000-0000-4000-8000-00000000000a',
    'detection:',
    '    sel:',
    '        verb: create',
    '---',
    'action: repeat',
    'id: 00000000-0000-4000-8000-00000000000b',
    'detection:',
    '    sel:',
    '        verb: delete',
    '---',
    'action: reset',
    '---',
    'id: 00000000-0000-4000-8000-00000000000c',
    'detection:',
    '    sel:',
    '        verb: get',
    '    condition: sel',
    '',
  ].join('\n');
  const r = createSigmaLoader().load('c.yml', text);
  // The third document lost the global title and logsource: it is reported, the first two load.
  assert.deepEqual(
    r.detections.map((d) => d.meta.id),
    ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'],
  );
  assert.deepEqual(r.diagnostics.map((d) => `${location(d)} ${d.code}`).sort(), [
    'c.yml:23:1 SIG003',
    'c.yml:23:1 SIG003',
  ]);
  assert.equal(r.detections[1]!.meta.line, 15);
  const a = run(r.detections, [auditEvent({ verb: 'create' }), auditEvent({ verb: 'delete' })]).alerts;
  assert.deepEqual(
    a.map((x) => x.rule.id.slice(-1)),
    ['a', 'b'],
  );
});

test('status unsupported rules are skipped with a reason', () => {
  const r = createSigmaLoader().load(
    'u.yml',
    sigmaRule('sel:\n  verb: get\ncondition: sel').replace('status: test', 'status: unsupported'),
  );
  assert.equal(r.detections.length, 0);
  assert.match(r.skipped[0]?.reason ?? '', /status unsupported/);
});

// The shape SigmaHQ collections had in the repository (one `action: global` head with the metadata
// and the condition; one document per log source adding the selections). Synthetic text.
const sigmaHqCollection = `action: global
title: Secret Read Outside Controllers
id: 6a0e6c1c-2b6d-4a9b-9d44-3f1e2f0a7c11
status: test
description: legacy collection shape
author: someone
date: 2021/08/09
tags:
    - attack.credential_access
    - attack.t1552.007
detection:
    condition: selection and not filter
falsepositives:
    - Controllers
level: high
guide: |
    ## Triage
    Who read the secret?
---
logsource:
    product: windows
    service: sysmon
detection:
    selection:
        EventID: 1
    filter:
        Image|endswith: '\\svchost.exe'
---
logsource:
    product: kubernetes
    service: audit
detection:
    selection:
        verb: get
        objectRef.resource: secrets
    filter:
        user.username|startswith: 'system:'
`;

test('a SigmaHQ-style collection: global head merged, other products skipped and counted, guide kept', () => {
  const r = createSigmaLoader().load('coll.yml', sigmaHqCollection);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.skipped.length, 1);
  assert.match(r.skipped[0]!.reason, /product=windows service=sysmon/);
  assert.equal(r.detections.length, 1);
  const meta = r.detections[0]!.meta;
  assert.equal(meta.name, 'Secret Read Outside Controllers');
  assert.equal(meta.severity, 'high');
  assert.equal(meta.line, 29);
  assert.equal(meta.guide, '## Triage\nWho read the secret?\n');
  assert.deepEqual(meta.falsePositives, ['Controllers']);
  const secret = { verb: 'get', objectRef: { resource: 'secrets', namespace: 'a', name: 's' } };
  const alerts = run(r.detections, [
    auditEvent({ ...secret, user: { username: 'mallory' } }),
    auditEvent({ ...secret, user: { username: 'system:kube-controller-manager' } }),
    auditEvent({ verb: 'list', objectRef: { resource: 'secrets' }, user: { username: 'mallory' } }),
  ]).alerts;
  assert.deepEqual(
    alerts.map((a) => a.events[0]?.audit?.user?.username),
    ['mallory'],
  );
});

test("the custom 'guide:' attribute is kept in RuleMeta.guide; an empty one is no guide", () => {
  const kept = createSigmaLoader().load(
    'g.yml',
    sigmaRule('sel:\n  verb: delete\ncondition: sel', 'guide: |\n    ## Triage\n    look\n'),
  );
  assert.equal(kept.detections[0]?.meta.guide, '## Triage\nlook\n');
  const empty = createSigmaLoader().load(
    'e.yml',
    sigmaRule('sel:\n  verb: delete\ncondition: sel', "guide: ''\n"),
  );
  assert.deepEqual(empty.diagnostics, []);
  assert.equal(empty.detections[0]?.meta.guide, undefined);
});

test('the rules of one collection share its id without warnings; plain documents sharing an id are warned about', async () => {
  const head =
    'title: Events Deleted Anywhere\nid: 6a0e6c1c-2b6d-4a9b-9d44-3f1e2f0a7c19\ndescription: d\ntags: [attack.defense-evasion, attack.t1070]\nlevel: medium\n';
  const k8s =
    'logsource:\n    product: kubernetes\n    service: audit\ndetection:\n    selection:\n        verb: delete\n        objectRef.resource: events\n';
  const azure =
    'logsource:\n    product: azure\n    service: activitylogs\ndetection:\n    selection:\n        operationName: MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/EVENTS.K8S.IO/EVENTS/DELETE\n';
  const collection = `action: global\n${head}detection:\n    condition: selection\n---\n${k8s}---\n${azure}`;
  const cond = '    condition: selection\n';
  const plain = `${head}${k8s}${cond}---\n${head}${azure}${cond}`;
  const c = createSigmaLoader().load('c.yml', collection);
  assert.deepEqual(c.diagnostics, []);
  assert.equal(c.detections.length, 2);
  const p = createSigmaLoader().load('p.yml', plain);
  assert.deepEqual(
    p.diagnostics.map((d) => `${location(d)} ${d.code}`),
    ['p.yml:15:1 SIG024'],
  );
  // rules lint: RUL210 (duplicate id) for the plain documents only
  const { lintRules } = await import('../../src/detect/testing/lint-rules.js');
  const dir = mkdtempSync(join(tmpdir(), 'sigma-coll-ids-'));
  try {
    writeFileSync(join(dir, 'c.yml'), collection);
    writeFileSync(join(dir, 'p.yml'), plain.replaceAll('7c19', '7c20'));
    const { diagnostics } = await lintRules([dir], { requireGuide: false, requireTests: false });
    assert.deepEqual(
      diagnostics
        .filter((d) => d.code === 'RUL210' || d.code === 'SIG024')
        .map((d) => `${basename(d.file ?? '')} ${d.code}`),
      ['p.yml SIG024', 'p.yml RUL210'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
