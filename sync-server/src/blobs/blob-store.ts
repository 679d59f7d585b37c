/**
 * Content-addressed scan storage: each blob is an attachment in `lxe-blobs`, a database no device replicates,
 * with the stations that uploaded it (they, and the hall, may read it). Storing is idempotent: the same bytes
 * twice store nothing new. No HTTP here.
 */
import type { BlobType } from '../../../src/domain/documents';
import { StoreError, type CouchClient } from '../store/couch';

export const BLOBS_DB = 'lxe-blobs';
export const blobDocId = (sha256: string): string => `blob:${sha256}`;

export interface BlobDoc {
  _id: string;
  _rev?: string;
  type: BlobType;
  bytes: number;
  /** Stations that uploaded these bytes: they (and the hall) may read them. Missing when a process died between
   * writing the bytes and this metadata (the next upload of the same bytes fills it in). */
  stations?: string[];
  createdAt: string;
  _attachments?: Record<string, { content_type: string; length: number }>;
}

/**
 * Keep `body` (already checked to hash to `sha256` and to be of `type`) as uploaded by `stationId`.
 * `stored` is false when the bytes were there already (the station is then recorded as an owner).
 */
export async function storeBlob(store: CouchClient, sha256: string, type: BlobType, body: Buffer, stationId: string): Promise<{ stored: boolean }> {
  const id = blobDocId(sha256);
  // New bytes (the usual case): bytes and metadata in one write, so there is never one without the other.
  // A conflict means the document is there already: the careful path below handles it.
  const fresh: Omit<BlobDoc, '_attachments'> & { _attachments: Record<string, { content_type: string; data: string }> } = {
    _id: id,
    type,
    bytes: body.length,
    createdAt: new Date().toISOString(),
    stations: [stationId],
    _attachments: { data: { content_type: type, data: body.toString('base64') } },
  };
  try {
    await store.put(BLOBS_DB, fresh);
    return { stored: true };
  } catch (e) {
    if (!(e instanceof StoreError && e.status === 409)) throw e;
  }
  const existing = await store.get<BlobDoc>(BLOBS_DB, id);
  if (existing?._attachments?.data) {
    // `stations` is missing when a process died between the bytes and the metadata: this upload repairs it.
    if (!(existing.stations ?? []).includes(stationId) || existing.type === undefined) {
      await store.upsert<BlobDoc>(BLOBS_DB, id, (old) =>
        old && (!(old.stations ?? []).includes(stationId) || old.type === undefined)
          ? { ...old, type: old.type ?? type, bytes: old.bytes ?? body.length, createdAt: old.createdAt ?? new Date().toISOString(), stations: [...(old.stations ?? []), stationId] }
          : undefined,
      );
    }
    return { stored: false };
  }
  // Attachment first, then metadata: a crash between leaves a blob without owners, which the next
  // upload of the same bytes repairs (the branch above), and never metadata without bytes.
  try {
    await store.putAttachment(BLOBS_DB, id, 'data', existing?._rev, body, type);
  } catch (e) {
    if (!(e instanceof StoreError && e.status === 409)) throw e;
  }
  await store.upsert<BlobDoc>(BLOBS_DB, id, (old) => {
    const stations = old?.stations ?? [];
    return {
      ...(old ?? { _id: id }),
      _id: id,
      type,
      bytes: body.length,
      createdAt: old?.createdAt ?? new Date().toISOString(),
      stations: stations.includes(stationId) ? stations : [...stations, stationId],
    };
  });
  return { stored: true };
}

/**
 * A blob's type and bytes for a reader: the hall reads any, a station only what it uploaded. Undefined for
 * "missing" and "someone else's" alike.
 */
export async function readBlob(store: CouchClient, sha256: string, reader: { role: string; stationId?: string | undefined }): Promise<{ type: BlobType; bytes: Buffer } | undefined> {
  const doc = await store.get<BlobDoc>(BLOBS_DB, blobDocId(sha256));
  const allowed = doc && (reader.role === 'hall' || (reader.stationId !== undefined && (doc.stations ?? []).includes(reader.stationId)));
  if (!doc || !doc._attachments?.data || !allowed) return undefined;
  const upstream = await store.fetch(`/${BLOBS_DB}/${encodeURIComponent(blobDocId(sha256))}/data`);
  if (!upstream.ok) return undefined;
  return { type: doc.type, bytes: Buffer.from(await upstream.arrayBuffer()) };
}

/** The subset of `hashes` whose bytes the server holds (uploaded by `stationId`, when given). */
export async function presentBlobs(store: CouchClient, hashes: string[], stationId?: string): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const { rows } = await store.allDocs<BlobDoc>(BLOBS_DB, { keys: hashes.map(blobDocId), include_docs: true });
  const out = new Set<string>();
  for (const row of rows) if (row.doc?._attachments?.data && (stationId === undefined || (row.doc.stations ?? []).includes(stationId))) out.add(row.key.slice('blob:'.length));
  return out;
}
