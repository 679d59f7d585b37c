/**
 * Browser-side bench helper, bundled by esbuild (test/bench/sync.ts) and injected into a page of the app's
 * origin that does not run the app (`/healthz`). It writes a station device's backlog with the app's own
 * storage modules — `src/storage/db` (Dexie: scan blobs, state `pending`, exactly what `finishSubmit` leaves)
 * and `src/sync/pouch` (the station's PouchDB) — so the device afterwards starts with the same stores a day of
 * offline intake would leave, without going through the capture pipeline (which re-encodes photos).
 */
import { db } from '../../src/storage/db';
import { localDb, stationDbName } from '../../src/sync/pouch';

/** JPEG-shaped bytes of exactly `size`: SOI, a JFIF APP0 segment, noise, EOI (the server sniffs the head). */
function jpegLike(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  const head = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  for (let at = head.length; at < size - 2; at += 65_536) crypto.getRandomValues(out.subarray(at, Math.min(size - 2, at + 65_536)));
  out.set(head, 0);
  out[size - 2] = 0xff;
  out[size - 1] = 0xd9;
  return out;
}

async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface SeededPage {
  sha256: string;
  bytes: number;
  type: 'image/jpeg';
}

/** Store one pending scan blob per size; returns their page references. */
export async function seedBlobs(stationId: string, sizes: number[]): Promise<SeededPage[]> {
  const pages: SeededPage[] = [];
  const rows = [];
  for (const size of sizes) {
    const bytes = jpegLike(size);
    const sha256 = await sha256Hex(bytes);
    pages.push({ sha256, bytes: size, type: 'image/jpeg' });
    rows.push({ sha256, blob: new Blob([bytes], { type: 'image/jpeg' }), type: 'image/jpeg' as const, bytes: size, state: 'pending' as const, stationId, createdAt: new Date().toISOString(), attempts: 0 });
  }
  await db.blobs.bulkPut(rows);
  return pages;
}

/** Write submitted documents into the station's PouchDB, as `submit()` does with `bulkDocs`. */
export async function seedDocs(stationId: string, docs: { _id: string }[]): Promise<number> {
  const results = await localDb(stationDbName(stationId)).bulkDocs(docs);
  const failed = results.filter((r) => 'error' in r && r.error);
  if (failed.length) throw new Error(`${failed.length} documents not written: ${JSON.stringify(failed[0])}`);
  return results.length;
}

/** What the device holds (for the bench's sanity check). */
export async function counts(stationId: string): Promise<{ pending: number; docs: number }> {
  const pending = await db.blobs.where('state').equals('pending').count();
  const info = await localDb(stationDbName(stationId)).info();
  return { pending, docs: info.doc_count };
}

export async function close(stationId: string): Promise<void> {
  await localDb(stationDbName(stationId)).close();
  db.close();
}
