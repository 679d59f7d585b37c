import { defineConfig } from 'vitest/config';

// Unit and server tests (Node). Browser tests have their own config in test/e2e.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sync-server/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
