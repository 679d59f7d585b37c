/**
 * Sync status for the indicator, and the one SyncEngine of a signed-in station device. The engine (PouchDB,
 * replication, uploader, purge) is loaded on demand, after the first screen is up: it is most of the
 * station's JavaScript and nothing on the first screen needs it (the catalog comes from a Dexie snapshot).
 * The session store links itself here (`linkSession`): it owns sign-in and sign-out, which stop and resume
 * the engine, so it imports this store and not the other way round.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SyncEngine, SyncStatus } from '../../sync/sync-engine';
import type * as EngineModuleTypes from '../../sync/sync-engine';
import { LOCAL_KEYS } from '../../storage/keys';

type EngineModule = typeof EngineModuleTypes;
let engineModule: Promise<EngineModule> | undefined;
const loadEngineModule = (): Promise<EngineModule> => (engineModule ??= import('../../sync/sync-engine'));

/** One line of the sync log staff can read: when the device went offline, synced, failed, and why. */
export interface SyncLogEntry {
  at: string;
  phase: SyncStatus['phase'];
  message?: string;
}

const LOG_KEY = LOCAL_KEYS.syncLog;
const LAST_SYNC_KEY = LOCAL_KEYS.lastSync;
/** Kept on the device (localStorage: small, no personal data) so the log survives reloads; newest first. */
export const SYNC_LOG_SIZE = 50;

function readLog(): SyncLogEntry[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(LOG_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as SyncLogEntry[]).slice(0, SYNC_LOG_SIZE) : [];
  } catch {
    return [];
  }
}

/** What the engine needs of the signed-in session. */
export interface SessionLink {
  expired(): boolean;
  purgeAfterDays(): number | undefined;
  markExpired(): void;
}
const NO_SESSION: SessionLink = { expired: () => false, purgeAfterDays: () => undefined, markExpired: () => undefined };

export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus>({ phase: 'offline' });
  const engine = shallowRef<SyncEngine | null>(null);
  const log = ref<SyncLogEntry[]>(readLog());
  const lastSyncAt = ref<string | null>(localStorage.getItem(LAST_SYNC_KEY));
  /** An administrator retired this device: the shell pushes what it has, then signs out and wipes. */
  const retired = ref(false);
  let starting: { stationId: string; promise: Promise<SyncEngine> } | undefined;

  let session = NO_SESSION;
  function linkSession(link: SessionLink): void {
    session = link;
  }

  /** Status from the engine: shown at once; a change of phase (or a new error) becomes a line of the log. */
  function report(s: SyncStatus): void {
    const before = status.value;
    status.value = s;
    if (s.lastSyncAt && s.lastSyncAt !== lastSyncAt.value) {
      lastSyncAt.value = s.lastSyncAt;
      localStorage.setItem(LAST_SYNC_KEY, s.lastSyncAt);
    }
    const newest = log.value[0];
    if (newest && newest.phase === s.phase && (newest.message ?? '') === (s.message ?? '')) return;
    if (before.phase === s.phase && s.phase !== 'error') return;
    log.value = [{ at: new Date().toISOString(), phase: s.phase, ...(s.phase === 'error' && s.message ? { message: s.message } : {}) }, ...log.value].slice(0, SYNC_LOG_SIZE);
    try {
      localStorage.setItem(LOG_KEY, JSON.stringify(log.value));
    } catch {
      // A full disk: the log is a convenience, the data is not at stake.
    }
  }

  /** Sign-out: the log and the last sync time go with the rest of the device's working data. */
  function clearLog(): void {
    log.value = [];
    lastSyncAt.value = null;
    localStorage.removeItem(LOG_KEY);
    localStorage.removeItem(LAST_SYNC_KEY);
  }

  /** The engine for this station, started once (later calls get the same one). */
  function start(stationId: string): Promise<SyncEngine> {
    if (engine.value?.stationId === stationId) return Promise.resolve(engine.value);
    if (starting?.stationId === stationId) return starting.promise;
    const promise = loadEngineModule().then(({ SyncEngine }) => {
      if (engine.value?.stationId === stationId) return engine.value;
      engine.value?.stop();
      const next = new SyncEngine(
        stationId,
        (s) => {
          report(s);
          if (s.phase === 'unauthorized') session.markExpired();
        },
        () => session.purgeAfterDays(),
        () => (retired.value = true),
      );
      engine.value = next;
      // A submit cut short by a closed tab is finished whatever screen the app opens on (not only the intake).
      void import('../../storage/drafts')
        .then(({ finishInterruptedSubmits }) => finishInterruptedSubmits(stationId, (id) => next.local.get(id).then(() => true, () => false)))
        .catch(() => undefined);
      // App start: personal fields past their window leave the device first, online or not, signed in or expired.
      void next.purge();
      if (!session.expired()) next.start();
      else report({ phase: 'unauthorized' }); // the header says why, in the UI's language
      return next;
    });
    starting = { stationId, promise };
    void promise.finally(() => {
      if (starting?.promise === promise) starting = undefined;
    });
    return promise;
  }

  function stop(): void {
    starting = undefined;
    engine.value?.stop();
    engine.value = null;
  }

  return { status, engine, log, lastSyncAt, retired, linkSession, report, clearLog, start, stop };
});
