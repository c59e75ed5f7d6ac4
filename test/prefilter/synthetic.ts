/**
 * SYNTHETIC DATA for the prefilter differential test: audit Events in API-server field order, raw
 * and AKS-wrapped, chosen to hit every branch of the byte reader (index keys present/absent, upper
 * case values, `\u` escapes, decoy keys inside request bodies, URIs and user.extra, batches,
 * CRLF, duplicated feeds), plus a seeded fuzzer that mutates lines.
 */
import { prng } from '../prng.js';
import { aksLine, goOrderJson } from './go-order.js';

const verbs = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'GET',
  'Create',
  'DELETE',
];
const resources: [string, string | undefined][] = [
  ['pods', undefined],
  ['pods', 'exec'],
  ['pods', 'attach'],
  ['pods', 'log'],
  ['pods', 'portforward'],
  ['Pods', 'EXEC'],
  ['secrets', undefined],
  ['Secrets', undefined],
  ['configmaps', undefined],
  ['serviceaccounts', 'token'],
  ['clusterrolebindings', undefined],
  ['selfsubjectaccessreviews', undefined],
  ['subjectaccessreviews', undefined],
  ['events', undefined],
  ['nodes', 'proxy'],
  ['leases', undefined],
];
const codes = [200, 200, 201, 101, 401, 403, 404, 409, 500, undefined];
const users = [
  'alice@contoso.com',
  'system:anonymous',
  'system:serviceaccount:kube-system:replicaset-controller',
  'masterclient',
];

/** One synthetic Event object (not yet serialized). */
function event(r: ReturnType<typeof prng>, i: number): Record<string, unknown> {
  const verb = r.pick(verbs);
  const nonResource = r.next() < 0.08;
  const [resource, subresource] = r.pick(resources);
  const code = r.pick(codes);
  const ts = new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString();
  const ev: Record<string, unknown> = {
    level: 'RequestResponse',
    auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: nonResource
      ? '/healthz'
      : `/api/v1/namespaces/default/${resource}/x${subresource ? `/${subresource}` : ''}`,
    verb,
    user: {
      username: r.pick(users),
      groups: ['system:authenticated'],
      ...(r.next() < 0.2
        ? { extra: { verb: ['create'], resource: ['secrets'], subresource: ['exec'] } }
        : {}),
    },
    sourceIPs: ['10.0.0.1'],
    userAgent: r.next() < 0.1 ? 'curl/8.4.0 "verb":"create"' : 'kubectl/v1.29.0',
  };
  if (!nonResource) {
    const ns = r.next() < 0.5 ? 'kube-system' : 'default';
    ev.objectRef = {
      ...(r.next() < 0.97 ? { resource } : {}),
      namespace: ns,
      name: r.next() < 0.05 ? 'we"ird}\\name' : `x-${i}`,
      apiVersion: 'v1',
      ...(subresource ? { subresource } : {}),
    };
  }
  if (r.next() < 0.95)
    ev.responseStatus = {
      metadata: {},
      ...(code && code >= 400
        ? {
            status: 'Failure',
            reason: 'Forbidden',
            details: { kind: resource, causes: [{ reason: 'x', message: 'code 401' }] },
          }
        : {}),
      ...(code !== undefined ? { code } : {}),
    };
  if (r.next() < 0.3)
    // decoys: request bodies holding the index keys (SubjectAccessReview), some with codes
    ev.requestObject = {
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'create', resource: 'pods', subresource: 'exec' } },
      status: { code: 401 },
      objectRef: { resource: 'secrets', subresource: 'exec' },
      responseStatus: { code: 403 },
    };
  ev.requestReceivedTimestamp = ts;
  ev.stageTimestamp = ts;
  ev.annotations = { 'authorization.k8s.io/decision': 'allow' };
  return ev;
}

/**
 * A synthetic JSON Lines file: every line a Go-ordered Event, raw or AKS-wrapped, with the odd
 * shapes mixed in (escapes, batches, CRLF, other key orders, klog records, broken records).
 */
