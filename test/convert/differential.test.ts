import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type ConvertOptions, type ConvertResult, convertPaths } from '../../src/convert/convert-rules.js';
import { loadElasticRule } from '../../src/detect/elastic/elastic-loader.js';
import { kustoLoader } from '../../src/detect/kusto/kusto-loader.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus, repoRoot } from '../corpus.js';
import { corpusEvents } from './corpus-events.js';
import { differential } from './differential.js';

/**
 * Proven equivalent: every converted rule runs on auditscope's engine for the target language and
 * its source on the engine for the source language, over the same events (real Falco, AKS and
 * Panther samples plus the pack's samples); the sets of matching events must be equal. Rules that
 * are not converted must say why, and the list of them is pinned here with the reason.
 */

const sigmaPaths = [corpus('sigmahq-rules/rules'), `${repoRoot}/rules/sigma`];
const elasticPaths = [corpus('elastic-detection-rules/rules'), `${repoRoot}/rules/elastic`];

let events: AuditEvent[] = [];
before(async () => {
  events = await corpusEvents();
});

const name = (r: ConvertResult): string => r.file.split('/').pop()!;

async function check(
  paths: string[],
  opts: ConvertOptions,
  notConverted: Record<string, RegExp>,
  minHits: number,
) {
  const { results } = await convertPaths(paths, opts);
  let hits = 0;
  let rulesWithHits = 0;
  const unconverted: string[] = [];
  for (const r of results) {
    if (!r.ok) {
      unconverted.push(name(r));
      const want = notConverted[name(r)];
      assert.ok(want, `${name(r)} was not converted: ${r.reasons.join('; ')}`);
      assert.ok(
        r.reasons.some((x) => want.test(x)),
        `${name(r)}: ${r.reasons.join('; ')}`,
      );
      continue;
    }
    // the rule file loads in auditscope's own loader for its language
    const loaded = r.target.startsWith('kusto')
      ? await kustoLoader.load(r.outName, r.text)
      : r.target.startsWith('elastic')
        ? loadElasticRule(r.outName, r.text)
        : undefined;
    if (loaded) {
      assert.deepEqual(
        loaded.diagnostics.filter((x) => x.severity === 'error'),
        [],
        `${name(r)}\n${r.text}`,
      );
      assert.equal(loaded.detections.length, 1, `${name(r)}: ${JSON.stringify(loaded.skipped)}`);
    }
    const d = differential(r, events);
    assert.deepEqual(d.errors, [], `${name(r)}: the converted rule does not run\n${r.query}`);
    assert.deepEqual(
      d.target,
      d.source,
      `${name(r)} (${r.target}) matches other events than its source\n${r.query}`,
    );
    hits += d.source.length;
    if (d.source.length) rulesWithHits++;
  }
  assert.deepEqual(unconverted.sort(), Object.keys(notConverted).sort());
  // not vacuous: the corpus makes most rules fire
  assert.ok(hits >= minHits, `only ${hits} matching events in all`);
  assert.ok(
    rulesWithHits >= results.length / 2,
    `only ${rulesWithHits} of ${results.length} rules matched anything`,
  );
  return results;
}

const GCP = /GCP audit rules/;
const SIGMA_ALWAYS = {
  'gcp_kubernetes_admission_controller.yml': GCP,
  'gcp_kubernetes_cronjob.yml': GCP,
  'gcp_kubernetes_rolebinding.yml': GCP,
  'gcp_kubernetes_secrets_modified_or_deleted.yml': GCP,
  'azure_kubernetes_events_listed_then_deleted.yml': /correlation rules are not converted/,
};

describe('Sigma -> Kusto, differential', () => {
  test('CloudAuditEvents: all SigmaHQ and pack Sigma rules', async () => {
    const rs = await check(sigmaPaths, { to: 'kusto' }, SIGMA_ALWAYS, 300);
    assert.equal(rs.filter((r) => r.ok).length, 64);
    assert.ok(rs.some((r) => r.ok && r.target === 'kusto:AzureActivity'));
  });
  test('AKSAudit', async () => {
    await check(
      sigmaPaths,
      { to: 'kusto', table: 'AKSAudit' },
      {
        ...SIGMA_ALWAYS,
        'k8s_impersonation.yml': /no column for the audit Event's 'impersonatedUser'/,
      },
      100,
    );
  });
});

describe('Sigma -> Elastic, differential', () => {
  test('auto language (kuery when exact, else EQL)', async () => {
    const rs = await check(
      sigmaPaths,
      { to: 'elastic' },
      {
        ...SIGMA_ALWAYS,
        'k8s_pod_security_enforcement_weakened.yml': /ECS removes requestObject.metadata/,
      },
      300,
    );
    assert.ok(rs.some((r) => r.ok && r.target === 'elastic:eql'));
  });
  test('forced kuery reports the case-insensitive tests it cannot write', async () => {
    const { results } = await convertPaths(
      [`${repoRoot}/rules/sigma/kubernetes/k8s_aks_local_admin_used.yml`],
      {
        to: 'elastic',
        elasticLanguage: 'kuery',
      },
    );
    const r = results[0]!;
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reasons.join('\n'), /case-insensitive test of 'user.username'/);
  });
});

describe('Elastic -> Sigma, differential', () => {
  test('every Elastic query/EQL rule of the corpus and the pack', async () => {
    const single = /aggregate or correlate events|EQL sequences/;
    const { results } = await convertPaths(elasticPaths, { to: 'sigma' });
    const notConverted = Object.fromEntries(results.filter((r) => !r.ok).map((r) => [name(r), single]));
    // only multi-event rule types (esql, new_terms, sequences) are left out
    assert.ok(Object.keys(notConverted).length <= 19);
    const rs = await check(elasticPaths, { to: 'sigma' }, notConverted, 100);
    assert.ok(rs.filter((r) => r.ok).length >= 31);
  });
});
