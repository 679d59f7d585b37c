/** The device's storage as the screens see it: whether it can be used now, how full it may get, keeping it. */
import { onUnmounted, ref, type Ref } from 'vue';
import { storageHealth } from '../storage/db';

export { requestPersistence, STORAGE_WARN_RATIO } from '../storage/quota';

/** Whether the device database can be used right now (it reopens by itself after a storage failure). */
export function useStorageAvailable(): Ref<boolean> {
  const available = ref(true);
  onUnmounted(storageHealth.onHealth((h) => (available.value = h.available)));
  return available;
}
