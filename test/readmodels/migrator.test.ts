import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MigrationFailedError } from '../../src/readmodels/errors.js';
import type { ReadModelLogger } from '../../src/readmodels/logger.js';
import {
  type MigrationConnection,
  pgliteMigrationConnection,
  pgMigrationConnection,
} from '../../src/readmodels/migration-connection.js';
import { DEFAULT_MIGRATIONS_DIR, sha256Hex } from '../../src/readmodels/migration-files.js';
import { migrate } from '../../src/readmodels/migrator.js';
import { createScratchDatabase, describeWithPostgres } from '../support/services.js';

interface Database {
  connection: MigrationConnection;
  /** Another connection to the same database, for concurrency tests (PostgreSQL only). */
  another?: () => Promise<{ connection: MigrationConnection; close: () => Promise<void> }>;
  close(): Promise<void>;
}

const INIT = '20261122022107_init';

function silentLogger(): ReadModelLogger & { warn: ReturnType<typeof vi.fn> } {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as ReadModelLogger & {
    warn: ReturnType<typeof vi.fn>;
  };
}

async function tableExists(db: MigrationConnection, table: string): Promise<boolean> {
  const rows = await db.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [table]);
  return rows[0]?.name !== null;
}

interface MigrationRecord {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  logs: string | null;
  applied_steps_count: number;
}

const records = (db: MigrationConnection) =>
  db.query<MigrationRecord>('SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');

function migratorSuite(open: () => Promise<Database>, { concurrent = false } = {}) {
  let db: Database;
  let dir: string;

  beforeEach(async () => {
    db = await open();
    dir = await mkdtemp(path.join(tmpdir(), 'sb-migrations-'));
    // The migrator's behaviour on a fixed history: migrations added to the project later must
    // not change what these tests count.
    for (const entry of [INIT, 'migration_lock.toml'])
      await cp(path.join(DEFAULT_MIGRATIONS_DIR, entry), path.join(dir, entry), { recursive: true });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }

  it('applies pending migrations once, recording rows the way Prisma does', async () => {
    const result = await migrate(db.connection, { migrationsDir: dir, logger: silentLogger() });
    expect(result).toEqual({ applied: [INIT], upToDate: [], edited: [] });
    expect(await tableExists(db.connection, 'tenants')).toBe(true);
    const [row, ...rest] = await records(db.connection);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      migration_name: INIT,
      logs: null,
      rolled_back_at: null,
      applied_steps_count: 1,
    });
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
    const { readFile } = await import('node:fs/promises');
    expect(row?.checksum).toBe(sha256Hex(await readFile(path.join(dir, INIT, 'migration.sql'), 'utf8')));
  });

  it('is idempotent: a second run applies nothing', async () => {
    await migrate(db.connection, { migrationsDir: dir, logger: silentLogger() });
    const logger = silentLogger();
    const again = await migrate(db.connection, { migrationsDir: dir, logger });
    expect(again).toEqual({ applied: [], upToDate: [INIT], edited: [] });
    expect(await records(db.connection)).toHaveLength(1);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('stops at a failed migration, records it, and refuses to go on until it is resolved', async () => {
    await addMigration('20300101000000_bad', 'CREATE TABLE "half_done" (id int);\nSELECT 1/0;\n');
    await addMigration('20300102000000_later', 'CREATE TABLE "later" (id int);\n');

    const failure = await migrate(db.connection, { migrationsDir: dir, logger: silentLogger() }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as MigrationFailedError).migrationName).toBe('20300101000000_bad');
    expect((failure as Error).message).toMatch(/20300101000000_bad failed to apply: division by zero/);

    const bad = (await records(db.connection)).find((r) => r.migration_name === '20300101000000_bad');
    expect(bad).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(bad?.logs).toContain('division by zero');
    // The script ran as one implicit transaction: its first statement left nothing behind.
    expect(await tableExists(db.connection, 'half_done')).toBe(false);
    expect(await tableExists(db.connection, 'later')).toBe(false);

    // A later start is blocked (Prisma's P3009) ...
    await expect(migrate(db.connection, { migrationsDir: dir, logger: silentLogger() })).rejects.toThrow(
      /failed in an earlier run/,
    );
    expect(await tableExists(db.connection, 'later')).toBe(false);

    // ... until the operator fixes the migration and marks the failed attempt rolled back.
    await writeFile(
      path.join(dir, '20300101000000_bad', 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\n',
    );
    await db.connection.query('UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1', [
      bad?.id,
    ]);
    const resumed = await migrate(db.connection, { migrationsDir: dir, logger: silentLogger() });
    expect(resumed.applied).toEqual(['20300101000000_bad', '20300102000000_later']);
    expect(await records(db.connection)).toHaveLength(4);
  });

  it('warns about an applied migration whose migration.sql was edited, and does not re-run it', async () => {
    await migrate(db.connection, { migrationsDir: dir, logger: silentLogger() });
    await writeFile(path.join(dir, INIT, 'migration.sql'), '-- edited\nSELECT 1;\n');
    const logger = silentLogger();
    const result = await migrate(db.connection, { migrationsDir: dir, logger });
    expect(result).toEqual({ applied: [], upToDate: [], edited: [INIT] });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ migration: INIT }),
      expect.stringMatching(/edited after it was applied/),
    );
  });

  it('accepts a migration whose line endings changed (as Prisma does)', async () => {
    await migrate(db.connection, { migrationsDir: dir, logger: silentLogger() });
    const file = path.join(dir, INIT, 'migration.sql');
    const { readFile } = await import('node:fs/promises');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));
    const result = await migrate(db.connection, { migrationsDir: dir, logger: silentLogger() });
    expect(result.upToDate).toEqual([INIT]);
  });

  it.runIf(concurrent)('lets concurrent migrators apply each migration exactly once', async () => {
    const others = await Promise.all([1, 2, 3, 4].map(() => db.another!()));
    try {
      const results = await Promise.all(
        [db.connection, ...others.map((o) => o.connection)].map((connection) =>
          migrate(connection, { migrationsDir: dir, logger: silentLogger() }),
        ),
      );
      expect(results.filter((r) => r.applied.length === 1)).toHaveLength(1);
      expect(results.filter((r) => r.upToDate.length === 1)).toHaveLength(4);
      expect(await records(db.connection)).toHaveLength(1);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });
}

describe('migrator on PGlite', () => {
  migratorSuite(async () => {
    const pglite = await PGlite.create();
    return { connection: pgliteMigrationConnection(pglite), close: () => pglite.close() };
  });
});

describeWithPostgres('migrator on PostgreSQL (PostgreSQL)', () => {
  migratorSuite(
    async () => {
      const scratch = await createScratchDatabase();
      const connect = async () => {
        const client = new pg.Client({ connectionString: scratch.url });
        await client.connect();
        return { connection: pgMigrationConnection(client), close: () => client.end() };
      };
      const main = await connect();
      return {
        connection: main.connection,
        another: connect,
        close: async () => {
          await main.close();
          await scratch.drop();
        },
      };
    },
    { concurrent: true },
  );
});
