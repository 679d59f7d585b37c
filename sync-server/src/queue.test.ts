/**
 * Server integration: the queue feeder end to end. A station writes a submission through the proxy and
 * uploads its pages; the feeder confirms receipt (a `receive` event in the station database) and the hall
 * sees the submission in `/api/hall/queue`. A submission with a page that never arrived waits as
 * `incomplete` until the bytes are uploaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId, type EventDoc, type SubmissionDoc } from '../../src/domain/documents';
import { enterpriseSubmissionsSchema, trackResultSchema } from '../../src/domain/api-contract';
import {
  asArray,
  asRecord,
  makeEvent,
  makeJpeg,
  makePng,
  makeSubmission,
  pageRef,
  sha256Hex,
  STATION_DB,
  startTestServer,
  waitFor,
  type TestServer,
} from './test-support';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'hall', 'enterprise', 'admin']);
});

afterAll(async () => {
  await t?.close();
});

async function uploadPage(bytes: Uint8Array, type: 'image/png' | 'image/jpeg'): Promise<void> {
  const r = await t.as('station', 'PUT', `/api/blobs/${sha256Hex(bytes)}`, { body: bytes, headers: { 'content-type': type } });
  expect(r.status).toBe(201);
}

async function writeSubmission(sub: SubmissionDoc, ...events: EventDoc[]): Promise<void> {
  const r = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [sub, ...events] } });
  expect(r.status).toBe(201);
  for (const result of asArray(r.json)) expect(result).toMatchObject({ ok: true });
}

/** Queue items in `state`, as the hall sees them. */
async function queue(state: string): Promise<Record<string, unknown>[]> {
  const r = await t.as('hall', 'GET', `/api/hall/queue?state=${state}&limit=200`);
  expect(r.status).toBe(200);
  return asArray(asRecord(r.json).items).map(asRecord);
}

const listed = async (state: string, submissionId: string): Promise<Record<string, unknown> | undefined> => (await queue(state)).find((i) => i.submissionId === submissionId);

describe('queue feeder', () => {
  it('confirms receipt of a complete submission and lists it as received for the hall', async () => {
    const png = makePng();
    const jpeg = makeJpeg();
    await uploadPage(png, 'image/png');
    await uploadPage(jpeg, 'image/jpeg');
    const sub = makeSubmission({ pages: [pageRef(png, 'image/png'), pageRef(jpeg, 'image/jpeg')] });
    await writeSubmission(sub, makeEvent(sub));

    const item = await waitFor('the submission in the received queue', () => listed('received', sub._id));
    expect(item).toMatchObject({
      _id: sub._id,
      type: 'queueItem',
      stationId: 'jingan-hkri',
      matterId: 'licence-reissue',
      matterName: '营业执照补办',
      enterpriseName: '上海示例科技有限公司',
      uscc: '91310106MA1FL4XQ0W',
      applicantName: '张三',
      receiptNo: sub.receiptNo,
      state: 'received',
      pages: 2,
      deficient: 1,
      missingBlobs: [],
    });
    expect(typeof item.receivedAt).toBe('string');

    const receive = await t.server.store.get<EventDoc>(STATION_DB, eventId(sub._id, 'received'));
    expect(receive).toMatchObject({ type: 'event', action: 'receive', submissionId: sub._id, stationId: 'jingan-hkri', actor: 'sync-server', role: 'system', serverAt: item.receivedAt });
    // The station learns of it by ordinary replication reads.
    const viaProxy = await t.as('station', 'GET', `/sync/${STATION_DB}/${eventId(sub._id, 'received')}`);
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.json).toMatchObject({ action: 'receive', role: 'system' });
    expect(await listed('incomplete', sub._id)).toBeUndefined();
  });

  it('a submission without pages (only a 容缺 commitment) is received at once', async () => {
    const sub = makeSubmission();
    await writeSubmission(sub, makeEvent(sub));
    const item = await waitFor('the page-less submission in the received queue', () => listed('received', sub._id));
    expect(item).toMatchObject({ pages: 0, deficient: 1 });
  });

  it('keeps a submission with a missing page out of `received` (it is `incomplete`) until the page is uploaded', async () => {
    const present = makePng();
    const late = makeJpeg();
    await uploadPage(present, 'image/png');
    const sub = makeSubmission({ pages: [pageRef(present, 'image/png'), pageRef(late, 'image/jpeg')] });
    await writeSubmission(sub, makeEvent(sub));

    const waiting = await waitFor('the submission in the incomplete queue', () => listed('incomplete', sub._id));
    expect(waiting).toMatchObject({ state: 'incomplete', missingBlobs: [sha256Hex(late)], receivedAt: null, pages: 2 });
    // Give the feeder time to (wrongly) confirm it; it must not.
    await new Promise((r) => setTimeout(r, 500));
    expect(await listed('received', sub._id)).toBeUndefined();
    expect(await t.server.store.get(STATION_DB, eventId(sub._id, 'received'))).toBeUndefined();

    await uploadPage(late, 'image/jpeg');
    const item = await waitFor('the submission to move to received once its page arrived', () => listed('received', sub._id));
    expect(item).toMatchObject({ state: 'received', missingBlobs: [] });
    expect(await listed('incomplete', sub._id)).toBeUndefined();
    expect(await t.server.store.get(STATION_DB, eventId(sub._id, 'received'))).toMatchObject({ action: 'receive' });
  });

  it('pages arriving one by one: the submission is projected again only once its last missing page is stored', async () => {
    const pages = [makeJpeg(), makeJpeg(), makeJpeg()];
    const sub = makeSubmission({ pages: pages.map((p) => pageRef(p, 'image/jpeg')) });
    const seen: string[] = [];
    const off = t.server.feeder.onChange((item) => {
      if (item.submissionId === sub._id) seen.push(`${item.state}:${item.missingBlobs.length}`);
    });
    try {
      await writeSubmission(sub, makeEvent(sub));
      await waitFor('the submission in the incomplete queue', () => listed('incomplete', sub._id));
      for (const page of pages.slice(0, 2)) {
        await uploadPage(page, 'image/jpeg');
        // Longer than the feeder's look-up window: a re-projection, if any, would have happened.
        await new Promise((r) => setTimeout(r, 600));
      }
      expect(seen).toEqual(['incomplete:3']);
      expect(await listed('received', sub._id)).toBeUndefined();
      await uploadPage(pages[2]!, 'image/jpeg');
      await waitFor('the submission to be received', () => listed('received', sub._id));
      await new Promise((r) => setTimeout(r, 600));
      expect(seen).toEqual(['incomplete:3', 'received:0']);
    } finally {
      off();
    }
  });

  it('a withdrawn submission is not confirmed and not in the received queue', async () => {
    const sub = makeSubmission({ pages: [pageRef(makePng(), 'image/png')] }); // page never uploaded
    await writeSubmission(sub, makeEvent(sub), makeEvent(sub, { action: 'withdraw' }));
    await waitFor('the submission in the withdrawn queue', () => listed('withdrawn', sub._id));
    expect(await listed('received', sub._id)).toBeUndefined();
    expect(await t.server.store.get(STATION_DB, eventId(sub._id, 'received'))).toBeUndefined();
  });
});

