/**
 * Service worker registration and updates. A new version waits until the user chooses to reload: it never
 * reloads under an intake in progress (drafts autosave, so reloading when asked loses nothing).
 */
import { ref } from 'vue';
import { registerSW } from 'virtual:pwa-register';

/** A new version is installed and waiting. */
export const updateReady = ref(false);

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({
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
  // workbox-window reloads only for updates it found itself; the periodic registration.update() above finds
  // them as "external", so reload on the controller change ourselves.
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
  const registration = await navigator.serviceWorker.getRegistration();
  if (registration?.waiting) registration.waiting.postMessage({ type: 'SKIP_WAITING' });
  // Nothing waiting: the new version is already active (the page was not controlled); a reload shows it.
  else window.location.reload();
}

/** The browser's install prompt, kept until the user asks to install (Chromium fires it once per page). */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}
let deferred: InstallPromptEvent | undefined;
export const canInstall = ref(false);

export function listenForInstallPrompt(): void {
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    deferred = e as InstallPromptEvent;
    canInstall.value = true;
  });
  window.addEventListener('appinstalled', () => {
    canInstall.value = false;
    deferred = undefined;
  });
}

export async function install(): Promise<void> {
  if (!deferred) return;
  await deferred.prompt();
  await deferred.userChoice;
  deferred = undefined;
  canInstall.value = false;
}
