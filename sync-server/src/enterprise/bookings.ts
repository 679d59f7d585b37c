/**
 * 预约: stations' slots and enterprises' bookings. Capacity is decided by the store's optimistic concurrency:
 * each slot is one document listing its bookings, updated with its revision, so two requests racing for the
 * last seat cannot both win — whichever writes second gets a conflict, re-reads and sees the slot full.
 * That holds across server processes too, because the store, not this process, arbitrates.
 * Bookings live in `lxe-bookings` (indexed for the enterprise's list) and are mirrored into the station's
 * database, where the station device sees them by replication, offline too.
 */
import express, { type Request, type Router } from 'express';
import type { Audit } from '../audit/sink';
import { bookingChangeSchema, type BookingOutcome, type FreeSlot, type StationInfo } from '../../../src/domain/api-contract';
import { addDays, chinaDate } from '../../../src/domain/china-time';
import { bookingRequestSchema, describeIssues, type BookingDoc, type BookingRequest } from '../../../src/domain/documents';
import { isValidSlot, scheduleSchema, slotKey, slotsFor, type Schedule, type Slot } from '../../../src/domain/schedule';
import { STATIONS_DB, type StationDoc } from '../auth/accounts';
import { requireRole } from '../auth/routes';
import { StoreError, type CouchClient } from '../store/couch';

export const BOOKINGS_DB = 'lxe-bookings';
export const SLOTS_DB = 'lxe-slots';

interface SlotDoc {
  _id: string;
  _rev?: string;
  bookings: string[];
}

export interface StationWithSchedule extends StationDoc {
  schedule?: Schedule;
}

export async function setUpBookings(store: CouchClient): Promise<void> {
  await store.ensureDb(BOOKINGS_DB);
  await store.ensureDb(SLOTS_DB);
  await store.createIndex(BOOKINGS_DB, 'uscc', ['uscc', 'date', 'start']);
  await store.createIndex(BOOKINGS_DB, 'station-date', ['stationId', 'date', 'start']);
}

const capacityOf = (schedule: Schedule, kind: BookingRequest['kind']): number => (kind === 'doorstep' ? schedule.doorstepCapacity : schedule.capacity);
const slotDocId = (stationId: string, slot: Pick<Slot, 'date' | 'start'>, kind: string): string => `${slotKey(stationId, slot)}:${kind}`;
const jitter = (): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * 20));

/**
 * How far ahead a booking may be made. The app offers two weeks; further out is a typo or someone filling
 * slot documents for years ahead (2091–2099 had been accepted).
 */
export const BOOKING_HORIZON_DAYS = 90;

/** The CST "now" as date and HH:MM, to refuse slots in the past. */
function nowCst(): { date: string; time: string } {
  const iso = new Date(Date.now() + 8 * 3_600_000).toISOString();
  return { date: chinaDate(new Date()), time: iso.slice(11, 16) };
}

export class Bookings {
  constructor(private readonly store: CouchClient) {}

  async station(id: string): Promise<(StationWithSchedule & { schedule: Schedule }) | undefined> {
    const doc = await this.store.get<StationWithSchedule>(STATIONS_DB, `station:${id}`);
    const schedule = scheduleSchema.safeParse(doc?.schedule);
    // A retired station takes no new bookings.
    return doc && !doc.retiredAt && schedule.success ? { ...doc, schedule: schedule.data } : undefined;
  }

  /** Take one seat, or report the slot full. Retries on write conflicts (someone else took a seat meanwhile). */
  async reserve(stationId: string, slot: Pick<Slot, 'date' | 'start'>, kind: string, capacity: number, bookingId: string): Promise<boolean> {
    const id = slotDocId(stationId, slot, kind);
    for (let attempt = 0; attempt < 50; attempt++) {
      const doc = (await this.store.get<SlotDoc>(SLOTS_DB, id)) ?? { _id: id, bookings: [] };
      if (doc.bookings.includes(bookingId)) return true;
      if (doc.bookings.length >= capacity) return false;
      try {
        await this.store.put(SLOTS_DB, { ...doc, bookings: [...doc.bookings, bookingId] } as SlotDoc);
        return true;
      } catch (e) {
        if (!(e instanceof StoreError && e.status === 409)) throw e;
        await jitter();
      }
    }
    throw new StoreError(503, 'busy', 'this slot is in high demand; try again');
  }

  async release(stationId: string, slot: Pick<Slot, 'date' | 'start'>, kind: string, bookingId: string): Promise<void> {
    await this.store.upsert<SlotDoc>(SLOTS_DB, slotDocId(stationId, slot, kind), (old) =>
      old && old.bookings.includes(bookingId) ? { ...old, bookings: old.bookings.filter((b) => b !== bookingId) } : undefined,
    );
  }

