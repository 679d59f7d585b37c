/** The device's storage as the screens see it: whether it can be used now, how full it may get, keeping it. */
import { onUnmounted, ref, type Ref } from 'vue';
import { whenDbLoaded } from '../storage/device-db';

export { requestPersistence, STORAGE_WARN_RATIO } from '../storage/quota';

/** Whether the device database can be used right now (it reopens by itself after a storage failure). */
export function useStorageAvailable(): Ref<boolean> {
  const available = ref(true);
  // The database module loads after the first screen (not for this): until then nothing can have failed.
  let unmounted = false;
  let stop: () => void = () => undefined;
  onUnmounted(() => {
    unmounted = true;
    stop();
  });
  void whenDbLoaded().then(({ storageHealth }) => {
    if (!unmounted) stop = storageHealth.onHealth((h) => (available.value = h.available));
  });
  return available;
}
