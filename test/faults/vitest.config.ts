import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * `npm run faults`: the fault suite that `npm test` runs (test/faults/*.test.ts) plus the long
 * runs (*.long.ts: kill -9 under webhook load, FAULTS_RUNS times per profile), one file at a time.
 */
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    include: ['test/faults/**/*.test.ts', 'test/faults/**/*.long.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
