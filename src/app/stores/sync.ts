/**
 * Sync status for the indicator, and the one SyncEngine of a signed-in station device. The engine (PouchDB,
 * replication, uploader, purge) is loaded on demand, after the first screen is up: it is most of the
 * station's JavaScript and nothing on the first screen needs it (the catalog comes from a Dexie snapshot).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SyncEngine, SyncStatus } from '../../sync/sync-engine';
import type * as EngineModuleTypes from '../../sync/sync-engine';
import { useSessionStore } from './session';

type EngineModule = typeof EngineModuleTypes;
let engineModule: Promise<EngineModule> | undefined;
const loadEngineModule = (): Promise<EngineModule> => (engineModule ??= import('../../sync/sync-engine'));

export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus>({ phase: 'offline' });
  const engine = shallowRef<SyncEngine | null>(null);
  let starting: { stationId: string; promise: Promise<SyncEngine> } | undefined;

  /** The engine for this station, started once (later calls get the same one). */
  function start(stationId: string): Promise<SyncEngine> {
    if (engine.value?.stationId === stationId) return Promise.resolve(engine.value);
    if (starting?.stationId === stationId) return starting.promise;
    const promise = loadEngineModule().then(({ SyncEngine }) => {
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

  return { status, engine, start, stop };
});
