import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRules } from '../../src/detect/load-rules.js';
import { readSigmaMappingFile, readSigmaPlaceholdersFile } from '../../src/detect/sigma/sigma-options.js';
import { configureSigmaLoader } from '../../src/detect/sigma/sigma-loader.js';
import { auditEvent, run, sigmaRule } from './events.js';

// Synthetic mapping, placeholder and rule files.

test('--sigma-mapping and --sigma-placeholders files configure the registered loader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-options-'));
  try {
    writeFileSync(
      join(dir, 'mapping.yml'),
      'logsources:\n  - product: kubernetes\n    service: audit\n    fieldmappings:\n      Actor: audit.user.username\n',
    );
    writeFileSync(join(dir, 'placeholders.yml'), 'admins:\n  - alice\n  - bob\n');
    const rules = join(dir, 'rules');
    writeFileSync(join(dir, 'bad-mapping.yml'), 'fieldmappings: [1, 2]\n');
    const m = await readSigmaMappingFile(join(dir, 'mapping.yml'));
    const p = await readSigmaPlaceholdersFile(join(dir, 'placeholders.yml'));
    assert.deepEqual([m.diagnostics, p.diagnostics], [[], []]);
    assert.deepEqual(p.placeholders, { admins: ['alice', 'bob'] });
    const bad = await readSigmaMappingFile(join(dir, 'bad-mapping.yml'));
    assert.deepEqual(
      bad.diagnostics.map((d) => d.code),
      ['SIG028'],
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(rules);
    writeFileSync(
      join(rules, 'admin_delete.yml'),
      sigmaRule("sel:\n  verb: delete\n  Actor|expand: '%admins%'\ncondition: sel"),
    );
    configureSigmaLoader({ mappings: m.mappings, placeholders: p.placeholders, strictFields: true });
    const r = await loadRules([rules]);
    assert.deepEqual(r.diagnostics, []);
    const hits = run(r.detections, [
      auditEvent({ verb: 'delete', user: { username: 'bob' } }),
      auditEvent({ verb: 'delete', user: { username: 'mallory' } }),
    ]);
    assert.equal(hits.alerts.length, 1);
  } finally {
    configureSigmaLoader({});
    rmSync(dir, { recursive: true, force: true });
  }
});

// A pySigma processing pipeline in the shape `sigma convert -p FILE` takes (synthetic).
const pipeline = `name: auditscope-user-pipeline
priority: 30
transformations:
  - id: k8s_actor
    type: field_name_mapping
    mapping:
      Actor: user.username
      Resource: objectRef.subresource
      Target:
        - objectRef.name
        - requestURI
    rule_conditions:
      - type: logsource
        product: kubernetes
        service: audit
  - id: azure_only
    type: field_name_mapping
    mapping:
      Actor: caller
    rule_conditions:
      - type: logsource
        product: azure
        service: activitylogs
  - id: prefix
    type: field_name_prefix
    prefix: kubernetes.audit.
  - id: tagged
    type: field_name_mapping
    mapping:
      Verb: verb
    rule_conditions:
      - type: tag
        tag: attack.t1609
`;

test('a sigma-cli (pySigma) processing pipeline works as a mapping file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigma-pipeline-'));
  try {
    writeFileSync(join(dir, 'pipeline.yml'), pipeline);
    const m = await readSigmaMappingFile(join(dir, 'pipeline.yml'));
    // only what cannot be applied is reported, as warnings, with the transformation named
    assert.deepEqual(
      m.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`),
      [
        "SIG028 warning transformations[0] (k8s_actor): 'Target' maps to 2 fields; auditscope reads the first that is present (pySigma ORs them)",
        "SIG028 warning transformations[2] (prefix): transformation type 'field_name_prefix' is not applied (only field_name_mapping)",
        "SIG028 warning transformations[3] (tagged): rule condition 'tag' is not supported; transformation not applied",
      ],
    );
    assert.deepEqual(
      m.mappings.map((x) => x.logsource),
      [
        { product: 'kubernetes', service: 'audit' },
        { product: 'azure', service: 'activitylogs' },
      ],
    );
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(
      join(rules, 'exec.yml'),
      sigmaRule('sel:\n  Actor: mallory\n  Resource: exec\ncondition: sel'),
    );
    configureSigmaLoader({ mappings: m.mappings, strictFields: true });
    const r = await loadRules([rules]);
    assert.deepEqual(r.diagnostics, []);
    const hits = run(r.detections, [
      auditEvent({
        verb: 'create',
        user: { username: 'mallory' },
        objectRef: { resource: 'pods', subresource: 'exec' },
      }),
      auditEvent({
        verb: 'create',
        user: { username: 'alice' },
        objectRef: { resource: 'pods', subresource: 'exec' },
      }),
      auditEvent({ verb: 'create', user: { username: 'mallory' }, objectRef: { resource: 'pods' } }),
    ]);
    assert.deepEqual(
      hits.alerts.map((a) => a.events[0]?.audit?.user?.username),
      ['mallory'],
    );
    // a field the pipeline maps only under a condition auditscope cannot evaluate stays unknown
    writeFileSync(join(rules, 'exec.yml'), sigmaRule('sel:\n  Verb: create\ncondition: sel'));
    configureSigmaLoader({ mappings: m.mappings, strictFields: true });
    const strict = await loadRules([rules]);
    assert.deepEqual(
      strict.diagnostics.map((d) => d.code),
      ['SIG010'],
    );
  } finally {
    configureSigmaLoader({});
    rmSync(dir, { recursive: true, force: true });
  }
});
