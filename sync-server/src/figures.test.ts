/**
 * The hall's own figures over HTTP: submissions go through the hall (a delivered one, a rejected one, an open
 * one at another station), `GET /api/hall/figures` counts them per station and matter for the period they
 * were received in, and nothing outside it; only the hall may ask. Then the period's edges in China time and
 * the paging through the receipt-time index, on projections written directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { addDays, chinaDate } from '../../src/domain/china-time';
import { fiveFiguresSchema, type FiveFigures, type QueueItem } from '../../src/domain/api-contract';
import type { EventDoc, SubmissionDoc } from '../../src/domain/documents';
import { emptyCounts, type SubmissionFacts } from '../../src/domain/five-figures';
import { fiveFigures, QUEUE_DB, queueItem } from './queue/projection';
import { asArray, makeJpeg, makePng, makeSubmission, pageRef, sha256Hex, STATION, STATION2, startTestServer, waitFor, type DemoUser, type TestServer } from './test-support';

let t: TestServer;
const today = chinaDate(new Date());

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'station2', 'hall', 'enterprise', 'admin']);
});

afterAll(async () => {
  await t?.close();
});

async function upload(user: DemoUser, bytes: Uint8Array, type: 'image/png' | 'image/jpeg'): Promise<void> {
  const r = await t.as(user, 'PUT', `/api/blobs/${sha256Hex(bytes)}`, { body: bytes, headers: { 'content-type': type } });
  expect(r.status).toBe(201);
}

async function write(user: DemoUser, stationId: string, ...docs: (SubmissionDoc | EventDoc)[]): Promise<void> {
  const r = await t.as(user, 'POST', `/sync/station-${stationId}/_bulk_docs`, { body: { docs } });
  expect(r.status, r.text).toBe(201);
  for (const result of asArray(r.json)) expect(result).toMatchObject({ ok: true });
}

const stationEvent = (sub: SubmissionDoc, action: 'submit' | 'supplement', extra: Record<string, unknown> = {}): EventDoc =>
  ({ _id: `event:${sub._id.slice('submission:'.length)}:${ulid()}`, type: 'event', submissionId: sub._id, stationId: sub.stationId, actor: sub.createdBy, role: 'station', at: new Date().toISOString(), action, ...extra }) as EventDoc;

/** A submission taken in and received (the feeder confirmed receipt). */
async function takeIn(user: DemoUser, stationId: string): Promise<SubmissionDoc> {
  const png = makePng();
  await upload(user, png, 'image/png');
  const sub = makeSubmission({ stationId, createdBy: user, pages: [pageRef(png, 'image/png')] });
  await write(user, stationId, sub, stationEvent(sub, 'submit'));
  await waitFor('received', async () => ((await queueItem(t.server.store, sub._id))?.state === 'received' ? true : undefined));
  return sub;
}

async function decide(sub: SubmissionDoc, body: Record<string, unknown>): Promise<void> {
  const r = await t.as('hall', 'POST', `/api/hall/submissions/${sub._id.slice('submission:'.length)}/events`, { body });
  expect(r.status, r.text).toBe(201);
}

async function figures(from: string, to: string, user: DemoUser = 'hall'): Promise<FiveFigures> {
  const r = await t.as(user, 'GET', `/api/hall/figures?from=${from}&to=${to}`);
  expect(r.status, r.text).toBe(200);
  return fiveFiguresSchema.parse(r.json);
}

