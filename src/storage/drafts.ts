/** Draft housekeeping: discarding a draft also frees the photos only it referenced. */
import { db, type Draft } from './db';

function hashesOf(d: Draft): string[] {
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
