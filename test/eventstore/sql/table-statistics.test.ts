import pg from 'pg';
import { expect, it } from 'vitest';
import { createPostgresEventStore } from '../../../src/eventstore/sql/index.js';
import { createScratchDatabase, describeWithPostgres } from '../../support/services.js';
import { event } from '../contract.js';

describeWithPostgres('SQL event store statistics (PostgreSQL)', () => {
  it('ANALYZEs the log itself once it passes 1,000 events, not waiting for autovacuum', async () => {
    const database = await createScratchDatabase();
    const store = await createPostgresEventStore(database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const analyzed = async () =>
      (
        await client.query<{ count: string }>(
          `SELECT COALESCE(SUM(analyze_count + autoanalyze_count), 0) AS count FROM pg_stat_user_tables WHERE relname = 'sb_events'`,
        )
      ).rows[0]!.count;
    try {
      const before = Number(await analyzed());
      for (let batch = 0; batch < 11; batch++) {
        await store.append(
          `stats-${batch}.s`,
          Array.from({ length: 100 }, () => event('Fact')),
          'no_stream',
        );
      }
      const deadline = Date.now() + 10_000;
      // Statistics views lag a little behind the ANALYZE itself.
      while (Number(await analyzed()) <= before) {
        if (Date.now() > deadline) throw new Error('sb_events was not analyzed after 1,100 events');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(Number(await analyzed())).toBeGreaterThan(before);
    } finally {
      await client.end();
      await store.close();
      await database.drop();
    }
  });
});
