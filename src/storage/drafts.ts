/** Draft housekeeping: discarding a draft also frees the photos only it referenced. */
import { db, type Draft } from './db';

/** The blobs a draft refers to: its pages and its signature. */
export function hashesOf(d: Pick<Draft, 'pages' | 'signature'>): string[] {
  return [...Object.values(d.pages).flat(), ...(d.signature ? [d.signature] : [])].map((p) => p.sha256);
}

export async function deleteDraft(id: string): Promise<void> {
  await db.transaction('rw', db.drafts, db.blobs, async () => {
    const draft = await db.drafts.get(id);
    if (!draft) return;
    await db.drafts.delete(id);
    const others = new Set((await db.drafts.toArray()).flatMap(hashesOf));
    const orphans = hashesOf(draft).filter((h) => !others.has(h));
    // Only blobs still in 'draft' state: a page shared with a submitted intake is an upload and stays.
    await db.blobs.where('sha256').anyOf(orphans).and((b) => b.state === 'draft').delete();
  });
}

/**
 * Pages a draft no longer has (removed, retaken, a signature signed again): their bytes leave the device
 * unless another saved draft still refers to them. Only blobs still in 'draft' state: one that a submitted
 * intake shares is an upload and stays until the server has it.
 */
export async function releaseBlobs(hashes: string[]): Promise<void> {
  if (!hashes.length) return;
  await db.transaction('rw', db.drafts, db.blobs, async () => {
    const kept = new Set((await db.drafts.toArray()).flatMap(hashesOf));
    const orphans = hashes.filter((h) => !kept.has(h));
    await db.blobs.where('sha256').anyOf(orphans).and((b) => b.state === 'draft').delete();
  });
}
