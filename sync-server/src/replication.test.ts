/**
 * Server integration: real PouchDB replication (in-memory local databases, HTTP remote) through the `/sync`
 * proxy, as the device does it. Push writes valid documents and reports forged ones as denied; pull brings
 * the server's `receive` event back; the read-only catalog pull-replicates although checkpoint writes to it
 * are refused.
 */
/// <reference types="pouchdb-replication" />
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId, type EventDoc, type SubmissionDoc } from '../../src/domain/documents';
import { DEMO_MATTERS } from './demo/catalog';
import { seededCatalogIds } from './demo/seed';
import { makeEvent, makePng, makeSubmission, pageRef, sha256Hex, STATION2_DB, STATION_DB, startTestServer, waitFor, type DemoUser, type TestServer } from './test-support';
import { DevicePouch } from './test-pouch';

const PouchDB = DevicePouch;

type Doc = SubmissionDoc | EventDoc | Record<string, unknown>;

let t: TestServer;
const opened: PouchDB.Database[] = [];

beforeAll(async () => {
  // The district-size catalog: a device's first catalog pull then takes more than one batch (with its checkpoints).
  t = await startTestServer({ demoCatalog: 'district' }, ['station', 'station2', 'hall', 'enterprise']);
});

afterAll(async () => {
  await Promise.allSettled(opened.map((db) => db.close()));
  await t?.close();
});

function local(): PouchDB.Database<Doc> {
  const db = new PouchDB<Doc>(`local-${randomBytes(6).toString('hex')}`, { adapter: 'memory' });
  opened.push(db);
  return db;
}

/** The server database behind the proxy, with `user`'s session cookie on every request. */
function remote(db: string, user: DemoUser): PouchDB.Database<Doc> {
  const cookie = t.cookies[user];
  const r = new PouchDB<Doc>(`${t.url}/sync/${db}`, {
    skip_setup: true,
    fetch: (url: string | Request, opts?: RequestInit) => fetch(url, { ...opts, headers: { ...Object.fromEntries(new Headers(opts?.headers).entries()), cookie } }),
  });
  opened.push(r);
  return r;
}

const onServer = (id: string, db = STATION_DB): Promise<Record<string, unknown> | undefined> => t.server.store.get<Record<string, unknown>>(db, id);

describe('push and pull a station database', () => {
  const device = (): PouchDB.Database<Doc> => deviceDb ?? (deviceDb = local());
  let deviceDb: PouchDB.Database<Doc> | undefined;
  const png = makePng();
  const sub = makeSubmission({ pages: [pageRef(png, 'image/png')] });
  const submit = makeEvent(sub);

  it('pushes a valid submission and its submit event to the server', async () => {
    const up = await t.as('station', 'PUT', `/api/blobs/${sha256Hex(png)}`, { body: png, headers: { 'content-type': 'image/png' } });
    expect(up.status).toBe(201);
    await device().bulkDocs([sub, submit]);
    const result = await device().replicate.to(remote(STATION_DB, 'station'));
    expect(result).toMatchObject({ ok: true, docs_written: 2, doc_write_failures: 0 });
    const stored = await onServer(sub._id);
    expect(stored).toMatchObject({ _id: sub._id, receiptNo: sub.receiptNo, enterprise: sub.enterprise });
    expect(String(stored?._rev)).toMatch(/^1-/);
    expect(await onServer(submit._id)).toMatchObject({ action: 'submit', actor: 'station' });
  });

  it('reports a forged document as denied, keeps replicating, and the server does not store it', async () => {
    const forged = makeEvent(sub, { action: 'accept', actor: 'hall', role: 'hall' });
    const selfAccept = makeEvent(sub, { action: 'accept' });
    await device().bulkDocs([forged, selfAccept]);
    const denied: unknown[] = [];
    const replication = device().replicate.to(remote(STATION_DB, 'station'));
    replication.on('denied', (err) => denied.push(err));
    const result = await replication;
    expect(result).toMatchObject({ ok: true, doc_write_failures: 2, docs_written: 0 });
    expect(denied).toHaveLength(2);
    expect(denied[0]).toMatchObject({ name: 'forbidden' });
    expect(await onServer(forged._id)).toBeUndefined();
    expect(await onServer(selfAccept._id)).toBeUndefined();
  });

  it('pulls the server’s receive event back to the device', async () => {
    await waitFor('the feeder to confirm receipt', () => onServer(eventId(sub._id, 'received')));
    const result = await device().replicate.from(remote(STATION_DB, 'station'));
    expect(result.ok).toBe(true);
    expect(result.doc_write_failures).toBe(0);
    const receive = await device().get(eventId(sub._id, 'received'));
    expect(receive).toMatchObject({ type: 'event', action: 'receive', role: 'system', actor: 'sync-server', submissionId: sub._id });
  });

  it('a second push after the round trip writes nothing and fails nothing', async () => {
    const result = await device().replicate.to(remote(STATION_DB, 'station'));
    expect(result).toMatchObject({ ok: true, docs_written: 0, doc_write_failures: 0 });
  });

  it('a fresh device pulling the station database gets exactly the server’s documents', async () => {
    const fresh = local();
    const result = await fresh.replicate.from(remote(STATION_DB, 'station'));
    expect(result.ok).toBe(true);
    const ids = (await fresh.allDocs()).rows.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([sub._id, submit._id, eventId(sub._id, 'received')]));
    expect(ids.some((id) => id.startsWith('_'))).toBe(false);
  });
});

