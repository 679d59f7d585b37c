/**
 * Dexie: the device's working data. Drafts (autosaved, never replicated half-done), scan blobs
 * with their upload state, per-document sync state, and settings such as the last session. Replicated
 * documents live in PouchDB (src/sync), not here.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { BlobType } from '../domain/documents';
import type { PurgedSubmission } from '../domain/purge';
import { DEXIE_NAME, DEXIE_TABLES, SETTING_KEYS } from './keys';
import { isStorageUnavailable } from './errors';

export { isQuotaError, isStorageUnavailable } from './errors';

export interface DraftPage {
  sha256: string;
  bytes: number;
  type: BlobType;
  /** Quality warnings from capture (blurred, dark); staff may keep the page. */
  warnings?: string[];
}

export interface Draft {
  id: string;
  stationId: string;
  matterId: string;
  uscc: string;
  enterpriseName: string;
  /** 一次采集: the enterprise profile (optional; drafts saved before it existed lack them). */
  enterpriseAddress?: string;
  legalRepresentative?: string;
  contactName?: string;
  contactPhone?: string;
  applicantName: string;
  idNumber: string;
  /** Pages per material id, in order. */
  pages: Record<string, DraftPage[]>;
  /** 容缺: non-core material id → the due date (YYYY-MM-DD) promised in the 告知承诺. */
  deficient: Record<string, string>;
  /** The applicant's signature under the 告知承诺 (needed when anything is deficient). */
  signature: DraftPage | null;
  /** 情景引导 answers: question id → option value. */
  answers: Record<string, string>;
  /** The matter version the draft is taken under, with its materials (to say what changed when a new one comes). */
  matterBase?: { matterId: string; version?: number; materials: { id: string; name: string; nameEn: string }[] };
  createdAt: string;
  updatedAt: string;
}

/** `draft`: belongs to an unsent draft; `pending`: submitted, waiting to upload; `uploaded`: server holds it. */
export type BlobState = 'draft' | 'pending' | 'uploaded';

export interface StoredBlob {
  sha256: string;
  blob: Blob;
  type: BlobType;
  bytes: number;
  state: BlobState;
  stationId: string;
  createdAt: string;
  uploadedAt?: string;
  attempts: number;
  lastError?: string;
}

/** What the device knows about a replicated document's trip to the server. */
export interface DocSyncState {
  id: string;
  /** Written on this device (not pulled): counts as unsynced work until pushed. */
  writtenAt?: string;
  pushedAt?: string;
  /** The server refused the document (403/400 in `_bulk_docs`): shown to staff, never retried blindly. */
  refused?: string;
}

/** A booking made offline, waiting to be sent (its clientRef makes a replay harmless). */
export interface QueuedBooking {
  clientRef: string;
  request: Record<string, unknown>;
  queuedAt: string;
  /** Last outcome when it was tried: network error text, or the server's refusal. */
  lastError?: string;
}

/**
 * 一次采集: what the device knows of an enterprise from its last intake here, keyed by USCC, to prefill the
 * next one. Never replicated; wiped at sign-out; the contact person and phone leave with the purge of the
 * submission they came from (src/storage/purge.ts).
 */
export interface EnterpriseProfile {
  uscc: string;
  name: string;
  address?: string;
  legalRepresentative?: string;
  contactName?: string;
  contactPhone?: string;
  /** The submission these values were last taken from. */
  sourceSubmissionId: string;
  updatedAt: string;
}

export interface Setting {
  key: string;
  value: unknown;
}

export class StationDexie extends Dexie {
  drafts!: EntityTable<Draft, 'id'>;
  blobs!: EntityTable<StoredBlob, 'sha256'>;
  docSync!: EntityTable<DocSyncState, 'id'>;
  settings!: EntityTable<Setting, 'key'>;
  bookingQueue!: EntityTable<QueuedBooking, 'clientRef'>;
  /** What stays of submissions whose personal fields have left the device (src/storage/purge.ts). */
  purged!: EntityTable<PurgedSubmission, '_id'>;
  /** 一次采集: enterprise profiles by USCC (src/storage/enterprises.ts). */
  enterprises!: EntityTable<EnterpriseProfile, 'uscc'>;

