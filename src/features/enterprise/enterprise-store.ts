/**
 * The enterprise's side: stations and their free slots, its bookings (a booking made offline waits in Dexie
 * and is sent when the network returns — its clientRef makes the replay book once), its submissions and
 * ratings, and the catalog (fetched online, kept for offline reading of checklists).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ulid } from 'ulid';
import type { MatterDoc } from '../../domain/catalog';
import { loadMatters } from '../../shared/catalog';
import type { BookingDoc } from '../../domain/documents';
import type { Schedule, Slot } from '../../domain/schedule';
import { api, ApiError, OfflineError } from '../../sync/api';
import { enterpriseSubmissionsSchema, type EnterpriseSubmission } from '../../domain/api-contract';
import { db, getSetting, putSetting, type QueuedBooking } from '../../storage/db';
import { SETTING_KEYS } from '../../storage/keys';

export interface StationInfo {
  id: string;
  name: string;
  nameEn: string;
  kind: 'building' | 'branch';
  district: string;
  buildings: string[];
  schedule: Schedule | null;
}

export type BookingOutcome =
  | { kind: 'confirmed'; booking: BookingDoc }
  | { kind: 'full'; reason: string; alternatives: Slot[] }
  | { kind: 'duplicate'; booking: BookingDoc }
  | { kind: 'queued' }
  | { kind: 'error'; reason: string };

export const useEnterpriseStore = defineStore('enterprise', () => {
  const stations = ref<StationInfo[]>([]);
  const matters = ref<MatterDoc[]>([]);
  const bookings = ref<BookingDoc[]>([]);
  const queued = ref<QueuedBooking[]>([]);
  const submissions = ref<EnterpriseSubmission[]>([]);
  const error = ref('');
  /** Outcomes of queued bookings sent later, shown until dismissed. */
  const replayed = ref<{ clientRef: string; outcome: BookingOutcome }[]>([]);

  async function loadStatic(): Promise<void> {
    try {
      stations.value = (await api<{ stations: StationInfo[] }>('GET', '/api/stations')).stations;
      matters.value = await loadMatters('server');
      await putSetting(SETTING_KEYS.enterpriseStatic, JSON.parse(JSON.stringify({ stations: stations.value, matters: matters.value })));
    } catch (e) {
      const cached = await getSetting<{ stations: StationInfo[]; matters: MatterDoc[] }>(SETTING_KEYS.enterpriseStatic);
      if (cached) {
        stations.value = cached.stations;
        matters.value = cached.matters;
      }
      if (!(e instanceof OfflineError)) error.value = (e as Error).message;
    }
  }

  async function refresh(): Promise<void> {
    queued.value = await db.bookingQueue.orderBy('queuedAt').toArray();
    try {
      bookings.value = (await api<{ bookings: BookingDoc[] }>('GET', '/api/bookings')).bookings;
      submissions.value = (await api('GET', '/api/enterprise/submissions', undefined, enterpriseSubmissionsSchema)).submissions;
      error.value = '';
    } catch (e) {
      if (!(e instanceof OfflineError)) error.value = (e as Error).message;
    }
  }

  async function slots(stationId: string, kind: string, date: string): Promise<(Slot & { remaining: number })[]> {
    return (await api<{ slots: (Slot & { remaining: number })[] }>('GET', `/api/stations/${encodeURIComponent(stationId)}/slots?kind=${kind}&date=${date}`)).slots;
  }

  async function send(request: Record<string, unknown>): Promise<BookingOutcome> {
    try {
      const res = await api<{ booking: BookingDoc }>('POST', '/api/bookings', request);
      return { kind: 'confirmed', booking: res.booking };
    } catch (e) {
      if (e instanceof OfflineError) return { kind: 'queued' };
      if (e instanceof ApiError && e.status === 409 && e.body && (e.body as { outcome?: string }).outcome === 'full') {
        return { kind: 'full', reason: e.message, alternatives: ((e.body as { alternatives?: Slot[] }).alternatives ?? []) };
      }
      if (e instanceof ApiError && e.status === 409 && (e.body as { outcome?: string; booking?: BookingDoc } | undefined)?.outcome === 'duplicate') {
        return { kind: 'duplicate', booking: (e.body as { booking: BookingDoc }).booking };
      }
      return { kind: 'error', reason: (e as Error).message };
    }
  }

  /** Book now, or queue when offline. */
  async function book(request: Omit<Record<string, unknown>, 'clientRef'>): Promise<BookingOutcome> {
    const full = { ...request, clientRef: ulid() };
    const outcome = navigator.onLine ? await send(full) : ({ kind: 'queued' } as const);
    if (outcome.kind === 'queued') await db.bookingQueue.put({ clientRef: full.clientRef, request: full, queuedAt: new Date().toISOString() });
    await refresh();
    return outcome;
  }

  /** Send every queued booking; keep the ones the network still refuses. */
  async function flush(): Promise<void> {
    for (const q of await db.bookingQueue.orderBy('queuedAt').toArray()) {
      const outcome = await send(q.request);
      if (outcome.kind === 'queued') break;
      await db.bookingQueue.delete(q.clientRef);
      replayed.value = [...replayed.value, { clientRef: q.clientRef, outcome }];
    }
    await refresh();
  }

  async function cancel(id: string): Promise<void> {
    await api('PATCH', `/api/bookings/${encodeURIComponent(id.slice('booking:'.length))}`, { status: 'cancelled' });
    await refresh();
  }

  async function move(id: string, slot: Pick<Slot, 'date' | 'start'>): Promise<BookingOutcome> {
    try {
      const res = await api<{ booking: BookingDoc }>('PATCH', `/api/bookings/${encodeURIComponent(id.slice('booking:'.length))}`, slot);
      await refresh();
      return { kind: 'confirmed', booking: res.booking };
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && (e.body as { outcome?: string } | undefined)?.outcome === 'full') {
        return { kind: 'full', reason: e.message, alternatives: ((e.body as { alternatives?: Slot[] }).alternatives ?? []) };
      }
      return { kind: 'error', reason: (e as Error).message };
    }
  }

  async function rate(submissionId: string, rating: 'good' | 'average' | 'bad', comment: string): Promise<string> {
    try {
      await api('POST', `/api/enterprise/submissions/${encodeURIComponent(submissionId.slice('submission:'.length))}/rating`, { rating, comment });
      await refresh();
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  }

  return { stations, matters, bookings, queued, submissions, error, replayed, loadStatic, refresh, slots, book, flush, cancel, move, rate };
});
