/**
 * The Dexie half of the purge (issue 8): keep the masked record of each purged submission (so the outbox
 * still lists it with its receipt number and state), and remove what else the device holds of it — a draft
 * left behind by a crash between submitting and cleaning up, and page or signature bytes still stored
 * (normally deleted once uploaded). A page an open draft still shows stays with that draft, and so does any
 * page still in `draft` state (a 补正 being prepared may have photographed the same bytes). The enterprise
 * profile (一次采集) loses the contact person and phone that came with a purged submission.
 */
import type { PurgedSubmission } from '../domain/purge';
import { db, type Draft } from './db';
import { forgetContacts } from './enterprises';

const draftHashes = (d: Draft): string[] => [...Object.values(d.pages).flat(), ...(d.signature ? [d.signature] : [])].map((p) => p.sha256);

export async function storePurged(records: readonly PurgedSubmission[], hashes: readonly string[]): Promise<void> {
  if (!records.length && !hashes.length) return;
  await db.transaction('rw', [db.purged, db.drafts, db.blobs, db.enterprises], async () => {
    await db.purged.bulkPut(records.map((r) => structuredClone(r)));
    // 一次采集: the contact person and phone taken with these submissions go with them.
    await forgetContacts(records.map((r) => r._id));
    await db.drafts.bulkDelete(records.map((r) => r._id.slice('submission:'.length)));
    const kept = new Set((await db.drafts.toArray()).flatMap(draftHashes));
    const gone = hashes.filter((h) => !kept.has(h));
    // The server holds these bytes (it confirmed receipt), so an upload still `pending` for them has nothing to send.
    await db.blobs.where('sha256').anyOf(gone).and((b) => b.state !== 'draft').delete();
  });
}

/** The purged submissions of a station, for the outbox. */
export function purgedOf(stationId: string): Promise<PurgedSubmission[]> {
  return db.purged.where('stationId').equals(stationId).toArray();
}
