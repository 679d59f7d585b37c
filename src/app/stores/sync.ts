/** Sync status for the indicator, and the one SyncEngine of a signed-in station device. */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { SyncEngine, type SyncStatus } from '../../sync/sync-engine';
import { useSessionStore } from './session';

export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus>({ phase: 'offline' });
  const engine = shallowRef<SyncEngine | null>(null);

  function start(stationId: string): SyncEngine {
    if (engine.value?.stationId === stationId) return engine.value;
    engine.value?.stop();
    const session = useSessionStore();
    const next = new SyncEngine(
      stationId,
      (s) => {
        status.value = s;
        if (s.phase === 'unauthorized') session.markExpired();
      },
      () => session.session?.purgeAfterDays,
    );
    engine.value = next;
    // App start: personal fields past their window leave the device first, online or not, signed in or expired.
    void next.purge();
    if (!session.expired) next.start();
    else status.value = { phase: 'unauthorized' }; // the header says why, in the UI's language
    return next;
  }

  function stop(): void {
    engine.value?.stop();
    engine.value = null;
  }

  return { status, engine, start, stop };
});
