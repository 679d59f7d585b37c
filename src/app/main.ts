import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { restoreLocale } from '../shared/i18n';
import { listenForInstallPrompt, registerServiceWorker } from './pwa';
import './styles.css';

// Start-up marks (User Timing): `npm run bench` reads them to say where a cold start spends its time.
performance.mark('lxe:main');

const app = createApp(App);
app.use(createPinia());
app.use(router);
listenForInstallPrompt();
// The saved language first (English is a separate chunk), so the first paint is already in it. A promise, not a
// top-level await: with one, the bundler splits the modules the entry shares with lazy routes into more chunks.
void restoreLocale().then(() => {
  app.mount('#app');
  performance.mark('lxe:mounted');
  // The page is already controlled after the first visit: looking for a new version can wait until the first
  // screen is up (it loads workbox-window and talks to the service worker).
  const later = (fn: () => void): unknown => ('requestIdleCallback' in window ? window.requestIdleCallback(fn, { timeout: 3000 }) : setTimeout(fn, 1000));
  void router.isReady().then(() => later(registerServiceWorker));
});
