/**
 * The queue feeder at district scale (issue 11) and its guard against id takeover (issue 12):
 * - its cost follows activity: idle, it holds a fixed number of store requests open however many stations
 *   there are (before: one long-poll per station database);
 * - several server processes on one store record receipt and 秒批 exactly once;
 * - a submission id that another station already brought is never projected over it.
 * Runs on the embedded store and, on the real-CouchDB lane, on CouchDB.
 */
import type { Server as HttpServer } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import type { EventDoc, SubmissionDoc } from '../../src/domain/documents';
import { createServer, type Server } from './app';
import { configFromEnv } from './config';
import { DEMO_MATTERS } from './demo/catalog';
import { autoApprovalEventId, QueueFeeder } from './queue/feeder';
import { CouchClient } from './store/couch';
import {
  asArray,
  asRecord,
  call,
  makeEvent,
  makePng,
  makeSubmission,
  pageRef,
  sha256Hex,
  STATION,
  STATION2,
  STATION2_DB,
  STATION_DB,
  startTestServer,
  waitFor,
  type TestServer,
} from './test-support';

let t: TestServer;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'station2', 'hall']);
});
afterAll(async () => {
  await t?.close();
});

async function upload(bytes: Uint8Array): Promise<void> {
  const r = await t.as('station', 'PUT', `/api/blobs/${sha256Hex(bytes)}`, { body: bytes, headers: { 'content-type': 'image/png' } });
  expect([200, 201]).toContain(r.status);
}

/** A store client of its own (same store, same prefix), so its request counts are the feeder's alone. */
const ownClient = (): CouchClient => new CouchClient(t.server.storeUrl, { prefix: t.server.store.prefix });

/** Until the feeder has no drain running (its start sweep is done). */
async function settled(feeder: QueueFeeder): Promise<void> {
  let last = -1;
  await waitFor('the feeder to go idle', async () => {
    const now = feeder.stats.storeReads;
    const idle = now === last;
    last = now;
    return idle ? true : undefined;
  }, 20_000, 300);
}

describe('queue feeder: cost follows activity, not the number of stations', () => {
  it('idle, it keeps the same few store requests open with 150 stations as with 10; a write costs reads of that station only', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `idle-${String(i).padStart(3, '0')}`);
    for (const id of ids) await t.server.store.ensureDb(`station-${id}`);

    const measure = async (stations: string[]): Promise<{ openIdle: number; readsIdle: number; readsPerWrite: number }> => {
      const client = ownClient();
      const feeder = new QueueFeeder(client, silent);
      try {
        await feeder.start(stations);
        await settled(feeder);
        const before = feeder.stats.storeReads;
        await new Promise((r) => setTimeout(r, 1_000));
        const openIdle = client.stats.inFlight;
        const readsIdle = feeder.stats.storeReads - before;
        // One station is written to (directly in the store, as another process would): only it is read.
        const at = feeder.stats.storeReads;
        await client.put(`station-${stations[0]}`, { _id: `note:${ulid()}` });
        await feeder.touched(stations[0]!);
        return { openIdle, readsIdle, readsPerWrite: feeder.stats.storeReads - at };
      } finally {
        await feeder.stop();
      }
    };

    const few = await measure(ids.slice(0, 10));
    const many = await measure(ids);
    // At most the update feed and the projection feed, whatever the number of stations (was: one per station).
    expect(many.openIdle).toBeLessThanOrEqual(2);
    expect(many.openIdle).toBe(few.openIdle);
    expect(many.readsIdle).toBe(0);
    expect(few.readsIdle).toBe(0);
    // A write costs a few reads of that station (one more when CouchDB's update feed announces it again), never
    // reads of the others: the same bound with 150 stations as with 10.
    expect(few.readsPerWrite).toBeGreaterThan(0);
    expect(many.readsPerWrite).toBeLessThanOrEqual(4);
    expect(few.readsPerWrite).toBeLessThanOrEqual(4);
  });
});

