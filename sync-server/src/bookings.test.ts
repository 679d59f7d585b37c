/**
 * 预约 capacity under contention, idempotent replays of offline bookings, change and cancel; and the public
 * progress query (进度查询) with its rate limit. Against the real server and embedded store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { slotsFor, type Slot } from '../../src/domain/schedule';
import { DEMO_STATIONS } from './demo/seed';
import { asArray, asRecord, STATION, startTestServer, type TestServer } from './test-support';

let t: TestServer;
const schedule = DEMO_STATIONS.find((s) => s.id === STATION)!.schedule;

/** Future slots of the demo station, from tomorrow on (never "in the past" during the test). */
function futureSlots(n: number): Slot[] {
  const out: Slot[] = [];
  for (let day = 1; out.length < n && day < 60; day++) {
    out.push(...slotsFor(schedule, new Date(Date.now() + day * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10)));
  }
  return out.slice(0, n);
}
const slots = futureSlots(200);
let nextSlot = 0;

const request = (slot: Slot, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  clientRef: ulid(),
  stationId: STATION,
  kind: 'atStation',
  date: slot.date,
  start: slot.start,
  contactName: '王五',
  phone: '13800138000',
  ...extra,
});

beforeAll(async () => {
  t = await startTestServer({}, ['enterprise', 'station', 'hall']);
});
afterAll(async () => {
  await t?.close();
});

