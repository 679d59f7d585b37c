/**
 * Backup and restore of every database the product uses, scans included, against either store (the embedded
 * one or CouchDB) through the CouchDB HTTP API alone — so one format moves a district between the two.
 *
 * Layout of a backup directory:
 *   manifest.json            format, version, when, and per database: documents, attachments, file
 *   db/<name>.ndjson         one document per line (winning revision, `_rev` kept), attachments as references
 *   attachments/<sha256>     attachment bytes, named by their own hash (a scan kept in two places is stored once)
 * The manifest is written last: a backup cut short has none, and restore refuses it.
 *
 * What is left out, and why:
 * - `_local` documents (replication and feeder checkpoints). They carry sequence numbers of the store they came
 *   from; after a restore the store numbers its changes afresh, and a device resuming from an old checkpoint
 *   would skip the hall's new decisions until the numbers caught up (the classic restore trap). Without them
 *   every device and the feeder start over from 0 and compare revisions: nothing is sent twice, nothing skipped.
 * - Sessions and failure counters: a restored session could be one revoked after the backup was taken.
 *
 * Documents keep their revisions (`new_edits: false`), so devices that hold them see the same revision and
 * neither side sends it again.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, type WriteStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SESSIONS_DB } from '../auth/sessions';
import { LIMITS_DB } from '../auth/rate-limit';
import { view } from '../bytes';
import { StoreError, type CouchClient } from '../store/couch';

export const BACKUP_FORMAT = 'lxe-backup';
export const BACKUP_VERSION = 1;
/** Databases a backup leaves out (see above). */
export const NOT_BACKED_UP: readonly string[] = [SESSIONS_DB, LIMITS_DB];

export interface BackedUpDb {
  name: string;
  docs: number;
  attachments: number;
  /** Attachment bytes (before de-duplication). */
  bytes: number;
  file: string;
  security?: unknown;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  databases: BackedUpDb[];
}

export class BackupError extends Error {}

type Progress = (line: string) => void;

interface StoredDoc {
  _id: string;
  _rev: string;
  _attachments?: Record<string, { content_type: string; digest?: string; length?: number; stub?: boolean; data?: string; file?: string }>;
  [key: string]: unknown;
}

const PAGE = 500;
/** Attachments fetched at once while backing up. */
const ATTACHMENT_FETCHES = 8;
const fileNameOf = (db: string): string => `${encodeURIComponent(db)}.ndjson`;

function write(stream: WriteStream, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(line)) return resolve();
    stream.once('drain', resolve);
    stream.once('error', reject);
  });
}

const closed = (stream: WriteStream): Promise<void> => new Promise((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));

/** Every document of `db` in id order, a page at a time (memory stays flat however large the database). */
async function* documents(store: CouchClient, db: string): AsyncGenerator<StoredDoc> {
  let startkey: string | undefined;
  for (;;) {
    const query = `include_docs=true&limit=${PAGE}${startkey === undefined ? '' : `&startkey=${encodeURIComponent(JSON.stringify(startkey))}&skip=1`}`;
    const page = await store.json<{ rows: { id: string; doc?: StoredDoc }[] }>('GET', `/${db}/_all_docs?${query}`);
    for (const row of page.rows) if (row.doc) yield row.doc;
    if (page.rows.length < PAGE) return;
    startkey = page.rows.at(-1)!.id;
  }
}