export function syntheticLines(seed: number, n: number): string[] {
  const r = prng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const ev = event(r, i);
    const json = goOrderJson(ev);
    const roll = r.next();
    if (roll < 0.35) lines.push(json);
    else if (roll < 0.7) lines.push(aksLine(json));
    else if (roll < 0.75) lines.push(aksLine(json, { slashes: false, category: 'kube-audit-admin' }));
    else if (roll < 0.78)
      lines.push(
        json.replace(/"verb":"([a-zA-Z])/, (_m, c: string) => `"verb":"\\u00${c.charCodeAt(0).toString(16)}`),
      );
    else if (roll < 0.81)
      lines.push(aksLine(json).replace('\\"resource\\":\\"', '\\"resource\\":\\"\\u0073'));
    else if (roll < 0.84) lines.push(`${json}\r`);
    else if (roll < 0.86) lines.push(`  ${json}`);
    else if (roll < 0.88) {
      // an Event Hub batch: two AKS records on one line
      const other = goOrderJson(event(r, i + 1_000_000));
      const rec = (j: string) => aksLine(j).slice(0);
      lines.push(`{"records":[${rec(json)},${rec(other)}]}`);
    } else if (roll < 0.9)
      lines.push(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(json) as object).sort())));
    else if (roll < 0.92)
      lines.push(
        `{ "category": "kube-apiserver", "properties": {"log":"I0501 00:00:00.000 1 main.go:1] \\"verb\\":\\"get\\"","stream":"stderr"}, "time": "2024-05-01T00:00:00Z"}`,
      );
    else if (roll < 0.94)
      lines.push(json.slice(0, Math.max(2, r.int(json.length)))); // truncated
    else if (roll < 0.95)
      lines.push(`${json.slice(0, -1)}`); // no closing brace
    else if (roll < 0.96)
      lines.push(
        json.replace(
          /"stageTimestamp":"[^"]*","requestReceivedTimestamp":"[^"]*"|"requestReceivedTimestamp":"[^"]*","stageTimestamp":"[^"]*"/,
          '"x":1',
        ),
      ); // no timestamp
    else if (roll < 0.97)
      lines.push(''); // blank
    else lines.push(aksLine(json.replace('"verb":"', '"verb":"x')));
  }
  return lines;
}

/**
 * Seeded mutations of lines: truncations, dropped or duplicated bytes, case flips, inserted quotes
 * and backslashes. `structural` keeps only mutations that break a record's `{`...`}` frame (or keep
 * it valid JSON), the cases whose quarantine must match exactly.
 */
export function fuzzLines(lines: readonly string[], seed: number, structural: boolean): string[] {
  const r = prng(seed);
  const out: string[] = [];
  for (const line of lines) {
    const roll = r.next();
    if (line.length < 4 || roll < 0.5) {
      out.push(line);
      continue;
    }
    const at = 1 + r.int(line.length - 2);
    if (structural) {
      const k = r.int(4);
      if (k === 0)
        out.push(line.slice(0, at)); // cut short
      else if (k === 1)
        out.push(line.slice(at)); // head lost
      else if (k === 2)
        out.push(`${line}\n${line}`); // duplicated record (a second feed)
      else {
        // case flip inside a value: still valid JSON
        const m = /"(verb|resource|subresource)\\?":\\?"/.exec(line.slice(at));
        out.push(
          m
            ? line.slice(0, at) +
                line
                  .slice(at)
                  .replace(/(\\?":\\?")([a-z])/, (_x, q: string, c: string) => q + c.toUpperCase())
            : line,
        );
      }
      continue;
    }
    const k = r.int(4);
    if (k === 0) out.push(line.slice(0, at) + line.slice(at + 1));
    else if (k === 1) out.push(line.slice(0, at) + line[at] + line.slice(at));
    else if (k === 2) out.push(`${line.slice(0, at)}"${line.slice(at)}`);
    else out.push(`${line.slice(0, at)}\\${line.slice(at)}`);
  }
  return out;
}
