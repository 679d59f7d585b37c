/**
 * Draft housekeeping: discarding a draft also frees the photos only it referenced. A page's bytes are held by
 * intake drafts (the `drafts` table) and by supplement drafts (`supplement:` settings, lists of pages per
 * material); a page leaves the device when neither still refers to it.
 */
import { db, type Draft } from './db';
import { SETTING_KEYS } from './keys';
import { hashesOf } from './draft-hashes';

export { hashesOf };

/** Every page hash a saved intake or supplement draft still refers to. */
async function heldHashes(): Promise<Set<string>> {
  const supplements = await db.settings.where('key').startsWith(SETTING_KEYS.supplementPrefix).toArray();
  const supplementPages = supplements.flatMap((s) => Object.values((s.value ?? {}) as Record<string, { sha256: string }[]>).flat());
  return new Set([...(await db.drafts.toArray()).flatMap(hashesOf), ...supplementPages.map((p) => p.sha256)]);
}

export async function deleteDraft(id: string): Promise<void> {
  await db.transaction('rw', db.drafts, db.blobs, db.settings, async () => {
    const draft = await db.drafts.get(id);
    if (!draft) return;
    await db.drafts.delete(id);
    const others = await heldHashes();
    const orphans = hashesOf(draft).filter((h) => !others.has(h));
    // Only blobs still in 'draft' state: a page shared with a submitted intake is an upload and stays.
    await db.blobs.where('sha256').anyOf(orphans).and((b) => b.state === 'draft').delete();
  });
}

/**
 * Pages a draft no longer has (removed, retaken, a signature signed again): their bytes leave the device
 * unless a saved draft (intake or supplement) still refers to them. Only blobs still in 'draft' state: one that a submitted
 * intake shares is an upload and stays until the server has it.
 */
export async function releaseBlobs(hashes: string[]): Promise<void> {
  if (!hashes.length) return;
  await db.transaction('rw', db.drafts, db.blobs, db.settings, async () => {
    const kept = await heldHashes();
    const orphans = hashes.filter((h) => !kept.has(h));
    await db.blobs.where('sha256').anyOf(orphans).and((b) => b.state === 'draft').delete();
  });
}

/** Submitted: the pages become uploads (a page already pending or uploaded stays as it is). */
export async function markPending(hashes: string[]): Promise<void> {
  await db.blobs.where('sha256').anyOf(hashes).modify((b) => {
    if (b.state === 'draft') b.state = 'pending';
  });
}

/** After a submission's documents are in PouchDB: its pages become uploads, its draft goes. Safe to repeat. */
export async function finishSubmit(d: Draft): Promise<void> {
  await db.transaction('rw', db.blobs, db.drafts, async () => {
    await markPending(hashesOf(d));
    await db.drafts.delete(d.id);
  });
}

/**
 * A tab closed (or a crash) between writing a submission's documents and clearing its draft leaves the draft
 * behind, listed as unfinished work; resumed and submitted again it would hand out a second receipt number for
 * the one stored. Finish every such draft of the station (`written` says whether a submission is stored).
 * Runs when the sync engine starts, whatever screen the app opens on. Returns the ids of the drafts finished.
 */
export async function finishInterruptedSubmits(stationId: string, written: (submissionId: string) => Promise<boolean>): Promise<string[]> {
  const finished: string[] = [];
  for (const d of await db.drafts.where('stationId').equals(stationId).toArray()) {
    if (!(await written(`submission:${d.id}`))) continue;
    await finishSubmit(d);
    finished.push(d.id);
  }
  return finished;
}