describe('replication is refused where the session has no access', () => {
  it('another station’s database: pull fails with 403 and pulls nothing', async () => {
    const target = local();
    await expect(target.replicate.from(remote(STATION2_DB, 'station'))).rejects.toMatchObject({ status: 403 });
    expect((await target.allDocs()).rows).toEqual([]);
  });

  it('another station’s database: push fails and stores nothing', async () => {
    const source = local();
    const sub = makeSubmission({ stationId: 'songshanhu-nanhuwan', createdBy: 'station' });
    await source.bulkDocs([sub]);
    await expect(source.replicate.to(remote(STATION2_DB, 'station'))).rejects.toMatchObject({ status: 403 });
    expect(await onServer(sub._id, STATION2_DB)).toBeUndefined();
  });

  it.each(['hall', 'enterprise'] as const)('%s cannot pull a station database', async (who) => {
    const target = local();
    await expect(target.replicate.from(remote(STATION_DB, who))).rejects.toMatchObject({ status: 403 });
    expect((await target.allDocs()).rows).toEqual([]);
  });
});

describe('catalog (read-only)', () => {
  it('enterprise pull-replicates the catalog although checkpoint writes to the source are refused', async () => {
    // The whole seeded catalog: matters (the district-size demo), the departments and `catalog:meta`, its version.
    const matterIds = seededCatalogIds(t.demoCatalog).sort();
    expect(matterIds.length).toBeGreaterThanOrEqual(200);
    const target = local();
    const result = await target.replicate.from(remote('catalog', 'enterprise'));
    expect(result).toMatchObject({ ok: true, doc_write_failures: 0, docs_written: matterIds.length });
    const docs = (await target.allDocs({ include_docs: true })).rows.map((r) => r.doc);
    expect(docs.map((d) => d?._id).sort()).toEqual(matterIds);
    expect(docs.every((d) => d !== undefined && 'type' in d && ['matter', 'department', 'catalogMeta'].includes(String(d.type)))).toBe(true);
    // The matters arrived as the server holds them.
    const reissue = await target.get('matter:licence-reissue');
    expect(reissue).toMatchObject({ name: DEMO_MATTERS.find((m) => m._id === 'matter:licence-reissue')?.name });
    // Nothing was written to the catalog on the server (its checkpoint write was refused).
    const { rows } = await t.server.store.allDocs('catalog', {});
    expect(rows.map((r) => r.id).sort()).toEqual(matterIds);
  });

  it('a second pull resumes cleanly (writes nothing new)', async () => {
    const target = local();
    const source = remote('catalog', 'enterprise');
    await target.replicate.from(source);
    const again = await target.replicate.from(source);
    expect(again).toMatchObject({ ok: true, docs_written: 0, doc_write_failures: 0 });
  });

  it('pushing into the catalog is refused', async () => {
    const source = local();
    await source.put({ _id: 'matter:forged', type: 'matter', name: 'forged' });
    const replication = source.replicate.to(remote('catalog', 'hall'));
    await expect(replication).rejects.toMatchObject({ status: 403 });
    expect(await onServer('matter:forged', 'catalog')).toBeUndefined();
  });
});
