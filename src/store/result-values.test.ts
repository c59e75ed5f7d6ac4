import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ColumnDef } from '../ir/query.js';
import { columnsToRecords, jsonRowsSql, jsonToRecords } from './result-values.js';

// Output columns as the SQL compiler writes them (`__outN`, datetimes as epoch microseconds, dynamic
// as JSON text, numbers as DOUBLE), with the values that are easy to get wrong.
const sql = `SELECT * FROM (VALUES
  (1732060800123000, 'a', NULL, '{"k":[1,2]}', CAST(1.5 AS DOUBLE), true, CAST('nan' AS DOUBLE)),
  (NULL, NULL, 'g', '"text"', CAST('inf' AS DOUBLE), false, CAST('-inf' AS DOUBLE)),
  (0, 'é "q" \\n', 'h', NULL, NULL, NULL, CAST(9007199254740993 AS DOUBLE))
) t("__out0", "__out1", "__out2", "__out3", "__out4", "__out5", "__out6")`;

const columns: ColumnDef[] = [
  { name: 'T', type: 'datetime' },
  { name: 'S', type: 'string' },
  { name: 'G', type: 'guid' },
  { name: 'D', type: 'dynamic' },
  { name: 'R', type: 'real' },
  { name: 'B', type: 'bool' },
  { name: 'N', type: 'real' },
];

test('rows read as JSON texts equal rows read column by column', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const byColumn = await con.runAndReadAll(sql);
    const want = columnsToRecords(byColumn.getColumns(), columns, byColumn.currentRowCount);
    const asJson = await con.runAndReadAll(jsonRowsSql(sql, columns));
    const got = jsonToRecords(asJson.getColumns()[0] ?? [], columns);
    assert.deepStrictEqual(got, want);
    assert.ok(Number.isNaN(got[0]?.N));
    assert.equal(got[1]?.R, Infinity);
    assert.equal(got[1]?.S, '');
    assert.deepStrictEqual(got[0]?.D, { k: [1, 2] });
  } finally {
    con.closeSync();
    instance.closeSync();
  }
});

test('a result of several JSON texts keeps the query order (5,000 rows, sorted descending)', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const ordered = `SELECT CAST(i AS DOUBLE) AS "__out0", 'r' || i AS "__out1" FROM range(5000) t(i) ORDER BY i DESC`;
    const cols: ColumnDef[] = [
      { name: 'N', type: 'long' },
      { name: 'S', type: 'string' },
    ];
    const byColumn = await con.runAndReadAll(ordered);
    const want = columnsToRecords(byColumn.getColumns(), cols, byColumn.currentRowCount);
    const asJson = await con.runAndReadAll(jsonRowsSql(ordered, cols));
    assert.ok(asJson.currentRowCount > 1, 'more than one text');
    assert.deepStrictEqual(jsonToRecords(asJson.getColumns()[0] ?? [], cols), want);
    assert.equal(want[0]?.N, 4999);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
});
