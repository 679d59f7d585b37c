/**
 * The signed-in user. The last good session is kept on the device so a station keeps working offline,
 * and when the server says the session is gone (401) intake goes on while sync waits for the password.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, currentSession, OfflineError, signIn, signOut, type SessionInfo } from '../../sync/api';
import { getSetting, db } from '../../storage/db';

/** Dexie key of the session in versions before it moved to localStorage (read once, then moved). */
const LEGACY_KEY = 'session';
/**
 * The session is kept in localStorage: read synchronously, the first route resolves without waiting for
 * IndexedDB to open (the cold start's critical path; `npm run bench`, start). It holds no secret (the cookie
 * is HttpOnly): who is signed in, role, station, expiry, and it goes at sign-out.
 */
const STORAGE_KEY = 'lxe:session';

function readStored(): SessionInfo | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as SessionInfo) : null;
  } catch {
    return null; // unreadable (or no storage): as if signed out on this device
  }
}

function store(value: SessionInfo | null): void {
  try {
    if (value) localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or unavailable: the session then lasts as long as the page (the server still has it).
  }
}

/** The browser's next idle moment (at most 2 s away). */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 2000 });
    else setTimeout(resolve, 0);
  });
}

async function readLegacy(): Promise<SessionInfo | null> {
  const legacy = (await getSetting<SessionInfo>(LEGACY_KEY).catch(() => undefined)) ?? null;
  if (legacy) {
    store(legacy);
    await db.settings.delete(LEGACY_KEY).catch(() => undefined);
  }
  return legacy;
}

export const useSessionStore = defineStore('session', () => {
  const session = ref<SessionInfo | null>(null);
  /** Signed in on this device, but the server session expired: sync needs the password again. */
  const expired = ref(false);
  const restored = ref(false);
  const role = computed(() => session.value?.role);

  /**
   * The last session on this device is used at once (offline-first: a slow or absent network never holds up
   * the start); the server is asked in the background, and only its 401 marks the session expired. With no
   * session on the device the server's answer decides.
   */
  async function restore(): Promise<void> {
    const cached = readStored() ?? (await readLegacy());
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
      store(fresh);
    } catch (e) {
      // Offline or a server error: keep working with the last session. Only a 401 means "signed out".
      if (e instanceof ApiError && e.status === 401) expired.value = cached !== null;
      else if (!(e instanceof OfflineError)) console.warn('session check failed', e);
    }
  }

  async function login(username: string, password: string): Promise<void> {
    const previous = readStored() ?? (await readLegacy());
    const next = await signIn(username, password);
    if (previous && previous.username !== next.username) {
      // A different person on this device: nothing of the previous user's drafts may show.
      await db.drafts.clear();
    }
    session.value = next;
    expired.value = false;
    store(next);
  }

  function markExpired(): void {
    if (session.value) expired.value = true;
  }

  async function logout(): Promise<void> {
    await signOut().catch(() => undefined);
    store(null);
    await db.settings.delete(LEGACY_KEY).catch(() => undefined);
    session.value = null;
    expired.value = false;
  }

  return { session, expired, restored, role, restore, checked, login, logout, markExpired };
});
