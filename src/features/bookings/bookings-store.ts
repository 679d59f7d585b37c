/**
 * The station's bookings, read from its own replicated database (so they are there offline), with the staff's
 * arrived / no-show marks as append-only `bookingCheck` documents, and a way to start an intake prefilled
 * from a booking.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ulid } from 'ulid';
import { bookingCheckSchema, type BookingCheckDoc, type BookingDoc } from '../../domain/documents';
import { db } from '../../storage/db';
import type { SyncEngine } from '../../sync/sync-engine';
import { indexCatalog, type CatalogIndex } from '../../shared/i18n/catalog-names';
import { loadMatters } from '../../shared/catalog';

export interface StationBooking {
  booking: BookingDoc;
  /** Latest mark by staff, if any. */
  check: BookingCheckDoc | undefined;
}

export const useStationBookingsStore = defineStore('stationBookings', () => {
  const items = ref<StationBooking[]>([]);
  /** The catalog on the device: a booking records only its matter's id. */
  const catalog = ref<CatalogIndex>(new Map());
  let changes: { cancel(): void } | undefined;

  async function reload(engine: SyncEngine): Promise<void> {
    const [b, c] = await Promise.all([
      engine.local.allDocs({ startkey: 'booking:', endkey: 'booking:\ufff0', include_docs: true }),
      engine.local.allDocs({ startkey: 'bookingcheck:', endkey: 'bookingcheck:\ufff0', include_docs: true }),
    ]);
    const checks = new Map<string, BookingCheckDoc>();
    for (const row of c.rows) {
      const parsed = bookingCheckSchema.safeParse(row.doc);
      if (!parsed.success) continue;
      const prev = checks.get(parsed.data.bookingId);
      if (!prev || prev.at < parsed.data.at) checks.set(parsed.data.bookingId, parsed.data);
    }
    items.value = b.rows
      .flatMap((r) => (r.doc && (r.doc as { type?: string }).type === 'booking' ? [r.doc as unknown as BookingDoc] : []))
      .map((booking) => ({ booking, check: checks.get(booking._id) }))
      .sort((x, y) => (`${x.booking.date}${x.booking.start}` < `${y.booking.date}${y.booking.start}` ? -1 : 1));
  }

  function watch(engine: SyncEngine): void {
    changes?.cancel();
    void reload(engine);
    void loadMatters(engine)
      .then((matters) => (catalog.value = indexCatalog(matters)))
      .catch(() => undefined);
    changes = engine.watchLocal(() => reload(engine));
  }

  function unwatch(): void {
    changes?.cancel();
    changes = undefined;
  }

  async function mark(engine: SyncEngine, booking: BookingDoc, status: 'arrived' | 'noShow', actor: string): Promise<void> {
    const doc: BookingCheckDoc = {
      _id: `bookingcheck:${booking._id.slice('booking:'.length)}:${ulid()}`,
      type: 'bookingCheck',
      bookingId: booking._id,
      stationId: booking.stationId,
      status,
      actor,
      at: new Date().toISOString(),
    };
    await engine.write((local) => local.put(doc));
  }

  /** A new draft carrying what the booking already tells us (一次采集): enterprise and matter. */
  async function startIntake(booking: BookingDoc): Promise<string> {
    const now = new Date().toISOString();
    const id = ulid();
    await db.drafts.put({
      id,
      stationId: booking.stationId,
      matterId: booking.matterId ?? '',
      uscc: booking.uscc,
      enterpriseName: booking.enterpriseName,
      applicantName: booking.contactName,
      idNumber: '',
      pages: {},
      deficient: {},
      signature: null,
      answers: {},
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }

  return { items, catalog, watch, unwatch, mark, startIntake };
});
