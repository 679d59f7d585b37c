import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
// With its extension: Vite's native config loader (its future default) does not resolve extensionless imports.
import { compileHints } from './scripts/compile-hints.ts';

const serverPort = Number(process.env.SERVER_PORT ?? 8080);

const appVersion = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version;

export default defineConfig({
  plugins: [
    vue(),
    // The first screen's chunks are compiled off the main thread (why: scripts/compile-hints.ts).
    compileHints(),
    VitePWA({
      // Our own service worker (src/sw), type-checked as its own project; the plugin injects the precache list.
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      // Manifest screenshots and README pictures are not part of the app shell; nor is pdf.js, which only the
      // (online) hall loads to draw PDF thumbnails: precached it would cost every station device ~400 kB.
      injectManifest: { globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'], globIgnores: ['screenshots/**', 'assets/pdf-thumbnail-*.js', 'assets/pdf.worker*'] },
      manifest: {
        name: '楼小二 服务站 Station',
        short_name: '楼小二',
        description: '楼小二服务站离线代收与进度查询 · Offline intake for building service stations',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f5f7f6',
        theme_color: '#0f766e',
        shortcuts: [
          { name: '新建代收 New intake', short_name: '新建代收', url: '/intake', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
          { name: '发件箱 Outbox', short_name: '发件箱', url: '/outbox', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
        ],
        screenshots: [
          { src: '/screenshots/narrow-intake.png', sizes: '360x780', type: 'image/png', form_factor: 'narrow', label: '离线代收 Offline intake' },
          { src: '/screenshots/wide-hall.png', sizes: '1280x800', type: 'image/png', form_factor: 'wide', label: '受理队列 Acceptance queue' },
        ],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  // Vue without the Options API (every component is <script setup>) and without production devtools hooks: less
  // code to load and run at start.
  // The app version the device reports in its heartbeat (the server compares it with its own).
  define: { __APP_VERSION__: JSON.stringify(appVersion), __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  // Dexie's ES module build: its default entry wraps the UMD build (for CommonJS/ESM mixes we do not have), whose
  // exports are copied one by one at start-up (`npm run bench`, start).
  resolve: { alias: [{ find: /^dexie$/, replacement: 'dexie/dist/modern/dexie.mjs' }] },
  build: { target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      '/api': `http://127.0.0.1:${serverPort}`,
      '/sync': `http://127.0.0.1:${serverPort}`,
      '/healthz': `http://127.0.0.1:${serverPort}`,
    },
  },
});
