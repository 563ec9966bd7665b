import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { boundedPgOptions, DEFAULT_POSTGRES_TIMEOUTS, type PostgresTimeouts } from '../platform/postgres.js';
import { makePrivateTree, openPrivateDataDir, withPrivateUmask } from '../platform/private-files.js';
import { DependencyError } from '../shared/errors.js';
import { lockDataDir } from './data-dir-lock.js';
import { defaultLogger, type ReadModelLogger } from './logger.js';
import { pgliteMigrationConnection, pgMigrationConnection } from './migration-connection.js';
import { type MigrateResult, migrate } from './migrator.js';
import { reportingUnavailability } from './unavailable-errors.js';

/** Names the read models' connections in pg_stat_activity. */
export const READ_MODELS_APPLICATION_NAME = 'switchboard-readmodels';

export type ReadModelsSource = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir?: string };

export type OpenReadModelsOptions = ReadModelsSource & {
  logger?: ReadModelLogger;
  /** Defaults to prisma/migrations. */
  migrationsDir?: string;
  /** pg.Pool size on PostgreSQL (default 10). */
  poolMax?: number;
  /** Bounds on connecting and on each statement on PostgreSQL (default: config.ts DEFAULT_TIMEOUTS). */
  timeouts?: PostgresTimeouts;
};

export interface ReadModels {
  readonly prisma: PrismaClient;
  readonly kind: ReadModelsSource['kind'];
  /** Where they live; the projection runner opens its leader-lease connection from it. */
  readonly source: ReadModelsSource;
  /** What the migrator did at open. */
  readonly migrations: MigrateResult;
  /** Throws DependencyError when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the read-model database and brings its schema up to date before handing out a client.
 * PostgreSQL goes through @prisma/adapter-pg over a pg.Pool. PGlite (embedded) has one connection:
 * code inside `prisma.$transaction(async (tx) => ...)` must use `tx` only, as touching `prisma`
 * there waits for the transaction that is waiting for it (until Prisma's timeout).
 */
export async function openReadModels(options: OpenReadModelsOptions): Promise<ReadModels> {
  const logger = options.logger ?? defaultLogger('readmodels');
  return options.kind === 'postgres' ? openPostgres(options, logger) : openPglite(options, logger);
}

async function openPostgres(
  options: OpenReadModelsOptions & { kind: 'postgres' },
  logger: ReadModelLogger,
): Promise<ReadModels> {
  const timeouts = options.timeouts ?? DEFAULT_POSTGRES_TIMEOUTS;
  // Connecting is bounded like every connection; migrations themselves may take their time.
  const migrator = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: timeouts.connectMs,
  });
  let migrations: MigrateResult;
  try {
    await migrator.connect();
    migrations = await migrate(pgMigrationConnection(migrator), {
      logger,
      migrationsDir: options.migrationsDir,
    });
  } finally {
    await migrator.end().catch(() => undefined);
  }
  // The adapter owns its pg.Pool (given a config) and ends it on $disconnect.
  const adapter = reportingUnavailability(
    new PrismaPg(
      {
        connectionString: options.url,
        max: options.poolMax ?? 10,
        application_name: READ_MODELS_APPLICATION_NAME,
        ...boundedPgOptions(timeouts),
      },
      { onPoolError: (error) => logger.warn({ err: error }, 'idle read-model connection failed') },
    ),
  );
  const prisma = new PrismaClient({ adapter });
  // Prisma's first call loads its query compiler: seconds of CPU that hold up the event loop. Done
  // here, before requests and projections run, it cannot make their connection deadlines lapse.
  await prisma.$queryRaw`SELECT 1`.catch(async (error: unknown) => {
    await prisma.$disconnect();
    throw error;
  });
  return handle(prisma, { kind: 'postgres', url: options.url }, migrations, () => prisma.$disconnect());
}

async function openPglite(
  options: OpenReadModelsOptions & { kind: 'pglite' },
  logger: ReadModelLogger,
): Promise<ReadModels> {
  const dataDir = options.dataDir === undefined ? undefined : path.resolve(options.dataDir);
  const lock = dataDir === undefined ? undefined : await lockDataDir(dataDir);
  let db: PGlite | undefined;
  try {
    // PGlite does not create parent directories; and what it creates must be its owner's only.
    if (dataDir !== undefined) await openPrivateDataDir(dataDir, logger);
    db = await withPrivateUmask(() => (dataDir === undefined ? PGlite.create() : PGlite.create(dataDir)));
    const migrations = await migrate(pgliteMigrationConnection(db), {
      logger,
      migrationsDir: options.migrationsDir,
    });
    if (dataDir !== undefined) await makePrivateTree(dataDir);
    const pglite = db;
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return handle(prisma, { kind: 'pglite', dataDir }, migrations, async () => {
      await prisma.$disconnect();
      await pglite.close();
      // Files PGlite created while open (0666) are left 0600 at rest.
      if (dataDir !== undefined) await makePrivateTree(dataDir);
      await lock?.release();
    });
  } catch (error) {
    await db?.close().catch(() => undefined);
    await lock?.release();
    throw error;
  }
}

function handle(
  prisma: PrismaClient,
  source: ReadModelsSource,
  migrations: MigrateResult,
  closeAll: () => Promise<void>,
): ReadModels {
  let closing: Promise<void> | undefined;
  return {
    prisma,
    kind: source.kind,
    source,
    migrations,
    ping: async () => {
      try {
        await prisma.$queryRaw`SELECT 1`;
      } catch (error) {
        throw new DependencyError(`Read-model database (${source.kind}) does not answer`, { cause: error });
      }
    },
    close: () => {
      closing ??= closeAll();
      return closing;
    },
  };
}