describe('the hall record after the hall finished', () => {
  it('names the station, and a delivered case keeps its final clock: used of promised, on time, never overdue in the queue', async () => {
    const png = makePng();
    await uploadPage(png, 'image/png');
    const made = makeSubmission({ pages: [pageRef(png, 'image/png')] });
    const sub = { ...made, items: made.items.filter((i) => i.status !== 'deficient') };
    await writeSubmission(sub, makeEvent(sub));
    await waitFor('received', () => listed('received', sub._id));
    const path = `/api/hall/submissions/${sub._id.slice('submission:'.length)}`;
    for (const body of [{ action: 'accept' }, { action: 'approve' }, { action: 'issue' }, { action: 'deliver', method: 'post', reference: 'SF1' }]) {
      expect((await t.as('hall', 'POST', `${path}/events`, { body })).status).toBe(201);
    }
    const record = asRecord((await t.as('hall', 'GET', path)).json);
    expect(record.station).toEqual({ id: 'jingan-hkri', name: '恒隆广场 楼小二', nameEn: 'Plaza 66 Building Helper' });
    // Issued the day it was accepted: no working day used, on time, and so it stays.
    expect(record.sla).toMatchObject({ stopped: true, usedWorkingDays: 0, overdue: false, dueSoon: false, paused: false });
    const done = await waitFor('in the done view', async () => {
      const r = await t.as('hall', 'GET', '/api/hall/queue?view=done&limit=200');
      return asArray(asRecord(r.json).items).map(asRecord).find((i) => i.submissionId === sub._id && i.state === 'delivered');
    });
    expect(done).toMatchObject({ overdue: false, dueSoon: false });
  });
});

describe('a department’s denial', () => {
  it('needs a reason of its own', async () => {
    const sub = makeSubmission();
    await writeSubmission(sub, makeEvent(sub));
    await waitFor('received', () => listed('received', sub._id));
    const path = `/api/hall/submissions/${sub._id.slice('submission:'.length)}/events`;
    expect((await t.as('hall', 'POST', path, { body: { action: 'accept' } })).status).toBe(201);
    expect((await t.as('hall', 'POST', path, { body: { action: 'dispatch', departments: ['fire'] } })).status).toBe(201);
    for (const note of [undefined, '  ']) {
      const r = await t.as('hall', 'POST', path, { body: { action: 'departmentDecision', department: 'fire', decision: 'deny', ...(note === undefined ? {} : { note }) } });
      expect(r.status).toBe(400);
    }
    const denied = await t.as('hall', 'POST', path, { body: { action: 'departmentDecision', department: 'fire', decision: 'deny', note: '消防通道被占用' } });
    expect(denied.status).toBe(201);
    expect(asRecord(asRecord(denied.json).status).state).toBe('denied');
  });
});

