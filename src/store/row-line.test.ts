import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { jsonPathOf } from './json-path.js';
import { dynamicText, RowEncoder } from './row-line.js';
import { planTable } from './schema.js';

// Synthetic values covering the JSON shapes a hot path can hold.
const values: unknown[] = [
  'pods',
  '',
  'with "quotes" and \\ backslash and ünïcode',
  101,
  -3,
  1.5,
  true,
  false,
  null,
  { a: 1, b: [1, 'x', { c: null }] },
  [1, 2, 3],
  [],
  {},
];

test('dynamicText equals JSON.stringify, also with shared cached members', () => {
  const shared = { spec: { containers: [{ name: 'a', securityContext: { privileged: true } }] } };
  const cache = new Map<object, string>();
  for (const v of [
    ...values,
    { RequestObject: shared, Verb: 'create', Skip: undefined },
    { again: shared },
  ]) {
    assert.equal(dynamicText(v, cache), JSON.stringify(v) ?? 'null');
  }
});

test("staged hot-path text is what DuckDB's json_extract_string gives", async () => {
  const table = planTable('T', [{ name: 'ObjectRef', type: 'dynamic' }]);
  const enc = new RowEncoder(table, new Map());
  const resourceHot = table.hot.findIndex((h) => h.path.join('.') === 'resource');
  assert.ok(resourceHot >= 0);
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    for (const v of [...values, undefined]) {
      const row = { ObjectRef: v === undefined ? {} : { resource: v } };
      const line = JSON.parse(enc.line('id', null, row)) as Record<string, unknown>;
      const json = JSON.stringify(row.ObjectRef);
      const r = await con.runAndReadAll(`SELECT json_extract_string($1::JSON, $2)`, [
        json,
        jsonPathOf(['resource']),
      ]);
      assert.equal(line[`h${resourceHot}`], r.getRows()[0]?.[0], `value ${JSON.stringify(v)}`);
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
});
