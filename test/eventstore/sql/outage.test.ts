import { afterEach, beforeEach, expect, it } from 'vitest';
import type { EventStore } from '../../../src/eventstore/port.js';
import { createPostgresEventStore } from '../../../src/eventstore/sql/index.js';
import { DependencyError } from '../../../src/shared/errors.js';
import { createScratchDatabase, describeWithPostgres, POSTGRES_URL } from '../../support/services.js';
import { startTcpForwarder, type TcpForwarder } from '../../support/tcp-forwarder.js';
import { collect, event } from '../contract.js';

// Short bounds so the test is quick; the hub's defaults are 1.5 s and 2 s.
const TIMEOUTS = { connectMs: 500, statementMs: 500 };
/** Checkout or connect, then one statement and the client's grace: the longest a call may wait. */
const BOUND_MS = TIMEOUTS.connectMs + TIMEOUTS.statementMs + 500 + 300;

const settle = async <T>(work: Promise<T>) => {
  const started = performance.now();
  const outcome = await work.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - started };
};

describeWithPostgres('SQL event store while PostgreSQL is unreachable (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let forwarder: TcpForwarder;
  let store: EventStore;

  beforeEach(async () => {
    database = await createScratchDatabase();
    const postgres = new URL(POSTGRES_URL);
    forwarder = await startTcpForwarder({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    store = await createPostgresEventStore(forwarder.url(database.url), { timeouts: TIMEOUTS });
    await store.append('outage-warm', [event('Warm')], 'no_stream');
    // Several idle pooled connections: in a partition each one hangs until the statement deadline.
    await Promise.all(Array.from({ length: 4 }, () => collect(store.readStream('outage-warm'))));
  });
  afterEach(async () => {
    await forwarder.up();
    await store.close();
    await forwarder.close();
    await database.drop();
  });

  for (const mode of ['down', 'partition'] as const) {
    it(`fails appends and reads with DependencyError within its bounds while ${mode}, and recovers`, async () => {
      await forwarder.setMode(mode);
      // Two appends go out at once; the others queue behind them and must not wait for a second round.
      const appends = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          settle(store.append(`outage-${index}`, [event('Lost')], 'any')),
        ),
      );
      const read = await settle(collect(store.readStream('outage-warm')));
      for (const outcome of [...appends, read]) {
        expect(outcome.error).toBeInstanceOf(DependencyError);
        expect(outcome.ms).toBeLessThan(BOUND_MS);
      }
      await expect(store.ping()).rejects.toBeInstanceOf(DependencyError);

      await forwarder.up();
      await expect
        .poll(
          () =>
            store.append('outage-after', [event('Back')], 'any').then(
              () => true,
              () => false,
            ),
          {
            timeout: 10_000,
            interval: 200,
          },
        )
        .toBe(true);
    });
  }
});
