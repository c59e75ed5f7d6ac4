import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePrefilter, emptyFacts, type LineFacts, normalizePlan, readLineFacts } from './prefilter.js';

// Synthetic lines in the API server's field order (the only order the reader trusts).

const event = (o: {
  verb?: string;
  uri?: string;
  objectRef?: string;
  status?: string;
  request?: string;
  extra?: string;
}) =>
  `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"a1","stage":"ResponseComplete","requestURI":${JSON.stringify(o.uri ?? '/api/v1/pods')},"verb":"${o.verb ?? 'get'}","user":{"username":"alice"${o.extra ?? ''}},"sourceIPs":["10.0.0.1"],"userAgent":"kubectl"${
    o.objectRef !== undefined ? `,"objectRef":${o.objectRef}` : ''
  },"responseStatus":${o.status ?? '{"metadata":{},"code":200}'}${o.request ? `,"requestObject":${o.request}` : ''},"requestReceivedTimestamp":"2024-05-01T00:00:00.000000Z","stageTimestamp":"2024-05-01T00:00:00.100000Z","annotations":{"authorization.k8s.io/decision":"allow"}}`;

const aks = (ev: string, slashes = true) => {
  let log = JSON.stringify(`${ev}\n`);
  if (slashes) log = log.replaceAll('/', '\\/');
  return `{ "category": "kube-audit", "operationName": "x", "properties": {"pod":"p","log":${log},"stream":"stdout"}, "time": "2024-05-01T00:00:00Z"}`;
};

function facts(line: string): LineFacts | undefined {
  const buf = Buffer.from(line);
  const f = emptyFacts();
  return readLineFacts(buf, 0, buf.length, f) ? f : undefined;
}
const pick = (f: LineFacts | undefined) =>
  f && { verb: f.verb, resource: f.resource, subresource: f.subresource, code: f.code };

const execRef =
  '{"resource":"Pods","namespace":"default","name":"web","apiVersion":"v1","subresource":"EXEC"}';

test('reads verb, resource, subresource and code, lower-cased, from raw and AKS lines', () => {
  const want = { verb: 'create', resource: 'pods', subresource: 'exec', code: '101' };
  const ev = event({ verb: 'CREATE', objectRef: execRef, status: '{"metadata":{},"code":101}' });
  assert.deepEqual(pick(facts(ev)), want);
  assert.deepEqual(pick(facts(aks(ev))), want);
  assert.deepEqual(pick(facts(aks(ev, false))), want);
  assert.deepEqual(pick(facts(`${ev}\r`)), want);
});

test('absent fields read as empty, a Status without code as unknown', () => {
  const f = facts(event({ uri: '/healthz', status: '{"metadata":{}}' }));
  assert.deepEqual(pick(f), { verb: 'get', resource: '', subresource: '', code: undefined });
  const g = facts(
    event({ objectRef: '{"resource":"pods","namespace":"default","name":"x","apiVersion":"v1"}' }),
  );
  assert.deepEqual(pick(g), { verb: 'get', resource: 'pods', subresource: '', code: '200' });
});

test('keys inside user strings, user.extra and request bodies are not read as the Event own', () => {
  const decoys = event({
    verb: 'get',
    uri: '/api/v1/x?q="verb":"create",\\"verb\\":\\"create\\"',
    extra: ',"extra":{"verb":["create"],"resource":["secrets"]}',
    objectRef: '{"resource":"configmaps","namespace":"default","name":"c","apiVersion":"v1"}',
    request:
      '{"spec":{"resourceAttributes":{"verb":"create","resource":"pods","subresource":"exec"}},"status":{"code":403}}',
  });
  assert.deepEqual(pick(facts(decoys)), {
    verb: 'get',
    resource: 'configmaps',
    subresource: '',
    code: '200',
  });
  assert.deepEqual(pick(facts(aks(decoys))), {
    verb: 'get',
    resource: 'configmaps',
    subresource: '',
    code: '200',
  });
});

test('unknown shapes and escapes are candidates (not read)', () => {
  const ev = event({ objectRef: execRef });
  assert.equal(facts(ev.replace('"verb":"get"', '"verb":"g\\u0065t"')), undefined);
  assert.equal(facts(aks(ev).replace('\\"resource\\":\\"Pods', '\\"resource\\":\\"\\u0050ods')), undefined);
  // other key orders (re-serialized samples), v1beta1, leading blanks, non-records
  assert.equal(facts(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(ev)).sort()))), undefined);
  assert.equal(facts(ev.replace('audit.k8s.io/v1"', 'audit.k8s.io/v1beta1"')), undefined);
  assert.equal(facts(`  ${ev}`), undefined);
  assert.equal(facts(ev.slice(0, 200)), undefined); // not framed by braces
  assert.equal(facts('[1,2]'), undefined);
});

const plan = {
  clauses: [
    { verbs: new Set(['create']), resources: new Set(['pods']), subresources: new Set(['exec']) },
    { codes: new Set(['401', '403']) },
  ],
};
const filter = compilePrefilter(plan)!;
const keep = (line: string) => {
  const buf = Buffer.from(line);
  return filter(buf, 0, buf.length);
};

