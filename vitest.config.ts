import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests spawn interpreters; two workers keep a 2-core machine busy without thrashing.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
