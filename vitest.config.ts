import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Unit and server tests (Node). Browser tests have their own config in test/e2e.
export default defineConfig({
  // Component tests import .vue files.
  plugins: [vue()],
  // The same Dexie build as the app (see vite.config.ts).
  resolve: { alias: [{ find: /^dexie$/, replacement: 'dexie/dist/modern/dexie.mjs' }] },
  test: {
    include: ['src/**/*.test.ts', 'sync-server/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