test('a line is skipped only when no clause admits it and the record is whole', () => {
  const exec = event({ verb: 'create', objectRef: execRef });
  const get = event({ objectRef: execRef });
  const denied = event({ status: '{"metadata":{},"status":"Failure","code":403}' });
  assert.equal(keep(exec), true);
  assert.equal(keep(aks(exec)), true);
  assert.equal(keep(denied), true);
  assert.equal(keep(get), false);
  assert.equal(keep(aks(get)), false);
  // cut short (even where the cut ends in a brace), no time, or a batch of records: parsed
  assert.equal(keep(get.slice(0, get.indexOf(',"requestReceivedTimestamp"'))), true);
  assert.equal(keep(get.replace(/,"requestReceivedTimestamp".*,"annotations"/, ',"annotations"')), true);
  const a = aks(get);
  assert.equal(keep(a.slice(0, a.indexOf(', "time"'))), true);
  assert.equal(keep(`{"records":[${a},${aks(exec)}]}`), true);
});

test('a clause holding the empty value leaves that key free; a clause with nothing left disables the plan', () => {
  assert.equal(normalizePlan({ clauses: [{ subresources: new Set(['']) }] }), undefined);
  const p = normalizePlan({ clauses: [{ verbs: new Set(['GET']), subresources: new Set(['', 'log']) }] });
  assert.deepEqual(p, { clauses: [{ verbs: new Set(['get']) }] });
  assert.equal(compilePrefilter(undefined), undefined);
});

test('an objectRef out of the API server order (after responseStatus, or before verb) makes the line a parse', () => {
  const ref = '{"resource":"pods","namespace":"default","name":"web","apiVersion":"v1"}';
  const base = event({ verb: 'create' });
  const late = base.replace(',"requestReceivedTimestamp"', `,"objectRef":${ref},"requestReceivedTimestamp"`);
  assert.ok(
    late.includes('"responseStatus"') && late.indexOf('"objectRef"') > late.indexOf('"responseStatus"'),
  );
  assert.equal(facts(late), undefined);
  assert.equal(facts(aks(late)), undefined);
  const early = base.replace(',"verb":', `,"objectRef":${ref},"verb":`);
  assert.ok(early.indexOf('"objectRef"') < early.indexOf('"verb"'));
  assert.equal(facts(early), undefined);
  assert.equal(facts(aks(early)), undefined);
  // In order, the same Event is read.
  assert.deepEqual(pick(facts(event({ verb: 'create', objectRef: ref }))), {
    verb: 'create',
    resource: 'pods',
    subresource: '',
    code: '200',
  });
});

test('user, user agent and impersonation conditions are read from the line, and left unread when not plain', () => {
  const userFilter = compilePrefilter({
    clauses: [
      { users: new Set(['system:anonymous']) },
      { userPrefixes: ['system:serviceaccount:'], agentPrefixes: ['kubectl/', 'curl/'] },
      { impersonated: true },
    ],
  })!;
  const keepUser = (line: string) => {
    const buf = Buffer.from(line);
    return userFilter(buf, 0, buf.length);
  };
  const withUser = (user: string, agent = 'kubectl') =>
    event({})
      .replace('"username":"alice"', `"username":${JSON.stringify(user)}`)
      .replace('"userAgent":"kubectl"', `"userAgent":${JSON.stringify(agent)}`);
  const shapes: ((l: string) => string)[] = [(l) => l, (l) => aks(l), (l) => aks(l, false)];
  for (const shape of shapes) {
    assert.equal(keepUser(shape(withUser('system:anonymous'))), true);
    assert.equal(keepUser(shape(withUser('SYSTEM:Anonymous'))), true);
    assert.equal(keepUser(shape(withUser('alice'))), false);
    assert.equal(
      keepUser(shape(withUser('system:serviceaccount:ns:sa', 'kubectl/v1.29.0 (linux/amd64)'))),
      true,
    );
    assert.equal(
      keepUser(shape(withUser('system:serviceaccount:ns:sa', 'kube-controller-manager v1.29'))),
      false,
    );
    // values that are not plain ASCII text are not read: the line is parsed
    assert.equal(keepUser(shape(withUser('al"ice'))), true);
    assert.equal(keepUser(shape(withUser('\u00e5lice'))), true);
    const impersonating = withUser('alice').replace(
      ',"sourceIPs"',
      ',"impersonatedUser":{"username":"bob"},"sourceIPs"',
    );
    assert.equal(keepUser(shape(impersonating)), true);
  }
  // Escaped slashes (some AKS exports write `\/` for every `/`) read as `/`; other escapes are not read.
  assert.equal(keepUser(aks(withUser('system:serviceaccount:ns:sa', 'kube-controller-manager/v1'))), false);
  assert.equal(keepUser(aks(withUser('system:serviceaccount:ns:sa', 'kubectl/v1.29'))), true);
  assert.equal(keepUser(withUser('system:serviceaccount:ns:sa', 'kube\\controller')), true);
  // No userAgent: no prefix matches; a userAgent out of the API server order: parsed.
  const noAgent = withUser('system:serviceaccount:ns:sa').replace(',"userAgent":"kubectl"', '');
  assert.equal(keepUser(noAgent), false);
  const late = noAgent.replace(
    ',"requestReceivedTimestamp"',
    ',"userAgent":"curl/8","requestReceivedTimestamp"',
  );
  assert.equal(keepUser(late), true);
  // A username not where the API server writes it (first in `user`): not read.
  assert.equal(
    keepUser(withUser('alice').replace('"user":{"username":"alice"', '"user":{"uid":"1","username":"alice"')),
    true,
  );
});
