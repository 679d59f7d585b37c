/**
 * What the device knows about each document it replicates: written here (and when), pushed to the server, or
 * refused by it. The one guard against losing work at sign-out counts from this: documents this device wrote
 * that the server does not have — never documents it only pulled down.
 */
import { db, type DocSyncState } from './db';

/** Merge `change` into each row (a push can be recorded before the write it follows, or after). */
async function merge(ids: readonly string[], change: (row: DocSyncState | undefined) => Partial<DocSyncState>): Promise<void> {
  if (!ids.length) return;
  await db.transaction('rw', db.docSync, async () => {
    const rows = await db.docSync.bulkGet([...ids]);
    await db.docSync.bulkPut(ids.map((id, i) => ({ ...rows[i], ...change(rows[i]), id })));
  });
}

export const noteWritten = (ids: readonly string[], at: string): Promise<void> => merge(ids, (row) => ({ writtenAt: row?.writtenAt ?? at }));
export const notePushed = (ids: readonly string[], at: string): Promise<void> => merge(ids, () => ({ pushedAt: at }));
export const noteRefused = (id: string, reason: string): Promise<void> => merge([id], () => ({ refused: reason }));

/** The kinds of document a station device writes (the rest it only receives). */
const WRITTEN_HERE = new Set(['submission', 'bookingCheck', 'event']);

/**
 * How many documents on the device were written here and are not on the server. `docs` are the device's
 * documents; a submission from before writes were recorded counts when its `deviceId` is this device's.
 */
export function countUnsynced(docs: readonly { id: string; doc?: { type?: string; role?: string; deviceId?: string } }[], rows: readonly DocSyncState[], deviceId: string | undefined): number {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return docs.filter(({ id, doc }) => {
    const row = byId.get(id);
    if (row?.pushedAt || !doc?.type || !WRITTEN_HERE.has(doc.type)) return false;
    if (row?.writtenAt) return true;
    return doc.type === 'submission' && deviceId !== undefined && doc.deviceId === deviceId;
  }).length;
}

/**
 * The badge's count of documents waiting for the server: written here and not pushed, from this table alone.
 * Cheap enough to run after every write and push (the sign-out guard's `countUnsynced` also reads the documents,
 * for submissions from before writes were recorded; with a thousand documents that read is megabytes).
 */
export const countWrittenNotPushed = (): Promise<number> => db.docSync.filter((row) => !!row.writtenAt && !row.pushedAt).count();