describe('/api/hall/queue access', () => {
  it.each([
    ['hall', 200],
    ['admin', 200],
    ['station', 403],
    ['enterprise', 403],
    [undefined, 401],
  ] as const)('%s → %i', async (who, status) => {
    const r = await t.as(who, 'GET', '/api/hall/queue?state=received');
    expect(r.status).toBe(status);
    if (status !== 200) expect(r.text).not.toContain('submission:');
  });

  it.each(['bogus', 'submitted'])('an unknown state (%s) → 400', async (state) => {
    expect((await t.as('hall', 'GET', `/api/hall/queue?state=${state}`)).status).toBe(400);
  });

  it('a limit outside 1..200 → 400', async () => {
    expect((await t.as('hall', 'GET', '/api/hall/queue?limit=0')).status).toBe(400);
    expect((await t.as('hall', 'GET', '/api/hall/queue?limit=201')).status).toBe(400);
  });
});

describe('English names for the enterprise and the public tracking page', () => {
  it('add the matter’s English name from the catalog beside the Chinese one the submission was taken under', async () => {
    const sub = makeSubmission();
    await writeSubmission(sub, makeEvent(sub));
    await waitFor('the submission in the received queue', () => listed('received', sub._id));

    const mine = await t.as('enterprise', 'GET', '/api/enterprise/submissions');
    expect(mine.status).toBe(200);
    const listedForEnterprise = asArray(asRecord(mine.json).submissions).map(asRecord).find((s) => s.submissionId === sub._id);
    expect(listedForEnterprise).toMatchObject({ matterName: '营业执照补办', matterNameEn: 'Reissue of business licence' });

    const tracked = await t.as(undefined, 'GET', `/api/track?receiptNo=${sub.receiptNo}&pickupCode=${sub.pickupCode}`);
    expect(tracked.status).toBe(200);
    expect(tracked.json).toMatchObject({ receiptNo: sub.receiptNo, matterName: '营业执照补办', matterNameEn: 'Reissue of business licence' });
  });
});

describe('the result for the enterprise and the public tracking page', () => {
  /** A received submission taken by the hall to delivery with `delivery`. */
  async function delivered(delivery: { method: string; reference: string }): Promise<SubmissionDoc> {
    const sub = makeSubmission();
    await writeSubmission(sub, makeEvent(sub));
    await waitFor('the submission in the received queue', () => listed('received', sub._id));
    const decide = async (body: Record<string, unknown>): Promise<void> => {
      const r = await t.as('hall', 'POST', `/api/hall/submissions/${sub._id.slice('submission:'.length)}/events`, { body });
      expect(r.status, JSON.stringify(body)).toBe(201);
    };
    await decide({ action: 'accept' });
    // The 容缺 page arrives (nothing is issued while it is owed).
    const page = makePng();
    await uploadPage(page, 'image/png');
    const supplement = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [{ ...makeEvent(sub), action: 'supplement', items: [{ materialId: 'loss-statement', pages: [pageRef(page, 'image/png')] }] }] } });
    expect(asArray(supplement.json)).toEqual([expect.objectContaining({ ok: true })]);
    for (const body of [{ action: 'approve' }, { action: 'issue', certificateNo: `ZS-${sub.receiptNo}` }, { action: 'deliver', ...delivery }]) await decide(body);
    await waitFor('the submission in the delivered queue', () => listed('delivered', sub._id));
    return sub;
  }
  const forEnterprise = async (sub: SubmissionDoc) => {
    const r = await t.as('enterprise', 'GET', '/api/enterprise/submissions');
    expect(r.status).toBe(200);
    return enterpriseSubmissionsSchema.parse(r.json).submissions.find((s) => s.submissionId === sub._id);
  };
  const tracked = async (sub: SubmissionDoc) => {
    const r = await t.as(undefined, 'GET', `/api/track?receiptNo=${sub.receiptNo}&pickupCode=${sub.pickupCode}`);
    expect(r.status).toBe(200);
    return trackResultSchema.parse(r.json);
  };

  it('carries the certificate number and the courier number of a delivery by post', async () => {
    const sub = await delivered({ method: 'post', reference: 'SF1234567890' });
    expect(await forEnterprise(sub)).toMatchObject({ state: 'delivered', certificateNo: `ZS-${sub.receiptNo}`, courierNo: 'SF1234567890' });
    expect(await tracked(sub)).toMatchObject({ state: 'delivered', certificateNo: `ZS-${sub.receiptNo}`, courierNo: 'SF1234567890' });
  });

  it('never shows a locker code as a courier number', async () => {
    const sub = await delivered({ method: 'locker', reference: 'A-17' });
    const listedForEnterprise = await forEnterprise(sub);
    expect(listedForEnterprise?.certificateNo).toBe(`ZS-${sub.receiptNo}`);
    expect(listedForEnterprise).not.toHaveProperty('courierNo');
    expect(await tracked(sub)).not.toHaveProperty('courierNo');
  });
});
