import { defineConfig } from 'vitest/config';

// Browser tests and the fault suite: real Chromium against the real sync-server; one file at a time (2 cores).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts', 'test/faults/**/*.e2e.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // A poll waits for a signal on a real browser and server, which a busy 2-core machine (or a 212-matter catalog
    // replicating in the background) can delay past the default 1 s: the bound is generous, the assertion the same.
    expect: { poll: { timeout: 15_000 } },
    root: new URL('../..', import.meta.url).pathname,
  },
});