export async function backupStore(store: CouchClient, dir: string, progress: Progress = () => undefined): Promise<Manifest> {
  if (existsSync(path.join(dir, 'manifest.json'))) throw new BackupError(`${dir} already holds a backup; choose an empty directory`);
  if (existsSync(dir) && readdirSync(dir).length) throw new BackupError(`${dir} is not empty; choose an empty directory`);
  mkdirSync(path.join(dir, 'db'), { recursive: true });
  mkdirSync(path.join(dir, 'attachments'), { recursive: true });
  const names = (await store.listDbs()).filter((n) => !n.startsWith('_') && !NOT_BACKED_UP.includes(n)).sort();
  const manifest: Manifest = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), databases: [] };
  for (const name of names) {
    const entry: BackedUpDb = { name, docs: 0, attachments: 0, bytes: 0, file: `db/${fileNameOf(name)}` };
    const security = await store.json<Record<string, unknown>>('GET', `/${name}/_security`).catch(() => undefined);
    if (security && Object.keys(security).length) entry.security = security;
    const out = createWriteStream(path.join(dir, entry.file));
    /** Fetch one document's attachments into files (the request time, not the bytes, is the cost: run several). */
    const saveAttachments = async (doc: StoredDoc): Promise<void> => {
      for (const [att, meta] of Object.entries(doc._attachments ?? {})) {
        const res = await store.fetch(`/${name}/${encodeURIComponent(doc._id)}/${encodeURIComponent(att)}?rev=${encodeURIComponent(doc._rev)}`);
        if (!res.ok) throw new BackupError(`${name}/${doc._id}: attachment ${att} could not be read (HTTP ${res.status})`);
        const bytes = Buffer.from(await res.arrayBuffer());
        const sha = createHash('sha256').update(view(bytes)).digest('hex');
        const file = path.join(dir, 'attachments', sha);
        if (!existsSync(file)) writeFileSync(file, view(bytes));
        doc._attachments![att] = { content_type: meta.content_type, file: sha, length: bytes.length };
        entry.attachments++;
        entry.bytes += bytes.length;
      }
    };
    try {
      let batch: StoredDoc[] = [];
      const flush = async (): Promise<void> => {
        for (let i = 0; i < batch.length; i += ATTACHMENT_FETCHES) await Promise.all(batch.slice(i, i + ATTACHMENT_FETCHES).map(saveAttachments));
        for (const doc of batch) await write(out, JSON.stringify(doc) + '\n'); // in id order, as read
        entry.docs += batch.length;
        batch = [];
      };
      for await (const doc of documents(store, name)) {
        batch.push(doc);
        if (batch.length >= PAGE) await flush();
      }
      await flush();
    } finally {
      await closed(out);
    }
    manifest.databases.push(entry);
    progress(`${name}: ${entry.docs} documents, ${entry.attachments} attachments (${(entry.bytes / 1e6).toFixed(1)} MB)`);
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) throw new BackupError(`${dir} holds no finished backup (no manifest.json)`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  if (manifest.format !== BACKUP_FORMAT || manifest.version !== BACKUP_VERSION || !Array.isArray(manifest.databases)) {
    throw new BackupError(`${dir}/manifest.json is not an ${BACKUP_FORMAT} version ${BACKUP_VERSION} manifest`);
  }
  return manifest as Manifest;
}

/** Documents in a database other than the ones the server makes for itself on start (empty ones are fine). */
async function holdsData(store: CouchClient, db: string): Promise<boolean> {
  try {
    const info = await store.json<{ doc_count: number }>('GET', `/${db}`);
    if (info.doc_count === 0) return false;
    // The server and the admin tool create indexes on start; a store holding only those counts as empty.
    const page = await store.json<{ rows: { id: string }[] }>('GET', `/${db}/_all_docs?limit=50`);
    return page.rows.some((r) => !r.id.startsWith('_design/'));
  } catch (e) {
    if (e instanceof StoreError && e.status === 404) return false;
    throw e;
  }
}

/** Attachment bytes that go into one `_bulk_docs` request at most (base64 makes them a third larger). */
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_DOCS = 200;

export interface RestoreSummary {
  databases: number;
  docs: number;
  attachments: number;
}

/**
 * Restore a backup into a store whose databases are missing or empty (a restore never mixes with live data:
 * stop the server, start from an empty store, restore, start the server).
 */
export async function restoreStore(store: CouchClient, dir: string, progress: Progress = () => undefined): Promise<RestoreSummary> {
  const manifest = readManifest(dir);
  for (const db of manifest.databases) {
    if (await holdsData(store, db.name)) throw new BackupError(`database ${db.name} already holds documents; restore needs an empty store (nothing was written)`);
  }
  const summary: RestoreSummary = { databases: 0, docs: 0, attachments: 0 };
  for (const db of manifest.databases) {
    await store.ensureDb(db.name);
    if (db.security) await store.json('PUT', `/${db.name}/_security`, db.security);
    let batch: StoredDoc[] = [];
    let batchBytes = 0;
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      const results = await store.bulkDocs(db.name, batch, false);
      const failed = results.filter((r) => r.error);
      if (failed.length) throw new BackupError(`${db.name}: ${failed.length} documents were refused (first: ${failed[0]!.id}: ${failed[0]!.error} ${failed[0]!.reason ?? ''})`);
      batch = [];
      batchBytes = 0;
    };
    const lines = createInterface({ input: createReadStream(path.join(dir, db.file)), crlfDelay: Infinity });
    let docs = 0;
    for await (const line of lines) {
      if (!line) continue;
      const doc = JSON.parse(line) as StoredDoc;
      for (const [att, meta] of Object.entries(doc._attachments ?? {})) {
        const bytes = readFileSync(path.join(dir, 'attachments', meta.file ?? ''));
        if (createHash('sha256').update(view(bytes)).digest('hex') !== meta.file) throw new BackupError(`${db.name}/${doc._id}: attachment ${att} is damaged in the backup`);
        doc._attachments![att] = { content_type: meta.content_type, data: bytes.toString('base64') };
        batchBytes += bytes.length;
        summary.attachments++;
      }
      batch.push(doc);
      docs++;
      if (batch.length >= BATCH_DOCS || batchBytes >= BATCH_BYTES) await flush();
    }
    await flush();
    if (docs !== db.docs) throw new BackupError(`${db.name}: the backup lists ${db.docs} documents but its file holds ${docs}`);
    summary.databases++;
    summary.docs += docs;
    progress(`${db.name}: ${docs} documents restored`);
  }
  return summary;
}
