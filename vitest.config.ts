import { defineConfig } from 'vitest/config';

// Each test file runs in its own forked process: chDB binds one data directory per
// process, so files must not share a worker.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
