/**
 * PouchDB holds the replicated documents (DESIGN §3): the station's own database and the pull-only catalog.
 * Only this folder imports PouchDB. Remote databases go through the sync-server's `/sync/` proxy.
 */
import PouchDB from 'pouchdb-browser';

export type LocalDb = PouchDB.Database;

const open = new Map<string, LocalDb>();

export function localDb(name: string): LocalDb {
  let db = open.get(name);
  if (!db) {
    db = new PouchDB(name, { auto_compaction: true });
    open.set(name, db);
  }
  return db;
}

/** Remote database behind the proxy. `onUnauthorized` fires when the session is gone (401). */
export function remoteDb(name: string, onUnauthorized: () => void): LocalDb {
  return new PouchDB(`${location.origin}/sync/${name}`, {
    skip_setup: true,
    fetch: async (url: string | Request, opts?: RequestInit) => {
      const res = await fetch(url, { ...opts, credentials: 'same-origin' });
      if (res.status === 401) onUnauthorized();
      return res;
    },
  } as PouchDB.Configuration.RemoteDatabaseConfiguration);
}

export const stationDbName = (stationId: string): string => `station-${stationId}`;

/** Destroy every local replicated database this device opened (sign-out wipe). */
export async function destroyLocalDbs(names: string[]): Promise<void> {
  for (const name of names) {
    await localDb(name).destroy().catch(() => undefined);
    open.delete(name);
  }
}
