import { describe } from 'vitest';
import { openReadModels } from '../../src/readmodels/database.js';
import type { ReadModelLogger } from '../../src/readmodels/logger.js';
import { createScratchDatabase, describeWithPostgres } from '../support/services.js';
import { vaultSuite } from './vault-suite.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} } as unknown as ReadModelLogger;

describe('TokenVault and its key store on PGlite', () => {
  vaultSuite(async () => {
    const readModels = await openReadModels({ kind: 'pglite', logger: quiet });
    return { readModels, dispose: () => readModels.close() };
  });
});

describeWithPostgres('TokenVault and its key store on PostgreSQL (PostgreSQL)', () => {
  vaultSuite(async () => {
    const scratch = await createScratchDatabase();
    const readModels = await openReadModels({ kind: 'postgres', url: scratch.url, logger: quiet });
    return {
      readModels,
      dispose: async () => {
        await readModels.close();
        await scratch.drop();
      },
    };
  });
});
