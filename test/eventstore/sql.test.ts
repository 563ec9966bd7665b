import pg from 'pg';
import { expect, it } from 'vitest';
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

describeWithPostgres('SQL event store schema on PostgreSQL', () => {
  it('compresses event data and metadata with lz4 where the server has it (webhook payloads are tens of KB)', async () => {
    const database = await createScratchDatabase();
    const store = await createPostgresEventStore(database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ attname: string; compression: string }>(
        `SELECT attname, attcompression::text AS compression FROM pg_attribute
          WHERE attrelid = 'sb_events'::regclass AND attname IN ('data', 'metadata') ORDER BY attname`,
      );
      const { rows: available } = await client.query<{ lz4: boolean }>(
        `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
      );
      const expected = available[0]?.lz4 ? 'l' : '';
      expect(rows).toEqual([
        { attname: 'data', compression: expected },
        { attname: 'metadata', compression: expected },
      ]);
      // Opening the store again (a second process, a restart) leaves it as it is.
      const again = await createPostgresEventStore(database.url);
      await again.close();
    } finally {
      await client.end();
      await store.close();
      await database.drop();
    }
  });
});