  /** Remaining seats of every slot from `date` for `days` days. */
  async availability(station: StationWithSchedule & { schedule: Schedule }, kind: BookingRequest['kind'], date: string, days: number): Promise<FreeSlot[]> {
    const slots: Slot[] = [];
    for (let i = 0; i < days; i++) slots.push(...slotsFor(station.schedule, addDays(date, i)));
    if (!slots.length) return [];
    const { rows } = await this.store.allDocs<SlotDoc>(SLOTS_DB, { keys: slots.map((s) => slotDocId(station.id, s, kind)), include_docs: true });
    const taken = new Map(rows.map((r) => [r.key, r.doc?.bookings.length ?? 0]));
    const cap = capacityOf(station.schedule, kind);
    const now = nowCst();
    return slots
      .filter((s) => s.date > now.date || (s.date === now.date && s.start > now.time))
      .map((s) => ({ ...s, remaining: Math.max(0, cap - (taken.get(slotDocId(station.id, s, kind)) ?? 0)) }));
  }

  /** Nearest free slots to the one asked for: same day first, then the following days. */
  async alternatives(station: StationWithSchedule & { schedule: Schedule }, kind: BookingRequest['kind'], slot: Pick<Slot, 'date' | 'start'>): Promise<Slot[]> {
    const free = (await this.availability(station, kind, slot.date, 7)).filter((s) => s.remaining > 0 && !(s.date === slot.date && s.start === slot.start));
    const distance = (s: Slot): number => Math.abs(Date.parse(`${s.date}T${s.start}:00Z`) - Date.parse(`${slot.date}T${slot.start}:00Z`));
    return free.sort((a, b) => distance(a) - distance(b)).slice(0, 3).map(({ date, start, end }) => ({ date, start, end }));
  }

  /** Mirror into the station's database so the station device sees it (offline too). */
  async mirror(booking: BookingDoc): Promise<void> {
    const { _rev: _ignored, ...rest } = booking;
    await this.store.upsert<BookingDoc>(`station-${booking.stationId}`, booking._id, () => rest as BookingDoc);
  }
}

