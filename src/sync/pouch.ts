/**
 * PouchDB holds the replicated documents: the station's own database and the pull-only catalog.
 * Only this folder imports PouchDB. Remote databases go through the sync-server's `/sync/` proxy.
 */
import PouchDB from 'pouchdb-browser';
import { LOCAL_KEYS } from '../storage/keys';

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

/**
 * A fresh instance in place of one whose IndexedDB connection the browser closed (it does that to every
 * connection of the origin after a storage failure such as a full disk); PouchDB cannot reopen an instance.
 */
export async function reopenDb(name: string): Promise<LocalDb> {
  const old = open.get(name);
  open.delete(name);
  // Closing drops the adapter's cached connection (the browser's `close` does not), so the new one is fresh.
  await old?.close().catch(() => undefined);
  return localDb(name);
}

/** True for the error of an operation on a connection the browser has closed. */
export function isClosedConnection(e: unknown): boolean {
  const err = e as { name?: string; message?: string; reason?: unknown } | undefined;
  const text = `${err?.name ?? ''} ${err?.message ?? ''} ${typeof err?.reason === 'string' ? err.reason : ''}`;
  return /connection is closing|database is closed|InvalidStateError|backing store/i.test(text);
}

/** Remote database behind the proxy. `onUnauthorized` fires when the session is gone (401). */
export function remoteDb(name: string, onUnauthorized: () => void): LocalDb {
  const remote: LocalDb = new PouchDB(`${location.origin}/sync/${name}`, {
    skip_setup: true,
    fetch: async (url: string | Request, opts?: RequestInit) => {
      const res = await fetch(url, { ...opts, credentials: 'same-origin' });
      if (res.status === 401) onUnauthorized();
      return res;
    },
  } as PouchDB.Configuration.RemoteDatabaseConfiguration);
  // PouchDB 9's replication reads the source's `info()` after every batch, for its task list only, and attaches no
  // catch: a network drop mid-batch of a multi-batch pull (a district-size catalog) was an unhandled "Failed to
  // fetch" in the page. The figure is progress only, so a failed read answers a neutral one; the replication
  // itself still sees the failure through its own requests and retries.
  const info = remote.info.bind(remote);
  remote.info = (() => info().catch((): PouchDB.Core.DatabaseInfo => ({ db_name: name, doc_count: 0, update_seq: 0 }))) as LocalDb['info'];
  return remote;
}

export const stationDbName = (stationId: string): string => `station-${stationId}`;

/**
 * A station database is rebuilt on the device when personal fields must leave it (src/sync/purge.ts): the copy
 * goes into a new generation `<base>@<suffix>`, and a pointer in localStorage (synchronous, so the SyncEngine
 * can open the right one in its constructor) says which generation is current. Generations being built or
 * being retired are listed too, so whatever a crash leaves behind is destroyed at the next start.
 */
interface Generations {
  current: string;
  /** Built but not current (interrupted rebuild), or replaced: to destroy. */
  retired: string[];
}

const pointerKey = LOCAL_KEYS.localDbPointer;
const baseOf = (name: string): string => name.split('@')[0] ?? name;

function readGenerations(base: string): Generations {
  try {
    const raw = localStorage.getItem(pointerKey(base));
    const parsed = raw ? (JSON.parse(raw) as Partial<Generations>) : {};
    return {
      current: typeof parsed.current === 'string' && baseOf(parsed.current) === base ? parsed.current : base,
      retired: Array.isArray(parsed.retired) ? parsed.retired.filter((n): n is string => typeof n === 'string' && baseOf(n) === base) : [],
    };
  } catch {
    return { current: base, retired: [] };
  }
}

function writeGenerations(base: string, g: Generations): void {
  localStorage.setItem(pointerKey(base), JSON.stringify(g));
}

/** The name of the current local generation of database `base` (`base` itself until the first rebuild). */
export function currentLocalName(base: string): string {
  return readGenerations(base).current;
}

/** A fresh, empty generation of `base`, recorded as retired until {@link commitGeneration} makes it current. */
export function newGeneration(base: string): LocalDb {
  const g = readGenerations(base);
  const name = `${base}@${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  writeGenerations(base, { current: g.current, retired: [...g.retired, name] });
  return localDb(name);
}

/** Make `name` the current generation; the previous one is retired (destroy it with {@link destroyRetired}). */
export function commitGeneration(name: string): void {
  const base = baseOf(name);
  const g = readGenerations(base);
  writeGenerations(base, { current: name, retired: [...g.retired.filter((n) => n !== name), g.current] });
}

/** Destroy every retired generation of `base` (never the current one). */
export async function destroyRetired(base: string): Promise<void> {
  const g = readGenerations(base);
  for (const name of g.retired) {
    if (name === g.current) continue;
    await localDb(name).destroy().catch(() => undefined);
    open.delete(name);
    const now = readGenerations(base);
    writeGenerations(base, { current: now.current, retired: now.retired.filter((n) => n !== name) });
  }
}

/** Destroy every local replicated database this device opened (sign-out wipe), with all their generations. */
export async function destroyLocalDbs(names: string[]): Promise<void> {
  for (const name of names) {
    const base = baseOf(name);
    const g = readGenerations(base);
    for (const each of new Set([name, base, g.current, ...g.retired])) {
      await localDb(each).destroy().catch(() => undefined);
      open.delete(each);
    }
    try {
      localStorage.removeItem(pointerKey(base));
    } catch {
      // no storage: nothing was recorded either
    }
  }
}
