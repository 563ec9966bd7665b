import { afterEach, beforeEach, expect, it } from 'vitest';
import { openReadModels, type ReadModels } from '../../src/readmodels/database.js';
import type { ReadModelLogger } from '../../src/readmodels/logger.js';
import { ReadModelsUnavailableError } from '../../src/readmodels/unavailable-errors.js';
import { DependencyError } from '../../src/shared/errors.js';
import { createScratchDatabase, describeWithPostgres, POSTGRES_URL } from '../support/services.js';
import { startTcpForwarder, type TcpForwarder } from '../support/tcp-forwarder.js';

const TIMEOUTS = { connectMs: 500, statementMs: 500 };
const BOUND_MS = TIMEOUTS.connectMs + TIMEOUTS.statementMs + 500 + 300;

const silent: ReadModelLogger = { info: () => {}, warn: () => {}, error: () => {} } as never;

const settle = async (work: Promise<unknown>) => {
  const started = performance.now();
  const error = await work.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return { error, ms: performance.now() - started };
};

describeWithPostgres('read models while PostgreSQL is unreachable (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let forwarder: TcpForwarder;
  let readModels: ReadModels;

  beforeEach(async () => {
    database = await createScratchDatabase();
    const postgres = new URL(POSTGRES_URL);
    forwarder = await startTcpForwarder({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    readModels = await openReadModels({
      kind: 'postgres',
      url: forwarder.url(database.url),
      timeouts: TIMEOUTS,
      logger: silent,
    });
    await Promise.all(Array.from({ length: 3 }, () => readModels.prisma.tenant.count()));
  });
  afterEach(async () => {
    await forwarder.up();
    await readModels.close();
    await forwarder.close();
    await database.drop();
  });

  for (const mode of ['down', 'partition'] as const) {
    it(`fails Prisma calls with a DependencyError inside, within its bounds, while ${mode}; recovers`, async () => {
      await forwarder.setMode(mode);
      const outcomes = await Promise.all([
        settle(readModels.prisma.tenant.findMany()),
        settle(readModels.prisma.connection.count()),
        settle(readModels.prisma.$transaction(async (tx) => tx.tenant.count())),
        settle(readModels.ping()),
      ]);
      for (const { error, ms } of outcomes) {
        const dependency = error instanceof ReadModelsUnavailableError ? error.cause : error;
        expect(dependency).toBeInstanceOf(DependencyError);
        expect(ms).toBeLessThan(BOUND_MS);
      }
      await forwarder.up();
      await expect
        .poll(
          () =>
            readModels.prisma.tenant.count().then(
              () => true,
              () => false,
            ),
          { timeout: 10_000, interval: 200 },
        )
        .toBe(true);
    });
  }

  it('cancels a statement past its timeout (a DependencyError), and leaves query errors alone', async () => {
    const slow = await settle(readModels.prisma.$queryRaw`SELECT pg_sleep(2)`);
    expect((slow.error as ReadModelsUnavailableError).cause).toBeInstanceOf(DependencyError);
    expect(slow.ms).toBeLessThan(BOUND_MS);
    const wrong = await settle(readModels.prisma.$queryRawUnsafe('SELECT * FROM no_such_table'));
    expect(wrong.error).not.toBeInstanceOf(ReadModelsUnavailableError);
  });
});
