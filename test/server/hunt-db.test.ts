import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readText } from '../../src/ingest/index.js';
import { loadEvents } from '../../src/store/load.js';
import { eventList, execEvent, getEvent, start, tempDir } from './fixtures.js';

test('POST /api/hunt with "source": "db" runs over the --db store', async () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'store.duckdb');
  const { events } = readText(eventList([execEvent(1, 'eve'), getEvent(2, 'bob'), getEvent(3, 'bob')]));
  await loadEvents(db, events);
  const s = await start(join(tmp.dir, 'data'), { db });
  try {
    const res = await fetch(`${s.url}/api/hunt`, {
      method: 'POST',
      body: JSON.stringify({
        query: 'CloudAuditEvents | summarize n = count() by OperationName | order by n desc',
        source: 'db',
      }),
    });
    const r = (await res.json()) as { source: string; rows: unknown[]; diagnostics: unknown[] };
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.source, 'db');
    assert.deepEqual(r.rows, [
      { OperationName: 'get', n: 2 },
      { OperationName: 'create', n: 1 },
    ]);
    const schema = (await (await fetch(`${s.url}/api/schema`)).json()) as { db: boolean };
    assert.equal(schema.db, true);
  } finally {
    await s.close();
    tmp.cleanup();
  }
});
