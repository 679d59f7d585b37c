/**
 * The PouchDB half of the purge (issue 8). PouchDB's IndexedDB adapter has no `purge`, and changing or
 * deleting a replicated document would make a new revision that replicates to the server (which refuses it).
 * So the device rebuilds its copy instead: every document except the purged ones is replicated, with its
 * revision history, into a fresh local database; the old one is destroyed, which takes the bytes with it.
 * Nothing new is written, so there is nothing to push. To keep the pull from fetching the purged documents
 * again, the device records how far it has pulled (`_local/lxe-pull-seq`, never replicated) and the new
 * generation, which has no replication checkpoint of its own, starts its pull from there (`since`).
 */
import { eventDocSchema, submissionDocSchema, type EventDoc, type SubmissionDoc } from '../domain/documents';
import { planPurge, type PurgePlan } from '../domain/purge';
import type { LocalDb } from './pouch';

export const PULL_SEQ_ID = '_local/lxe-pull-seq';

/** A replication sequence: a number (PouchDB) or an opaque string (CouchDB 2+). */
export type Seq = string | number;

/**
 * How far a database has pulled from the server. `rebuilt`: the database is a rebuilt generation, which has
 * no replication checkpoint matching the server's, so its pulls start from `seq` (PouchDB's `since`) rather than
 * from 0, and keep their checkpoint on the device only (see SyncEngine.replicate).
 */
export interface PullPosition {
  seq: Seq;
  rebuilt: boolean;
}

interface SeqDoc {
  _id: string;
  _rev?: string;
  seq: Seq;
  rebuilt?: boolean;
}

function isSeq(value: unknown): value is Seq {
  return typeof value === 'string' || typeof value === 'number';
}

/** How far this database has pulled from the server, if it knows. */
export async function readPullPosition(db: LocalDb): Promise<PullPosition | undefined> {
  try {
    const doc = (await db.get(PULL_SEQ_ID)) as Partial<SeqDoc>;
    return isSeq(doc.seq) ? { seq: doc.seq, rebuilt: doc.rebuilt === true } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Record that everything the server had up to `seq` is in `db` (a local document: never replicated).
 * `rebuilt` undefined keeps the flag as it is.
 */
export async function writePullSeq(db: LocalDb, seq: Seq, rebuilt?: boolean): Promise<void> {
  let previous: Partial<SeqDoc> | undefined;
  try {
    previous = (await db.get(PULL_SEQ_ID)) as Partial<SeqDoc>;
  } catch {
    previous = undefined;
  }
  const flag = rebuilt ?? previous?.rebuilt === true;
  await db.put({ _id: PULL_SEQ_ID, ...(previous?._rev ? { _rev: previous._rev } : {}), seq, ...(flag ? { rebuilt: true } : {}) });
}

/** What is due now in `db`: read its submissions, events and bookings, and apply the rules of src/domain/purge. */
export async function planLocalPurge(db: LocalDb, now: Date, afterDays: number): Promise<PurgePlan> {
  const range = (prefix: string): Promise<PouchDB.Core.AllDocsResponse<object>> => db.allDocs({ startkey: prefix, endkey: `${prefix}\ufff0`, include_docs: true });
  const [s, e, b] = await Promise.all([range('submission:'), range('event:'), range('booking:')]);
  const submissions = s.rows.flatMap((r): SubmissionDoc[] => {
    const parsed = submissionDocSchema.safeParse(r.doc);
    return parsed.success ? [parsed.data] : [];
  });
  const events = e.rows.flatMap((r): EventDoc[] => {
    const parsed = eventDocSchema.safeParse(r.doc);
    return parsed.success ? [parsed.data] : [];
  });
  const bookings = b.rows.flatMap((r) => {
    const doc = r.doc as { _id?: unknown; type?: unknown; date?: unknown } | undefined;
    return doc && doc.type === 'booking' && typeof doc._id === 'string' && typeof doc.date === 'string' ? [{ _id: doc._id, date: doc.date }] : [];
  });
  return planPurge({ submissions, events, bookings }, now, afterDays);
}

/**
 * Copy every document of `from` except `drop` into the empty `to`, revision histories included (PouchDB's own
 * replication, `new_edits: false` underneath: no new revisions), then the pull position. The pull position is
 * read first, so whatever another writer pulls into `from` meanwhile is at worst pulled again, never skipped.
 */
export async function copyWithout(from: LocalDb, to: LocalDb, drop: ReadonlySet<string>): Promise<{ copied: number }> {
  const position = await readPullPosition(from);
  const result = await from.replicate.to(to, {
    filter: (doc: { _id: string }) => !drop.has(doc._id),
    checkpoint: false,
    batch_size: 250,
  });
  if (!result.ok || result.doc_write_failures > 0) throw new Error(`copy failed: ${result.doc_write_failures} documents not written`);
  if (position) await writePullSeq(to, position.seq, true);
  return { copied: result.docs_written };
}