describe('GET /api/hall/figures', () => {
  let delivered: SubmissionDoc;

  it('counts what went through the hall, per station and per matter, for the day it was received', async () => {
    // Delivered by post with its 容缺 material supplied: 一次办, 零跑动, two visits saved.
    delivered = await takeIn('station', STATION);
    await decide(delivered, { action: 'accept' });
    await decide(delivered, { action: 'approve' });
    const jpeg = makeJpeg();
    await upload('station', jpeg, 'image/jpeg');
    await write('station', STATION, stationEvent(delivered, 'supplement', { items: [{ materialId: 'loss-statement', pages: [pageRef(jpeg, 'image/jpeg')] }] }));
    await waitFor('supplied', async () => ((await queueItem(t.server.store, delivered._id))?.outstanding.length === 0 ? true : undefined));
    await decide(delivered, { action: 'issue' });
    await decide(delivered, { action: 'deliver', method: 'post', reference: 'SF100' });
    const rated = await t.as('enterprise', 'POST', `/api/enterprise/submissions/${delivered._id.slice('submission:'.length)}/rating`, { body: { rating: 'good' } });
    expect(rated.status, rated.text).toBe(201);
    // Rejected at the same station; still open at the other.
    const rejected = await takeIn('station', STATION);
    await decide(rejected, { action: 'reject', reason: '不属于本厅受理范围' });
    await takeIn('station2', STATION2);
    await waitFor('rated', async () => ((await queueItem(t.server.store, delivered._id))?.facts?.rating === 'good' ? true : undefined));

    const f = await figures(today, today);
    expect(f).toMatchObject({ from: today, to: today });
    expect(f.total).toMatchObject({ received: 3, open: 1, accepted: 1, decided: 1, rejected: 1, delivered: 1, deliveredNoCorrection: 1, zeroTrip: 1, rated: 1, good: 1, withDeficient: 1, visitsSaved: 2, timed: 1 });
    expect(f.byStation.map((r) => [r.key, r.counts.received, r.counts.delivered])).toEqual([
      [STATION, 2, 1],
      [STATION2, 1, 0],
    ]);
    expect(f.byMatter.map((r) => [r.key, r.name, r.counts.received])).toEqual([['licence-reissue', '营业执照补办', 3]]);
  });

  it('leaves out what was received outside the period', async () => {
    expect((await figures(addDays(today, -30), addDays(today, -1))).total).toEqual(emptyCounts());
    expect((await figures(addDays(today, 1), addDays(today, 2))).total.received).toBe(0);
    expect((await figures(addDays(today, -1), addDays(today, 1))).total.received).toBe(3);
  });

  it('counts a projection written before the figures existed from its documents', async () => {
    const stored = (await queueItem(t.server.store, delivered._id))!;
    const { facts, ...old } = stored;
    expect(facts).toBeDefined();
    await t.server.store.put(QUEUE_DB, old);
    const f = await figures(today, today);
    expect(f.total).toMatchObject({ received: 3, delivered: 1, zeroTrip: 1, good: 1 });
  });

  it('refuses a bad period with the reason', async () => {
    for (const qs of ['', `from=${today}`, `from=${today}&to=${addDays(today, -1)}`, 'from=2026-02-30&to=2026-03-01', `from=2020-01-01&to=${today}`]) {
      const r = await t.as('hall', 'GET', `/api/hall/figures?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.json).toMatchObject({ error: 'bad_request' });
    }
  });

  it('is for the hall only', async () => {
    expect((await t.as(undefined, 'GET', `/api/hall/figures?from=${today}&to=${today}`)).status).toBe(401);
    for (const user of ['station', 'station2', 'enterprise'] as const) {
      expect((await t.as(user, 'GET', `/api/hall/figures?from=${today}&to=${today}`)).status, user).toBe(403);
    }
  });
});

describe('fiveFigures: the period in China time, read in pages', () => {
  const facts: SubmissionFacts = { outcome: null, accepted: false, autoApproved: false, corrections: 0, deficient: 0, outstanding: 0, departments: 0, delivery: null, rating: null, promisedDays: null, legalDays: null, usedWorkingDays: null };
  const projection = (n: number, receivedAt: string, stationId: string): QueueItem => {
    const id = `submission:01KR${String(n).padStart(22, '0')}`;
    return {
      _id: id, type: 'queueItem', submissionId: id, stationId, matterId: `m-${n % 2}`, matterName: `事项${n % 2}`, enterpriseName: 'E', uscc: '91310106MA1FL4XQ0W', applicantName: 'A',
      receiptNo: `R-${n}`, state: 'received', createdAt: receivedAt, receivedAt, pages: 1, deficient: 0, missingBlobs: [], outstanding: [], departments: {}, acceptedAt: null, issuedAt: null,
      dueDate: null, legalDueDate: null, paused: false, sortKey: receivedAt, rating: null, autoApproval: null, pickupHash: '0'.repeat(64), facts, updatedAt: receivedAt,
    };
  };

  it('takes 2001-02-01 from 00:00 to 24:00 China time, and every one of many ties at a page edge once', async () => {
    const inside = ['2001-01-31T16:00:00.000Z', '2001-02-01T15:59:59.999Z', ...Array.from({ length: 7 }, () => '2001-02-01T03:00:00.000Z')];
    const outside = ['2001-01-31T15:59:59.999Z', '2001-02-01T16:00:00.000Z'];
    const docs = [...inside, ...outside].map((at, i) => projection(i, at, i % 3 === 0 ? 's-a' : 's-b'));
    const written = await t.server.store.bulkDocs(QUEUE_DB, docs);
    expect(written.filter((w) => w.error)).toEqual([]);
    for (const pageSize of [1, 2, 3, 4, 100]) {
      const f = await fiveFigures(t.server.store, '2001-02-01', '2001-02-01', { pageSize, factsOf: () => Promise.reject(new Error('every projection has facts')) });
      expect(f.total.received, `page size ${pageSize}`).toBe(inside.length);
      const expectA = docs.slice(0, inside.length).filter((d) => d.stationId === 's-a').length;
      expect(f.byStation.map((r) => [r.key, r.counts.received])).toEqual([
        ['s-a', expectA],
        ['s-b', inside.length - expectA],
      ]);
      expect(f.byMatter.map((r) => r.key)).toEqual(['m-0', 'm-1']);
    }
    expect((await fiveFigures(t.server.store, '2001-01-31', '2001-02-02')).total.received).toBe(inside.length + outside.length);
  });
});
