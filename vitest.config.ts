import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites share PostgreSQL and Redis; each creates its own database and key prefix, but the
    // 2-core machine is happier with fewer heavyweight workers at once.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