export function bookingRoutes(store: CouchClient, audit: Audit): Router {
  const bookings = new Bookings(store);
  const router = express.Router();

  router.get('/stations', requireRole(), async (_req, res, next) => {
    try {
      const { rows } = await store.allDocs<StationWithSchedule>(STATIONS_DB, { startkey: 'station:', endkey: 'station:\ufff0', include_docs: true });
      const stations = rows.flatMap((r): StationInfo[] => (r.doc && !r.doc.retiredAt ? [{ id: r.doc.id, name: r.doc.name, nameEn: r.doc.nameEn, kind: r.doc.kind, district: r.doc.district, buildings: r.doc.buildings, schedule: r.doc.schedule ?? null }] : []));
      res.json({ stations });
    } catch (e) {
      next(e);
    }
  });

  router.get('/stations/:id/slots', requireRole(), async (req, res, next) => {
    try {
      const station = await bookings.station(req.params.id ?? '');
      if (!station) return void res.status(404).json({ error: 'not_found', reason: 'no such station, or it takes no bookings' });
      const kind = req.query.kind === 'doorstep' ? 'doorstep' : 'atStation';
      const date = typeof req.query.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(req.query.date) ? req.query.date : chinaDate(new Date());
      const days = Math.min(14, Math.max(1, Number(req.query.days) || 1));
      res.json({ slots: await bookings.availability(station, kind, date, days) });
    } catch (e) {
      next(e);
    }
  });

  async function ownBooking(req: Request, id: string): Promise<BookingDoc | undefined> {
    const doc = await store.get<BookingDoc>(BOOKINGS_DB, id);
    return doc && doc.uscc === req.session!.uscc ? doc : undefined;
  }

  router.post('/bookings', requireRole('enterprise'), express.json({ limit: '8kb' }), async (req, res, next) => {
    try {
      const parsed = bookingRequestSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(parsed.error) });
      const b = parsed.data;
      const id = `booking:${b.clientRef}`;
      const existing = await store.get<BookingDoc>(BOOKINGS_DB, id);
      if (existing) {
        // A replay of an offline booking: the same answer again, never a second seat.
        if (existing.uscc !== req.session!.uscc) return void res.status(409).json({ error: 'conflict', reason: 'this booking reference is taken' });
        return void res.status(200).json({ outcome: 'confirmed', booking: existing } satisfies BookingOutcome);
      }
      const station = await bookings.station(b.stationId);
      if (!station) return void res.status(404).json({ error: 'not_found', reason: 'no such station, or it takes no bookings' });
      if (!isValidSlot(station.schedule, b)) return void res.status(400).json({ error: 'bad_request', reason: `the station is not open for bookings at ${b.date} ${b.start}` });
      const now = nowCst();
      if (b.date < now.date || (b.date === now.date && b.start <= now.time)) return void res.status(400).json({ error: 'bad_request', reason: 'that time has passed' });
      const horizon = addDays(now.date, BOOKING_HORIZON_DAYS);
      if (b.date > horizon) return void res.status(400).json({ error: 'bad_request', reason: `bookings open at most ${BOOKING_HORIZON_DAYS} days ahead` });
      if (!b.again) {
        // One seat per enterprise, matter and slot unless it says it means another (a pressed-twice button, a
        // form left filled in, must not take the last seats of others).
        const { docs: same } = await store.find<BookingDoc>(BOOKINGS_DB, { selector: { uscc: req.session!.uscc, date: b.date, start: b.start }, use_index: 'idx-uscc', limit: 100 });
        const held = same.find((d) => d.status === 'confirmed' && d.stationId === b.stationId && d.kind === b.kind && (d.matterId ?? '') === (b.matterId ?? ''));
        if (held) return void res.status(409).json({ outcome: 'duplicate', error: 'duplicate', reason: '您已预约该时段 You already hold this slot for this matter', booking: held });
      }
      const ok = await bookings.reserve(b.stationId, b, b.kind, capacityOf(station.schedule, b.kind), id);
      if (!ok) {
        return void res.status(409).json({ outcome: 'full', error: 'full', reason: '该时段已约满 This slot is full', alternatives: await bookings.alternatives(station, b.kind, b) } satisfies BookingOutcome);
      }
      const slot = slotsFor(station.schedule, b.date).find((s) => s.start === b.start)!;
      const nowIso = new Date().toISOString();
      const { clientRef: _ref, again: _again, ...request } = b;
      const booking: BookingDoc = { ...request, _id: id, type: 'booking', uscc: req.session!.uscc ?? '', enterpriseName: req.session!.displayName ?? req.session!.username, username: req.session!.username, status: 'confirmed', end: slot.end, createdAt: nowIso, updatedAt: nowIso };
      try {
        await store.put(BOOKINGS_DB, booking);
      } catch (e) {
        await bookings.release(b.stationId, b, b.kind, id);
        throw e;
      }
      await bookings.mirror(booking);
      audit({ audit: 'booking', user: req.session!.username, station: b.stationId, slot: `${b.date}T${b.start}`, kind: b.kind });
      res.status(201).json({ outcome: 'confirmed', booking } satisfies BookingOutcome);
    } catch (e) {
      next(e);
    }
  });

  router.get('/bookings', requireRole('enterprise'), async (req, res, next) => {
    try {
      const { docs } = await store.find<BookingDoc>(BOOKINGS_DB, { selector: { uscc: req.session!.uscc, date: { $gte: '' } }, sort: [{ uscc: 'asc' }, { date: 'asc' }, { start: 'asc' }], use_index: 'idx-uscc', limit: 500 });
      res.json({ bookings: docs });
    } catch (e) {
      next(e);
    }
  });

  /** Change the slot (take the new seat first, then free the old one) or cancel (free the seat). */
  router.patch('/bookings/:id', requireRole('enterprise'), express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const booking = await ownBooking(req, `booking:${req.params.id ?? ''}`);
      if (!booking) return void res.status(404).json({ error: 'not_found', reason: 'no such booking of yours' });
      if (booking.status !== 'confirmed') return void res.status(409).json({ error: 'conflict', reason: `the booking is ${booking.status}` });
      const change = bookingChangeSchema.safeParse(req.body);
      if (!change.success) return void res.status(400).json({ error: 'bad_request', reason: 'send {status:"cancelled"} or a new {date, start}' });
      const body = change.data;
      const nowIso = new Date().toISOString();
      if ('status' in body) {
        const next = { ...booking, status: 'cancelled' as const, updatedAt: nowIso };
        await store.put(BOOKINGS_DB, next);
        await bookings.release(booking.stationId, booking, booking.kind, booking._id);
        await bookings.mirror(next);
        return void res.json({ outcome: 'cancelled', booking: next } satisfies BookingOutcome);
      }
      const station = await bookings.station(booking.stationId);
      const target = { date: body.date, start: body.start };
      if (target.date === booking.date && target.start === booking.start) return void res.json({ outcome: 'confirmed', booking } satisfies BookingOutcome);
      if (!station || !isValidSlot(station.schedule, target)) return void res.status(400).json({ error: 'bad_request', reason: `the station is not open for bookings at ${body.date} ${body.start}` });
      const ok = await bookings.reserve(booking.stationId, target, booking.kind, capacityOf(station.schedule, booking.kind), booking._id);
      if (!ok) return void res.status(409).json({ outcome: 'full', error: 'full', reason: '该时段已约满 This slot is full', alternatives: await bookings.alternatives(station, booking.kind, target) } satisfies BookingOutcome);
      const slot = slotsFor(station.schedule, target.date).find((s) => s.start === target.start)!;
      const next = { ...booking, ...target, end: slot.end, updatedAt: nowIso };
      await store.put(BOOKINGS_DB, next);
      await bookings.release(booking.stationId, booking, booking.kind, booking._id);
      await bookings.mirror(next);
      res.json({ outcome: 'confirmed', booking: next } satisfies BookingOutcome);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
