/**
 * The signed-in user. The last good session is kept on the device so a station keeps working offline,
 * and when the server says the session is gone (401) intake goes on while sync waits for the password.
 * Sign-out lives here too: it stops sync and wipes the device's personal data.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiError, currentSession, OfflineError, signIn, signOut as endServerSession, type SessionInfo } from '../../sync/api';
import { loadDb } from '../../storage/device-db';
import { LOCAL_KEYS, SETTING_KEYS } from '../../storage/keys';
import { useSyncStore } from './sync';

/** The durable copy, in Dexie (also where versions before the localStorage copy kept it). */
const DURABLE_KEY = SETTING_KEYS.session;
/**
 * The session is read from localStorage: synchronously, so the first route resolves without waiting for
 * IndexedDB to open (the cold start's critical path; `npm run bench`, start). It holds no secret (the cookie
 * is HttpOnly): who is signed in, role, station, expiry, and it goes at sign-out. A copy is kept in Dexie too,
 * because Chromium writes localStorage to disk a few seconds late: a browser killed right after sign-in lost the
 * localStorage copy (the fault suite's browser-kill run), and then the Dexie copy brings it back.
 */
const STORAGE_KEY = LOCAL_KEYS.session;

function readStored(): SessionInfo | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as SessionInfo) : null;
  } catch {
    return null; // unreadable (or no storage): as if signed out on this device
  }
}

function storeFast(value: SessionInfo | null): void {
  try {
    if (value) localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or unavailable: the Dexie copy still holds it.
  }
}

/** Both copies. The Dexie write is awaited where it matters (sign-in, sign-out), never on the start path. */
async function store(value: SessionInfo | null): Promise<void> {
  storeFast(value);
  // The raw object: IndexedDB cannot clone Vue's proxies.
  const { db, putSetting } = await loadDb();
  if (value) await putSetting(DURABLE_KEY, JSON.parse(JSON.stringify(value)) as SessionInfo).catch((e: unknown) => console.warn('session: durable copy not written', e));
  else await db.settings.delete(DURABLE_KEY).catch(() => undefined);
}

/** The Dexie copy, when localStorage has none (lost in a crash, or written by an older version). */
async function readDurable(): Promise<SessionInfo | null> {
  const durable = (await loadDb().then(({ getSetting }) => getSetting<SessionInfo>(DURABLE_KEY)).catch(() => undefined)) ?? null;
  if (durable) storeFast(durable);
  return durable;
}

/** Why a sign-in failed, when it is one the sign-in form words itself (else the server's reason is shown). */
export function signInProblem(e: unknown): 'offline' | 'tooMany' | 'wrong' | null {
  if (e instanceof OfflineError) return 'offline';
  if (e instanceof ApiError && e.status === 429) return 'tooMany';
  if (e instanceof ApiError && e.status === 401) return 'wrong';
  return null;
}

/** What sign-out would lose: documents, pages and drafts not yet on the server. */
export interface Unsynced {
  docs: number;
  pages: number;
  drafts: number;
}

/** The browser's next idle moment (at most 2 s away). */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 0);
  });
}

/** How long a retired device keeps syncing to push what it has before it signs out. */
const RETIRE_PUSH_MS = 60_000;

export const useSessionStore = defineStore('session', () => {
  const session = ref<SessionInfo | null>(null);
  /** Signed in on this device, but the server session expired: sync needs the password again. */
  const expired = ref(false);
  const restored = ref(false);
  const role = computed(() => session.value?.role);

  const sync = useSyncStore();
  sync.linkSession({ expired: () => expired.value, purgeAfterDays: () => session.value?.purgeAfterDays, markExpired });
  // The password given again after an expiry: sync resumes by itself (the engine stopped at the 401).
  watch(expired, (now, before) => {
    if (before && !now) sync.engine?.signedInAgain();
  });

  /**
   * The last session on this device is used at once (offline-first: a slow or absent network never holds up
   * the start); the server is asked in the background, and only its 401 marks the session expired. With no
   * session on the device the server's answer decides.
   */
  async function restore(): Promise<void> {
    const cached = readStored() ?? (await readDurable());
    session.value = cached;
    // With a session on the device the check waits for a quiet moment: it is a request through the service
    // worker that the first screen does not need (and offline it only fails).
    checking = cached ? whenIdle().then(() => revalidate(cached)) : revalidate(null);
    if (!cached) await checking;
    restored.value = true;
  }

  let checking: Promise<void> = Promise.resolve();
  /** Resolves once the server has answered (or failed to answer) the background session check. */
  function checked(): Promise<void> {
    return checking;
  }

  async function revalidate(cached: SessionInfo | null): Promise<void> {
    try {
      const fresh = await currentSession();
      session.value = fresh;
      expired.value = false;
      await store(fresh);
    } catch (e) {
      // Offline or a server error: keep working with the last session. Only a 401 means "signed out".
      if (e instanceof ApiError && e.status === 401) expired.value = cached !== null;
      else if (!(e instanceof OfflineError)) console.warn('session check failed', e);
    }
  }

  async function login(username: string, password: string): Promise<void> {
    const previous = readStored() ?? (await readDurable());
    const next = await signIn(username, password);
    if (previous && previous.username !== next.username) {
      // A different person on this device: nothing of the previous user's drafts may show.
      await (await loadDb()).db.drafts.clear();
    }
    session.value = next;
    expired.value = false;
    await store(next);
  }

  function markExpired(): void {
    if (session.value) expired.value = true;
  }

  async function logout(): Promise<void> {
    await endServerSession().catch(() => undefined);
    await store(null);
    session.value = null;
    expired.value = false;
  }

  /**
   * Sign-out wipes the device's personal data, so first make sure nothing would be lost: with anything
   * unsynced, `confirmLoss` decides. False when the user chose to stay signed in.
   */
  async function signOut(confirmLoss: (left: Unsynced) => boolean | Promise<boolean>, { wipe = true }: { wipe?: boolean } = {}): Promise<boolean> {
    // The engine knows what is unsynced; it loads on demand, so load it if this session has not yet.
    const stationId = role.value === 'station' ? session.value?.station : undefined;
    const engine = sync.engine ?? (stationId ? await sync.start(stationId) : null);
    if (engine && wipe) {
      const left = await engine.unsynced();
      if (left.docs + left.pages + left.drafts > 0 && !(await confirmLoss(left))) return false;
    }
    const names = engine ? [engine.local.name, 'catalog'] : [];
    sync.stop();
    sync.retired = false;
    await logout();
    if (!wipe) return true;
    sync.clearLog();
    await (await loadDb()).wipeWorkingData();
    if (names.length) await (await import('../../sync/pouch')).destroyLocalDbs(names);
    return true;
  }

  /**
   * An administrator retired this device (lost or stolen): push what is left while sync runs on, then sign out
   * and wipe. Work that cannot be pushed (the session was ended, offline, open drafts) is kept and the device
   * only signs out, so nothing is lost: whoever signs in next syncs it, and the next heartbeat wipes.
   */
  async function retireDevice(): Promise<void> {
    const engine = sync.engine;
    if (!engine) return;
    const deadline = Date.now() + RETIRE_PUSH_MS;
    let left = await engine.unsynced();
    while (left.docs + left.pages > 0 && sync.status.phase !== 'unauthorized' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      left = await engine.unsynced();
    }
    const clean = left.docs + left.pages + left.drafts === 0;
    await signOut(() => clean, { wipe: clean });
  }

  return { session, expired, restored, role, restore, checked, login, logout, signOut, retireDevice, markExpired };
});