describe('several server processes on one store', () => {
  let second: Server | undefined;
  afterAll(async () => {
    await second?.close();
  });

  it('record receipt and 秒批 once, with the same event ids, when both feed the same submission at once', async () => {
    second = await createServer({ ...configFromEnv({}, '/tmp'), couchdbUrl: t.server.storeUrl, couchdbPrefix: t.server.store.prefix, demo: false, staticDir: undefined, logLevel: 'silent' }, silent);
    const matter = DEMO_MATTERS.find((m) => m.id === 'individual-business-registration')!;
    const png = makePng(60 + Math.floor(Math.random() * 40));
    await upload(png);
    const page = pageRef(png, 'image/png');
    const sub: SubmissionDoc = {
      ...makeSubmission({ pages: [page] }),
      matterId: matter.id,
      matterName: matter.name,
      items: matter.materials.map((m) => ({ materialId: m.id, name: m.name, core: m.core, status: 'provided' as const, pages: [page] })),
    };
    // Written straight into the store, then both processes are told at once (as their update feeds would).
    await t.server.store.bulkDocs(STATION_DB, [sub, makeEvent(sub)]);
    await Promise.all([t.server.feeder.touched(STATION), second.feeder.touched(STATION), t.server.feeder.schedule(STATION, sub._id), second.feeder.schedule(STATION, sub._id)]);
    await Promise.all([t.server.feeder.touched(STATION), second.feeder.touched(STATION)]);

    const events = await waitFor('receipt and 秒批 recorded', async () => {
      const { rows } = await t.server.store.allDocs<EventDoc>(STATION_DB, { startkey: `event:${sub._id.slice(11)}:`, endkey: `event:${sub._id.slice(11)}:\ufff0`, include_docs: true });
      const docs = rows.flatMap((r) => (r.doc ? [r.doc] : []));
      return docs.some((e) => e.action === 'autoApprove') ? docs : undefined;
    });
    expect(events.filter((e) => e.action === 'receive')).toHaveLength(1);
    const approvals = events.filter((e) => e.action === 'autoApprove');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!._id).toBe(autoApprovalEventId(sub._id));
    expect(autoApprovalEventId(sub._id)).toBe(autoApprovalEventId(sub._id));
  });

  it('count sign-in failures together: 5 wrong passwords spread over two processes lock the name in both', async () => {
    expect(second).toBeDefined();
    const http = await new Promise<HttpServer>((resolve) => {
      const s = second!.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const address = http.address();
      const secondUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const username = `guess-${Date.now()}`;
      const attempt = (base: string): Promise<number> => call(base, 'POST', '/api/session', { body: { username, password: 'wrong' } }).then((r) => r.status);
      const statuses = [await attempt(t.url), await attempt(secondUrl), await attempt(t.url), await attempt(secondUrl), await attempt(t.url)];
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      // Each process alone saw only 2 or 3 failures; together they are 5.
      expect(await attempt(secondUrl)).toBe(429);
      expect(await attempt(t.url)).toBe(429);
    } finally {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});

describe('a submission id belongs to the station that brought it', () => {
  it("another station's documents under the same id change nothing the hall sees", async () => {
    const png = makePng(120 + Math.floor(Math.random() * 40));
    await upload(png);
    const real = makeSubmission({ pages: [pageRef(png, 'image/png')] });
    const w = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [real, makeEvent(real)] } });
    expect(w.status).toBe(201);
    const ulidOf = real._id.slice('submission:'.length);
    await waitFor('the real submission received', async () => {
      const r = await t.as('hall', 'GET', `/api/hall/submissions/${ulidOf}`);
      return r.status === 200 && asRecord(asRecord(r.json).item).state === 'received' ? true : undefined;
    });

    // Station 2 brings its own document under the same id, with its own applicant, then withdraws it.
    const forged: SubmissionDoc = { ...makeSubmission({ stationId: STATION2, createdBy: 'station2' }), _id: real._id, applicant: { name: '李四', idNumber: '11010519491231002X' } };
    const submit = makeEvent(forged, { actor: 'station2' });
    const withdraw = { ...makeEvent(forged, { action: 'withdraw', actor: 'station2' }), at: new Date(Date.now() + 1000).toISOString() };
    const f = await t.as('station2', 'POST', `/sync/${STATION2_DB}/_bulk_docs`, { body: { docs: [forged, submit, withdraw] } });
    expect(f.status).toBe(201);
    for (const result of asArray(f.json)) expect(result).toMatchObject({ ok: true });
    await t.server.feeder.touched(STATION2);
    await t.server.feeder.schedule(STATION2, real._id);

    const r = await t.as('hall', 'GET', `/api/hall/submissions/${ulidOf}`);
    expect(r.status).toBe(200);
    const rec = asRecord(r.json);
    expect(asRecord(rec.item)).toMatchObject({ stationId: STATION, applicantName: '张三', state: 'received' });
    const q = await t.as('hall', 'GET', '/api/hall/queue?state=received&limit=200');
    expect(asArray(asRecord(q.json).items).map(asRecord).some((i) => i.submissionId === real._id && i.stationId === STATION)).toBe(true);
  });
});
