import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, configFrom, loadServeConfig } from '../../src/server/config.js';
import { tempDir, token } from './fixtures.js';

test('the YAML config: sinks, secrets from the environment, flags on top', () => {
  const tmp = tempDir();
  try {
    const file = join(tmp.dir, 'auditscope.yaml');
    writeFileSync(
      file,
      [
        'listen: 0.0.0.0:9000',
        `token: ${'$'}{AS_TEST_TOKEN}`,
        'data: /var/lib/auditscope',
        'rules: [/etc/auditscope/rules]',
        'sinks:',
        '  - type: ndjson',
        '    path: /var/log/auditscope/alerts.ndjson',
        '  - type: elasticsearch',
        '    url: https://es.example:9200/',
        `    apiKey: ${'$'}{AS_TEST_KEY}`,
        '  - type: webhook',
        '    name: chat',
        '    url: https://chat.example/hook',
      ].join('\n'),
    );
    const c = loadServeConfig(
      { config: file, listen: '127.0.0.1:8081', rules: ['./more'] },
      { AS_TEST_TOKEN: token },
    );
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8081);
    assert.deepEqual(c.rulePaths, ['/etc/auditscope/rules', './more']);
    assert.deepEqual(
      c.sinks.map((s) => [s.type, s.name]),
      [
        ['ndjson', 'ndjson-0'],
        ['elasticsearch', 'elasticsearch-1'],
        ['webhook', 'chat'],
      ],
    );
    const es = c.sinks[1];
    assert.ok(es?.type === 'elasticsearch');
    assert.equal(es.url, 'https://es.example:9200');
    assert.equal(es.index, 'auditscope-alerts');
  } finally {
    tmp.cleanup();
  }
});

test('config errors name the key', () => {
  assert.throws(() => configFrom({ data: '/d' }, {}, {}), /no token/);
  assert.throws(() => configFrom({ token: 'short', data: '/d' }, {}, {}), /at least 16/);
  assert.throws(
    () => configFrom({ token, data: '/d', sinks: [{ type: 'kafka' }] }, {}, {}),
    /sinks\[0\]\.type/,
  );
  assert.throws(() => configFrom({ token, data: '/d', listen: 'nope' }, {}, {}), ConfigError);
  assert.throws(() => configFrom({ token }, {}, {}), /no data directory/);
});
