/**
 * Service worker registration and updates. A new version waits until the user chooses to reload: it never
 * reloads under an intake in progress (drafts autosave, so reloading when asked loses nothing).
 */
import { ref } from 'vue';
import { registerSW } from 'virtual:pwa-register';

/** A new version is installed and waiting. */
export const updateReady = ref(false);
let update: ((reload?: boolean) => Promise<void>) | undefined;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  update = registerSW({
    immediate: true,
    onNeedRefresh() {
      updateReady.value = true;
    },
    onRegisteredSW(_url, registration) {
      // Look for a new version every 30 minutes while the app stays open all day.
      if (registration) setInterval(() => void registration.update().catch(() => undefined), 30 * 60_000);
    },
  });
}

export async function applyUpdate(): Promise<void> {
  await update?.(true);
}
