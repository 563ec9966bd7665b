import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import type { EventStore } from '../../../src/eventstore/port.js';
import { createPostgresEventStore } from '../../../src/eventstore/sql/index.js';
import { createScratchDatabase, describeWithPostgres, POSTGRES_URL } from '../../support/services.js';
import { collect, event } from '../contract.js';

const WRITERS = 16;
const EVENTS_PER_WRITER = 500;
const SHARED_STREAMS = 4;
const TOTAL = WRITERS * EVENTS_PER_WRITER;
/** Separate store instances (own pools, own LISTEN connections) stand in for separate processes. */
const INSTANCES = 4;
/** `CONCURRENCY_RUNS=20 npx vitest run test/eventstore/sql/concurrency.test.ts` repeats it. */
const RUNS = Number(process.env.CONCURRENCY_RUNS ?? 1);

describeWithPostgres('SQL event store ordering under concurrent writers (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let writers: EventStore[];
  let reader: EventStore;

  beforeAll(async () => {
    database = await createScratchDatabase();
    writers = await Promise.all(
      Array.from({ length: INSTANCES }, () => createPostgresEventStore(database.url)),
    );
    reader = await createPostgresEventStore(database.url);
  });
  afterAll(async () => {
    await Promise.all([...writers, reader].map((store) => store.close()));
    await database.drop();
  });

  for (let runIndex = 0; runIndex < RUNS; runIndex++) {
    it(`a tailing subscriber sees all ${TOTAL} events exactly once, in order (run ${runIndex + 1})`, async () => {
      const tag = `r${runIndex}x${Date.now().toString(36)}`;
      const prefix = `conc-${tag}.`;
      const start = await reader.headPosition();
      const subscription = reader.subscribeAll({ after: start, filter: { streamPrefixes: [prefix] } });
      const seen: RecordedEvent[] = [];
      const consuming = (async () => {
        for await (const message of subscription) {
          if (message.kind !== 'event') continue;
          seen.push(message.event);
          if (seen.length === TOTAL) return;
        }
      })();

      await Promise.all(
        Array.from({ length: WRITERS }, async (_, writer) => {
          const store = writers[writer % INSTANCES]!;
          const own = `${prefix}own${writer}`;
          let ownRevision: bigint | 'no_stream' = 'no_stream';
          for (let i = 0; i < EVENTS_PER_WRITER; i++) {
            if (i % 2 === 0) {
              const result = await store.append(own, [event('Own', { writer, i })], ownRevision);
              ownRevision = result.revision;
            } else {
              await store.append(
                `${prefix}shared${(writer + i) % SHARED_STREAMS}`,
                [event('Shared', { writer, i })],
                'any',
              );
            }
          }
        }),
      );
      await Promise.race([
        consuming,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`subscriber saw only ${seen.length}`)), 20_000),
        ),
      ]);
      await subscription.close();

      expect(seen).toHaveLength(TOTAL);
      expect(new Set(seen.map((e) => e.id)).size).toBe(TOTAL);
      for (let i = 1; i < seen.length; i++) {
        if (seen[i]!.position <= seen[i - 1]!.position) {
          throw new Error(`position ${seen[i]!.position} after ${seen[i - 1]!.position} at index ${i}`);
        }
      }
      for (let shared = 0; shared < SHARED_STREAMS; shared++) {
        const events = await collect(reader.readStream(`${prefix}shared${shared}`));
        expect(events.map((e) => e.revision)).toEqual(events.map((_, index) => BigInt(index)));
      }
      const sharedTotal = seen.filter((e) => e.type === 'Shared').length;
      expect(sharedTotal).toBe(TOTAL / 2);
    });
  }
});

describeWithPostgres('SQL event store when PostgreSQL drops its connections (PostgreSQL)', () => {
  it('keeps serving appends and wakes live subscribers after every connection is terminated', async () => {
    const database = await createScratchDatabase();
    const store = await createPostgresEventStore(database.url);
    try {
      const prefix = `drop-${Date.now().toString(36)}.`;
      await store.append(`${prefix}a`, [event('Before')], 'no_stream');
      const subscription = store.subscribeAll({ filter: { streamPrefixes: [prefix] } });
      const iterator = subscription[Symbol.asyncIterator]();
      while ((await iterator.next()).value?.kind !== 'caught_up') {}

      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [new URL(database.url).pathname.slice(1)],
      );
      // The LISTEN connection comes back by itself (otherwise live subscribers would only poll).
      let listening = 0;
      for (let attempt = 0; attempt < 50 && listening === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const rows = await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchboard-listener' AND query LIKE 'LISTEN%'",
          [new URL(database.url).pathname.slice(1)],
        );
        listening = rows.rows[0].n;
      }
      await admin.end();
      expect(listening).toBe(1);

      // The first append may meet a dead pooled connection; it fails cleanly, later ones succeed.
      let appended = false;
      for (let attempt = 0; attempt < 5 && !appended; attempt++) {
        appended = await store.append(`${prefix}a`, [event('After')], 'any').then(
          () => true,
          () => false,
        );
      }
      expect(appended).toBe(true);
      const next = await iterator.next();
      expect(next.value).toMatchObject({ kind: 'event', event: { type: 'After' } });
      await subscription.close();
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
