/**
 * The signed-in user. The last good session is kept on the device so a station keeps working offline,
 * and when the server says the session is gone (401) intake goes on while sync waits for the password.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, currentSession, OfflineError, signIn, signOut, type SessionInfo } from '../../sync/api';
import { getSetting, putSetting, db } from '../../storage/db';

const KEY = 'session';

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
    const cached = (await getSetting<SessionInfo>(KEY)) ?? null;
    session.value = cached;
    checking = revalidate(cached);
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
      await putSetting(KEY, fresh); // the raw object: IndexedDB cannot clone Vue's proxies
    } catch (e) {
      // Offline or a server error: keep working with the last session. Only a 401 means "signed out".
      if (e instanceof ApiError && e.status === 401) expired.value = cached !== null;
      else if (!(e instanceof OfflineError)) console.warn('session check failed', e);
    }
  }

  async function login(username: string, password: string): Promise<void> {
    const previous = (await getSetting<SessionInfo>(KEY)) ?? null;
    const next = await signIn(username, password);
    if (previous && previous.username !== next.username) {
      // A different person on this device: nothing of the previous user's drafts may show.
      await db.drafts.clear();
    }
    session.value = next;
    expired.value = false;
    await putSetting(KEY, next);
  }

  function markExpired(): void {
    if (session.value) expired.value = true;
  }

  async function logout(): Promise<void> {
    await signOut().catch(() => undefined);
    await db.settings.delete(KEY);
    session.value = null;
    expired.value = false;
  }

  return { session, expired, restored, role, restore, checked, login, logout, markExpired };
});
