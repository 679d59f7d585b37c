/**
 * Every name the app stores data under on the device, in one place: the Dexie database and its tables, the
 * keys of Dexie's `settings` table, and the few localStorage keys (small things read synchronously at start).
 * A new key goes here, so sign-out's wipe and anyone reading the device can see the whole list.
 */

/** The IndexedDB database Dexie opens. */
export const DEXIE_NAME = 'louxiaoer-station';

/** Dexie's tables and their indexes (the current schema version only). */
export const DEXIE_TABLES = {
  drafts: 'id, stationId, updatedAt',
  blobs: 'sha256, state, stationId',
  docSync: 'id',
  settings: 'key',
  bookingQueue: 'clientRef, queuedAt',
  purged: '_id, stationId',
  enterprises: 'uscc, sourceSubmissionId',
} as const;

const SUPPLEMENT_PREFIX = 'supplement:';

/** Keys of the `settings` table. */
export const SETTING_KEYS = {
  /** The durable copy of the session (the fast one is in localStorage). */
  session: 'session',
  /** Names this device (not a person): the only setting that outlives sign-out. */
  deviceId: 'deviceId',
  /** The catalog as last read, for a fast first screen. */
  catalogSnapshot: 'catalogSnapshot',
  /** Stations and matters an enterprise user last saw, for offline booking. */
  enterpriseStatic: 'enterprise:static',
  /** Pages of a 补正 or 容缺 supplement being prepared for one submission (all such keys start with the prefix). */
  supplement: (submissionId: string): string => `${SUPPLEMENT_PREFIX}${submissionId}`,
  supplementPrefix: SUPPLEMENT_PREFIX,
} as const;

/** sessionStorage keys: work that must survive a reload of the tab, not the end of it. */
export const SESSION_KEYS = {
  /** The catalog editor's unpublished matter (src/features/catalog-admin). */
  catalogDraft: 'lxe:catalog-draft',
} as const;

/** localStorage keys. */
export const LOCAL_KEYS = {
  session: 'lxe:session',
  syncLog: 'lxe-sync-log',
  lastSync: 'lxe-last-sync',
  /** The UI language: kept across sign-out. */
  locale: 'lxe-locale',
  /** Which generation of a local PouchDB database is current (src/sync/pouch.ts). */
  localDbPointer: (base: string): string => `lxe:localdb:${base}`,
} as const;
