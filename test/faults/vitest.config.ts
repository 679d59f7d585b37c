import { defineConfig } from 'vitest/config';

// The fault suite on its own (npm test runs it through test/e2e/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['test/faults/**/*.e2e.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    root: new URL('../..', import.meta.url).pathname,
  },
});
