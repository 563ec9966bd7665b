import pg from 'pg';
import { expect, it, vi } from 'vitest';
import { pgliteClient, postgresClient } from '../../../src/eventstore/sql/client.js';
import { createPgliteEventStore, createPostgresEventStore } from '../../../src/eventstore/sql/index.js';
import { ensureSchema } from '../../../src/eventstore/sql/schema.js';
import { SqlEventStore } from '../../../src/eventstore/sql/store.js';
import { describeAuditSealContract } from '../../audit/seal-contract.js';
import { createScratchDatabase, describeWithPostgres } from '../../support/services.js';
import { collect, describeEventStoreContract, event, take } from '../contract.js';

describeEventStoreContract('PGlite (in memory)', async () => {
  const store = await createPgliteEventStore();
  return { store, cleanup: () => store.close() };
});

describeAuditSealContract('PGlite (in memory)', async () => {
  const store = await createPgliteEventStore();
  return { store, cleanup: () => store.close() };
});

it('delivers its own live appends with the exact recorded time the log holds (PGlite)', async () => {
  const store = await createPgliteEventStore();
  const subscription = store.subscribeAll();
  try {
    await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
    await store.append('exact-a', [event('One', { a: 1 }), event('Two')], 'no_stream');
    await store.append('exact-b', [event('Three')], 'no_stream');
    const live = (await take(subscription, (m) => m.filter((x) => x.kind === 'event').length === 3)).flatMap(
      (m) => (m.kind === 'event' ? [m.event] : []),
    );
    expect(live).toEqual(await collect(store.readAll()));
  } finally {
    await subscription.close();
    await store.close();
  }
});

it('gives the log statistics on PGlite, which never analyzes on its own, as the log grows', async () => {
  const client = await pgliteClient();
  await ensureSchema(client);
  const store = new SqlEventStore(client);
  await store.start();
  const reltuples = async () =>
    Number(
      (
        await client.query<{ n: number }>(`SELECT reltuples AS n FROM pg_class WHERE relname = 'sb_events'`)
      )[0]?.n,
    );
  try {
    for (let i = 0; i < 3; i++) {
      await store.append(
        `stats-${i}`,
        Array.from({ length: 500 }, () => event('Grown')),
        'no_stream',
      );
    }
    await store.append('stats-last', [event('Last')], 'no_stream');
    // Past 1,000 events: analyzed (reltuples is -1 for a table that never was).
    await vi.waitFor(async () => expect(await reltuples()).toBeGreaterThanOrEqual(1000), { timeout: 5000 });
  } finally {
    await store.close();
  }
});

describeWithPostgres('SQL event store on PostgreSQL', () => {
  const postgresStore = async () => {
    const database = await createScratchDatabase();
    const store = await createPostgresEventStore(database.url);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  };
  describeEventStoreContract('PostgreSQL', postgresStore);
  describeAuditSealContract('PostgreSQL', postgresStore);
});

describeWithPostgres('SQL event store schema on PostgreSQL', () => {
  it('keeps working on a store created with jsonb event columns (before they became json)', async () => {
    const database = await createScratchDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`CREATE TABLE sb_events (
      position bigint PRIMARY KEY, id uuid NOT NULL, stream text NOT NULL, revision bigint NOT NULL,
      type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT sb_events_id_key UNIQUE (id), CONSTRAINT sb_events_stream_revision_key UNIQUE (stream, revision))`);
    const store = await createPostgresEventStore(database.url);
    try {
      const data = { b: [1, { c: 'ü "q"' }], a: null };
      await store.append('legacy-a', [event('Old', data), event('Older')], 'no_stream');
      const [first, second] = await collect(store.readStream('legacy-a'));
      expect([first?.type, first?.data, second?.type, second?.revision]).toEqual(['Old', data, 'Older', 1n]);
      const { rows } = await client.query<{ type: string }>(
        `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'sb_events'::regclass AND attname = 'data'`,
      );
      expect(rows[0]?.type).toBe('jsonb');
    } finally {
      await client.end();
      await store.close();
      await database.drop();
    }
  });

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

it('hands over data and metadata as the exact JSON text it keeps, the text JSON.stringify gives of what readAll parses (PGlite)', async () => {
  const store = await createPgliteEventStore();
  try {
    const awkward = {
      z: 1,
      '10': 'ten',
      '9': 'nine',
      text: 'é\u0000😀\u2028',
      n: 1e21,
      f: 0.1,
      nested: [{ b: null, a: true }],
    };
    await store.append(
      'stored-a',
      [event('One', awkward), event('Two', { s: '"quoted" \\ back' })],
      'no_stream',
    );
    const parsed = await collect(store.readAll());
    const stored = await collect(store.readAllStored!());
    expect(stored.map((e) => e.position)).toEqual(parsed.map((e) => e.position));
    for (const [i, e] of stored.entries()) {
      expect(e.dataJson).toBe(JSON.stringify(parsed[i]!.data));
      expect(e.metadataJson).toBe(JSON.stringify(parsed[i]!.metadata));
      expect(e).toMatchObject({
        id: parsed[i]!.id,
        stream: parsed[i]!.stream,
        revision: parsed[i]!.revision,
      });
    }
    expect(JSON.parse(stored[0]!.dataJson)).toEqual(awkward);
  } finally {
    await store.close();
  }
});

describeWithPostgres('SQL event store wake-ups on PostgreSQL', () => {
  it("reads the log's tail after its own commits once, not again for the NOTIFY echoing them, and still wakes for another process's", async () => {
    const database = await createScratchDatabase();
    const client = postgresClient(database.url);
    let tailReads = 0;
    const counting: typeof client = {
      ...client,
      query: (text, ...rest) => {
        if (text.startsWith('SELECT position, type, stream FROM sb_events')) tailReads++;
        return client.query(text, ...rest);
      },
    };
    await ensureSchema(counting);
    const here = new SqlEventStore(counting);
    await here.start();
    const elsewhere = await createPostgresEventStore(database.url);
    const subscription = here.subscribeAll({ filter: { eventTypes: ['Counted'] } });
    // Pulled all along, as a projection does: every wake makes it look at the tail.
    const streams: string[] = [];
    let caughtUp = false;
    const consuming = (async () => {
      for await (const message of subscription) {
        if (message.kind === 'caught_up') caughtUp = true;
        if (message.kind === 'event') streams.push(message.event.stream);
      }
    })();
    try {
      await vi.waitFor(() => expect(caughtUp).toBe(true));
      const before = tailReads;
      for (let i = 0; i < 5; i++) {
        await here.append(`counted-${i}`, [event('Counted')], 'no_stream');
        await vi.waitFor(() => expect(streams).toHaveLength(i + 1));
        // Time for the NOTIFY of this commit to come back before the next one.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // One tail read per local commit (its wake); the echoed NOTIFYs add none.
      expect(tailReads - before).toBeLessThanOrEqual(5);
      // Another process's commit still wakes the subscription at once (not at the safety poll).
      const started = Date.now();
      await elsewhere.append('counted-elsewhere', [event('Counted')], 'no_stream');
      await vi.waitFor(() => expect(streams).toContain('counted-elsewhere'), { timeout: 2_000, interval: 5 });
      expect(Date.now() - started).toBeLessThan(400);
    } finally {
      await subscription.close();
      await consuming;
      await elsewhere.close();
      await here.close();
      await database.drop();
    }
  });
});
