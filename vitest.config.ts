import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships ESM (index.mjs) and CJS (index.js). The armor plugins require() the CJS copy;
    // without this our ESM imports would get the other one, and `instanceof GraphQLError` checks
    // across the two would fail (wrong HTTP status on parse errors). Node itself (npm start) loads
    // one copy through the package's exports, so this only concerns Vite's resolver.
    alias: { graphql: require.resolve('graphql') },
  },
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