  constructor(name = DEXIE_NAME) {
    super(name);
    // Only the current schema: no version so far needed an upgrade function, and Dexie brings a database of any
    // earlier version (1: drafts…settings, 2: +bookingQueue, 3: +purged, 4: +enterprises) up to it by itself.
    // Declaring each version again cost every cold start their parsing (`npm run bench`, start).
    this.version(4).stores(DEXIE_TABLES);
  }
}

export const db = new StationDexie();

/** Whether the device's storage can be used right now; `retrying` while a lost connection is being reopened. */
export type StorageHealth = { available: true } | { available: false; reason: string; retryInMs: number };

/**
 * Chromium closes every IndexedDB connection of the origin after a write fails on a full disk, and an open
 * attempted while the disk is still full fails ("Internal error opening backing store"). Dexie keeps a failed
 * open for good: every later call rejects with it, so the app would need a reload that staff would not know to
 * do. `keepOpen` clears the failed state at once (the next call opens afresh, so an action taken once space is
 * back simply works) and reopens in the background with backoff, reporting while it cannot.
 */
export interface KeptOpen {
  health(): StorageHealth;
  onHealth(fn: (h: StorageHealth) => void): () => void;
  /** Run `fn`; if the database could not be opened, retry while it is reopened, for up to `withinMs`. */
  retrying<T>(fn: () => Promise<T>, withinMs?: number): Promise<T>;
}

export function keepOpen(d: Dexie, { firstDelayMs = 250, maxDelayMs = 8_000 } = {}): KeptOpen {
  let health: StorageHealth = { available: true };
  const listeners = new Set<(h: StorageHealth) => void>();
  const report = (h: StorageHealth): void => {
    health = h;
    for (const fn of listeners) fn(h);
  };
  let retrying = false;
  // An open that failed (not one closed on purpose, which `hasBeenClosed` tells apart).
  const failedOpen = (): boolean => d.hasFailed() && !d.hasBeenClosed();

  async function reopenLoop(reason: string): Promise<void> {
    if (retrying) return;
    retrying = true;
    let delay = firstDelayMs;
    try {
      for (;;) {
        report({ available: false, reason, retryInMs: delay });
        await new Promise((r) => setTimeout(r, delay));
        if (d.hasBeenClosed()) return; // closed on purpose meanwhile (sign-out, tests): not ours to reopen
        try {
          if (!d.isOpen()) await d.open();
          report({ available: true });
          return;
        } catch (e) {
          reason = (e as Error).message || reason;
          delay = Math.min(maxDelayMs, delay * 2);
        }
      }
    } finally {
      retrying = false;
    }
  }

  // Dexie fires `close` inside its failed-open path, before it marks the open complete: look a tick later.
  d.on('close', () => {
    setTimeout(() => {
      if (!failedOpen()) return;
      // Back to "not yet opened": the next call opens afresh instead of repeating the old failure.
      d.close({ disableAutoOpen: false });
      void reopenLoop('IndexedDB could not be opened');
    }, 0);
  });
  return {
    health: () => health,
    onHealth(fn) {
      listeners.add(fn);
      fn(health);
      return () => listeners.delete(fn);
    },
    async retrying(fn, withinMs = 6_000) {
      const until = Date.now() + withinMs;
      let delay = firstDelayMs;
      for (;;) {
        try {
          return await fn();
        } catch (e) {
          if (!isStorageUnavailable(e) || Date.now() + delay > until) throw e;
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(maxDelayMs, delay * 2);
        }
      }
    },
  };
}

/** The device database's health, for the app shell's banner. */
export const storageHealth = keepOpen(db);

export async function getSetting<T>(key: string): Promise<T | undefined> {
  return (await db.settings.get(key))?.value as T | undefined;
}

export async function putSetting(key: string, value: unknown): Promise<void> {
  await db.settings.put({ key, value });
}

/** Sign-out: everything personal leaves the device (the device id stays: it names the device, not a person). */
export async function wipeWorkingData(): Promise<void> {
  await db.transaction('rw', [db.drafts, db.blobs, db.docSync, db.settings, db.bookingQueue, db.purged, db.enterprises], async () => {
    await Promise.all([db.drafts.clear(), db.blobs.clear(), db.docSync.clear(), db.bookingQueue.clear(), db.purged.clear(), db.enterprises.clear()]);
    await db.settings.where('key').notEqual(SETTING_KEYS.deviceId).delete();
  });
}
