import { createPgliteEventStore, createPostgresEventStore } from '../../src/eventstore/sql/index.js';
import { createScratchDatabase, describeWithPostgres } from '../support/services.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('PGlite (in memory)', async () => {
  const store = await createPgliteEventStore();
  return { store, cleanup: () => store.close() };
});

describeWithPostgres('SQL event store on PostgreSQL', () => {
  describeEventStoreContract('PostgreSQL', async () => {
    const database = await createScratchDatabase();
    const store = await createPostgresEventStore(database.url);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});
