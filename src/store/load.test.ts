import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { syntheticEvent, syntheticScenario, syntheticViews } from '../../test/store/synthetic.js';
import type { AuditEvent } from '../model/event.js';
import { openStore, queryRows } from './duck.js';
import { storeInfo } from './info.js';
import { loadEvents, loadFiles, planViews } from './load.js';
import { ingestBatch } from './load-batch.js';
import type { FileReader } from './sources.js';
import { Stager } from './stager.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'auditscope-store-test-'));

/** A reader for synthetic NDJSON files of already-normalized events (one AuditEvent per line). */
const jsonlReader: FileReader = async (path, sink) => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(path, 'utf8');
  let line = 0;
  for (const l of text.split('\n')) {
    line++;
    if (!l.trim()) continue;
    let ev: AuditEvent;
    try {
      ev = JSON.parse(l) as AuditEvent;
    } catch (e) {
      sink.quarantine({ file: path, line, reason: 'malformed-json', message: String(e), record: l });
      continue;
    }
    sink.event(ev);
  }
};

async function rows(db: string, sql: string) {
  const h = await openStore(db, { readOnly: true });
  try {
    return await queryRows(h.con, sql);
  } finally {
    h.close();
  }
}

test('loadEvents stores typed rows per view, shreds hot paths, and dedups by id', async () => {
  const dir = tmp();
  try {
    const db = join(dir, 's.duckdb');
    const evs = syntheticScenario();
    const r1 = await loadEvents(db, evs, { views: syntheticViews });
    assert.equal(r1.added['AKSAudit'], evs.length);
    assert.equal(r1.added['CloudAuditEvents'], evs.length);
    assert.equal(r1.added['_events'], evs.length);
    // Loading the same events again (plus one duplicate inside the batch) adds nothing.
    const r2 = await loadEvents(db, [...evs, evs[0]!], { views: syntheticViews });
    assert.equal(r2.added['AKSAudit'] ?? 0, 0);
    assert.equal(r2.added['_events'] ?? 0, 0);
    const typed = await rows(
      db,
      `SELECT Verb, typeof(TimeGenerated), _h_ObjectRef_resource, _h_ResponseStatus_code, json_extract_string(ObjectRef, '$.name')
       FROM AKSAudit WHERE _id = 'e2'`,
    );
    assert.deepEqual(typed, [['create', 'TIMESTAMP', 'pods', '101', 'coredns-1']]);
    const cae = await rows(
      db,
      `SELECT Isp, _h_RawEventData_ObjectRef_resource FROM CloudAuditEvents WHERE _id = 'e3'`,
    );
    assert.deepEqual(cae, [['Synthetic ISP', 'clusterrolebindings']]);
    const info = await storeInfo(db);
    assert.equal(info.events, evs.length);
    assert.deepEqual(
      info.tables.map((t) => [t.name, t.rows]),
      [
        ['AKSAudit', evs.length],
        ['CloudAuditEvents', evs.length],
      ],
    );
    assert.equal(info.from, '2024-05-01T10:00:00Z');
    assert.ok(info.bytes > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadFiles skips unchanged and duplicate files, and counts quarantined records', async () => {
  const dir = tmp();
  try {
    const db = join(dir, 's.duckdb');
    const a = join(dir, 'a.synthetic.jsonl');
    const evs = syntheticScenario();
    writeFileSync(a, `${evs.map((e) => JSON.stringify(e)).join('\n')}\n{not json\n`);
    const r1 = await loadFiles(db, [a], { views: syntheticViews, reader: jsonlReader });
    assert.equal(r1.files[0]?.status, 'loaded');
    assert.equal(r1.quarantined, 1);
    assert.equal(r1.added['AKSAudit'], evs.length);
    const r2 = await loadFiles(db, [a], { views: syntheticViews, reader: jsonlReader });
    assert.equal(r2.files[0]?.status, 'unchanged');
    // Same content under another name: detected by hash.
    const b = join(dir, 'b.synthetic.jsonl');
    writeFileSync(b, `${evs.map((e) => JSON.stringify(e)).join('\n')}\n{not json\n`);
    const r3 = await loadFiles(db, [b], { views: syntheticViews, reader: jsonlReader });
    assert.equal(r3.files[0]?.status, 'duplicate');
    // A touched file with one new event: re-read, only the new event added.
    const extra = syntheticEvent({
      id: 'e7',
      time: '2024-05-03T00:00:00.000Z',
      verb: 'get',
      resource: 'pods',
      user: 'x',
      code: 200,
    });
    writeFileSync(a, `${[...evs, extra].map((e) => JSON.stringify(e)).join('\n')}\n`);
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    const r4 = await loadFiles(db, [a], { views: syntheticViews, reader: jsonlReader });
    assert.equal(r4.files[0]?.status, 'loaded');
    assert.equal(r4.added['AKSAudit'], 1);
    const files = await rows(db, `SELECT count(*), sum(events) FROM _files`);
    // a.jsonl (re-loaded: its record replaced) and b.jsonl (a duplicate: 0 events).
    assert.deepEqual(
      files.map((r) => r.map(Number)),
      [[2, evs.length + 1]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('small batches commit separately and retention prunes by event time', async () => {
  const dir = tmp();
  try {
    const db = join(dir, 's.duckdb');
    const evs = syntheticScenario();
    const r = await loadEvents(db, evs, { views: syntheticViews, batchEvents: 2 });
    assert.equal(r.batches, 3);
    assert.equal(r.added['AKSAudit'], evs.length);
    // now = 2024-05-02T12:00Z, keep 1 day: only events from 2024-05-01T12:00Z on stay (e6).
    const now = Date.parse('2024-05-02T12:00:00Z');
    const p = await loadEvents(db, [], { views: syntheticViews, retentionMs: 86_400_000, now });
    assert.equal(p.pruned, (evs.length - 1) * 3);
    const left = await rows(db, `SELECT _id FROM AKSAudit`);
    assert.deepEqual(left, [['e6']]);
    // Old events are not loaded at all under retention.
    const again = await loadEvents(db, evs, { views: syntheticViews, retentionMs: 86_400_000, now });
    assert.equal(again.added['AKSAudit'] ?? 0, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a batch is one transaction: a failing insert leaves no partial rows', async () => {
  const dir = tmp();
  try {
    const db = join(dir, 's.duckdb');
    await loadEvents(db, [], { views: syntheticViews });
    const planned = planViews(syntheticViews);
    const stager = new Stager(planned, true);
    for (const ev of syntheticScenario()) stager.add(ev);
    const batch = stager.finish();
    // The second table's staged file vanishes (as if the disk failed mid-batch).
    rmSync(batch.tables[1]!.file);
    const h = await openStore(db);
    try {
      await assert.rejects(ingestBatch(h.con, batch, []));
      assert.deepEqual(
        await queryRows(h.con, `SELECT (SELECT count(*) FROM AKSAudit), (SELECT count(*) FROM _events)`),
        [[0n, 0n]],
      );
    } finally {
      h.close();
      stager.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a load that dies mid-file is resumed by the next load', async () => {
  const dir = tmp();
  try {
    const db = join(dir, 's.duckdb');
    const a = join(dir, 'a.synthetic.jsonl');
    const evs = syntheticScenario();
    writeFileSync(a, `${evs.map((e) => JSON.stringify(e)).join('\n')}\n`);
    // The reader fails after four events; batches of two were committed before it died.
    const dying: FileReader = async (path, sink) => {
      let n = 0;
      await jsonlReader(path, {
        event(ev) {
          if (++n > 4) throw new Error('reader died');
          sink.event(ev);
        },
        quarantine: (q) => sink.quarantine(q),
      });
    };
    await assert.rejects(
      loadFiles(db, [a], { views: syntheticViews, reader: dying, batchEvents: 2 }),
      /reader died/,
    );
    const mid = await rows(
      db,
      `SELECT (SELECT count(*) FROM AKSAudit), (SELECT count(*) FROM CloudAuditEvents), (SELECT count(*) FROM _files)`,
    );
    const [aks, cae, files] = mid[0]!.map(Number);
    assert.equal(aks, cae, 'every committed batch updated all tables');
    assert.ok(aks! <= 4 && aks! % 2 === 0);
    assert.equal(files, 0, 'the unfinished file is not recorded');
    const r = await loadFiles(db, [a], { views: syntheticViews, reader: jsonlReader, batchEvents: 2 });
    assert.equal(r.files[0]?.status, 'loaded');
    assert.equal(r.added['AKSAudit'], evs.length - aks!);
    const done = await rows(db, `SELECT (SELECT count(*) FROM AKSAudit), (SELECT count(*) FROM _files)`);
    assert.deepEqual(done[0]!.map(Number), [evs.length, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
