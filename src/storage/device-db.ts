/**
 * The device database without Dexie, for the station's first screen: Dexie (30 KB gzip) is loaded once that
 * screen is drawn, and what the screen needs first — the catalog snapshot and the station's drafts — is read
 * with plain IndexedDB meanwhile. Everything else goes through `loadDb()`, the one Dexie module.
 *
 * The plain reads only use a database that already exists at the current schema; a new device, or one whose
 * database Dexie has still to upgrade, reads through Dexie instead (which creates or upgrades it).
 */
import type * as DbModuleTypes from './db';
import type { Draft } from './db';
import { DEXIE_NAME, DEXIE_TABLES } from './keys';

type DbModule = typeof DbModuleTypes;
let dbModule: Promise<DbModule> | undefined;
let announce: (module: Promise<DbModule>) => void = () => undefined;
const announced = new Promise<DbModule>((resolve) => (announce = resolve));

/** The Dexie database module (loaded on first use, then shared). */
export function loadDb(): Promise<DbModule> {
  if (!dbModule) {
    dbModule = import('./db');
    announce(dbModule);
  }
  return dbModule;
}

/** The database module once something has loaded it (for watchers that must not load it themselves). */
export function whenDbLoaded(): Promise<DbModule> {
  return announced;
}

/** The device database when it exists with every table of the current schema, else null. Never creates it. */
function openExisting(): Promise<IDBDatabase | null> {
  return new Promise((resolve) => {
    try {
      const request = indexedDB.open(DEXIE_NAME);
      // No database yet: creating it (with its schema) is Dexie's job.
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
      request.onsuccess = () => {
        const idb = request.result;
        if (Object.keys(DEXIE_TABLES).every((table) => idb.objectStoreNames.contains(table))) resolve(idb);
        else {
          idb.close();
          resolve(null);
        }
      };
    } catch {
      resolve(null);
    }
  });
}

/** One read of one table with plain IndexedDB; `undefined` when it cannot be done that way. */
async function plainRead<T>(table: keyof typeof DEXIE_TABLES, read: (store: IDBObjectStore) => IDBRequest): Promise<{ value: T } | undefined> {
  const idb = await openExisting();
  if (!idb) return undefined;
  try {
    return await new Promise<{ value: T } | undefined>((resolve) => {
      const request = read(idb.transaction(table, 'readonly').objectStore(table));
      request.onsuccess = () => resolve({ value: request.result as T });
      request.onerror = () => resolve(undefined);
    });
  } catch {
    return undefined;
  } finally {
    idb.close();
  }
}

/** A setting, for the first screen (see above); through Dexie when the plain read cannot be done. */
export async function readSettingFirst<T>(key: string): Promise<T | undefined> {
  const plain = await plainRead<{ value: unknown } | undefined>('settings', (store) => store.get(key));
  if (plain) return plain.value?.value as T | undefined;
  return (await loadDb()).getSetting<T>(key);
}

/** A station's drafts, oldest change first, for the first screen (see above). */
export async function stationDraftsFirst(stationId: string): Promise<Draft[]> {
  const plain = await plainRead<Draft[]>('drafts', (store) => store.index('stationId').getAll(stationId));
  if (plain) return plain.value.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0));
  const { db } = await loadDb();
  return db.drafts.where('stationId').equals(stationId).sortBy('updatedAt');
}