describe('bookings', () => {
  it('never books more seats than a slot has, however many requests race for it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), async (extra) => {
        const slot = slots[nextSlot++]!;
        const n = schedule.capacity + extra;
        // `again`: here one enterprise means every seat it asks for (the per-enterprise rule has its own test).
        const replies = await Promise.all(Array.from({ length: n }, () => t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { again: true }) })));
        const confirmed = replies.filter((r) => r.status === 201);
        const full = replies.filter((r) => r.status === 409);
        expect(confirmed.length).toBe(schedule.capacity);
        expect(full.length).toBe(n - schedule.capacity);
        for (const r of full) expect(asRecord(r.json).outcome).toBe('full');
        const avail = await t.as('enterprise', 'GET', `/api/stations/${STATION}/slots?date=${slot.date}`);
        const mine = asArray(asRecord(avail.json).slots).map(asRecord).find((s) => s.start === slot.start);
        expect(mine?.remaining).toBe(0);
      }),
      { numRuns: 15 },
    );
  });

  it('offers the nearest free alternatives when full', async () => {
    const slot = slots[nextSlot++]!;
    for (let i = 0; i < schedule.capacity; i++) expect((await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { again: true }) })).status).toBe(201);
    const r = await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { again: true }) });
    expect(r.status).toBe(409);
    const alternatives = asArray(asRecord(r.json).alternatives).map(asRecord);
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives.some((a) => a.date === slot.date && a.start === slot.start)).toBe(false);
  });

  it('one seat per enterprise, matter and slot: a second request is told it already holds it, unless it says again', async () => {
    const slot = slots[nextSlot++]!;
    const remaining = async (): Promise<unknown> => {
      const avail = await t.as('enterprise', 'GET', `/api/stations/${STATION}/slots?date=${slot.date}`);
      return asArray(asRecord(avail.json).slots).map(asRecord).find((s) => s.start === slot.start)?.remaining;
    };
    const first = await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { matterId: 'licence-reissue' }) });
    expect(first.status).toBe(201);
    const seatsAfterFirst = await remaining();
    const second = await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { matterId: 'licence-reissue' }) });
    expect(second.status).toBe(409);
    expect(asRecord(second.json)).toMatchObject({ outcome: 'duplicate' });
    expect(asRecord(asRecord(second.json).booking)._id).toBe(asRecord(asRecord(first.json).booking)._id);
    expect(await remaining()).toBe(seatsAfterFirst); // no seat taken
    // The same matter with `again` is a real second seat…
    const again = await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { matterId: 'licence-reissue', again: true }) });
    expect(again.status).toBe(201);
    expect(asRecord(asRecord(again.json).booking)).not.toHaveProperty('again');
    // …and so is another matter in a slot the enterprise already holds.
    const other = slots[nextSlot++]!;
    expect((await t.as('enterprise', 'POST', '/api/bookings', { body: request(other, { matterId: 'licence-reissue' }) })).status).toBe(201);
    expect((await t.as('enterprise', 'POST', '/api/bookings', { body: request(other, { matterId: 'licence-change' }) })).status).toBe(201);
  });

  it('a replayed offline booking books once', async () => {
    const body = request(slots[nextSlot++]!);
    const first = await t.as('enterprise', 'POST', '/api/bookings', { body });
    const again = await t.as('enterprise', 'POST', '/api/bookings', { body });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(asRecord(asRecord(again.json).booking)._id).toBe(`booking:${String(body.clientRef)}`);
    const list = await t.as('enterprise', 'GET', '/api/bookings');
    expect(asArray(asRecord(list.json).bookings).map(asRecord).filter((b) => b._id === `booking:${String(body.clientRef)}`)).toHaveLength(1);
  });

  it('the station sees its bookings in its own database', async () => {
    const body = request(slots[nextSlot++]!, { kind: 'doorstep', building: '恒隆广场一座', floor: '32', room: '3201', matterId: 'licence-reissue' });
    expect((await t.as('enterprise', 'POST', '/api/bookings', { body })).status).toBe(201);
    const r = await t.as('station', 'GET', `/sync/station-${STATION}/booking:${String(body.clientRef)}`);
    expect(r.status).toBe(200);
    expect(asRecord(r.json)).toMatchObject({ type: 'booking', kind: 'doorstep', room: '3201', status: 'confirmed' });
  });

  it('cancelling frees the seat; changing moves it', async () => {
    const slot = slots[nextSlot++]!;
    const refs: string[] = [];
    for (let i = 0; i < schedule.capacity; i++) {
      const body = request(slot, { again: true });
      refs.push(String(body.clientRef));
      expect((await t.as('enterprise', 'POST', '/api/bookings', { body })).status).toBe(201);
    }
    expect((await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { again: true }) })).status).toBe(409);
    expect((await t.as('enterprise', 'PATCH', `/api/bookings/${refs[0]}`, { body: { status: 'cancelled' } })).status).toBe(200);
    expect((await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { again: true }) })).status).toBe(201);
    const other = slots[nextSlot++]!;
    const moved = await t.as('enterprise', 'PATCH', `/api/bookings/${refs[1]}`, { body: { date: other.date, start: other.start } });
    expect(moved.status).toBe(200);
    expect((await t.as('enterprise', 'POST', '/api/bookings', { body: request(slot, { again: true }) })).status).toBe(201);
  });

  it('refuses bad requests with clear reasons', async () => {
    const slot = slots[nextSlot++]!;
    const cases: [Record<string, unknown>, number, string][] = [
      [request(slot, { phone: '123' }), 400, 'mobile'],
      [request(slot, { kind: 'doorstep' }), 400, 'doorstep'],
      [request(slot, { start: '03:00' }), 400, 'not open'],
      [request({ ...slot, date: '2020-01-06' }), 400, ''],
      [request(slot, { stationId: 'no-such-station' }), 404, 'no such station'],
    ];
    for (const [body, status, reason] of cases) {
      const r = await t.as('enterprise', 'POST', '/api/bookings', { body });
      expect(r.status).toBe(status);
      expect(String(asRecord(r.json).reason)).toContain(reason);
    }
    expect((await t.as('station', 'POST', '/api/bookings', { body: request(slot) })).status).toBe(403);
    expect((await t.as(undefined, 'POST', '/api/bookings', { body: request(slot) })).status).toBe(401);
  });
});

describe('public progress query', () => {
  it('answers 404 to wrong codes and rate-limits guessing', async () => {
    let limited = false;
    for (let i = 0; i < 15; i++) {
      const r = await t.as(undefined, 'GET', `/api/track?receiptNo=JING-20261123-ABCDEFGH&pickupCode=${String(100000 + i)}`);
      expect([404, 429]).toContain(r.status);
      if (r.status === 429) limited = true;
    }
    expect(limited).toBe(true);
  });
});
