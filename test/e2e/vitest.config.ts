import { defineConfig } from 'vitest/config';

// Browser tests and the fault suite: real Chromium against the real sync-server; one file at a time (2 cores).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts', 'test/faults/**/*.e2e.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    root: new URL('../..', import.meta.url).pathname,
  },
});
