import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MigrationFailedError } from './errors.js';
import { defaultLogger, type ReadModelLogger } from './logger.js';
import type { MigrationConnection } from './migration-connection.js';
import { checksumMatches, DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from './migration-files.js';

/**
 * Prisma's own advisory lock key (the schema engine locks it around `migrate deploy`), so this
 * migrator and a real `prisma migrate deploy` never run at the same time either.
 */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** Byte for byte the table the schema engine creates, so `prisma migrate` accepts our history. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  migrationsDir?: string;
  logger?: ReadModelLogger;
  /** How long to wait for another process's migration run on PostgreSQL (default 60 s). */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Applied by this call, in order. */
  applied: string[];
  /** Applied before, and still matching their files' checksums. */
  upToDate: string[];
  /** Applied before, but their migration.sql changed since (warned about, not re-run). */
  edited: string[];
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/**
 * Applies prisma/migrations the way `prisma migrate deploy` does and records the same
 * `_prisma_migrations` rows: a row per attempt (started_at, applied_steps_count 0), then finished_at
 * and applied_steps_count 1 on success, or the error in `logs` on failure. A failed migration
 * (finished_at and rolled_back_at both null) blocks every later run until an operator resolves it
 * (`prisma migrate resolve --rolled-back <name>` or setting rolled_back_at), as Prisma's P3009.
 */
export async function migrate(db: MigrationConnection, options: MigrateOptions = {}): Promise<MigrateResult> {
  const logger = options.logger ?? defaultLogger('migrator');
  const files = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  if (db.kind === 'postgres') await acquireLock(db, options.lockTimeoutMs ?? 60_000);
  try {
    await db.runScript(CREATE_MIGRATIONS_TABLE);
    return await applyPending(db, files, logger);
  } finally {
    // On a broken connection the server has dropped the lock with the session; keep the real error.
    if (db.kind === 'postgres')
      await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
  }
}

/** Polls rather than blocking in pg_advisory_lock so a stuck peer gives a clear timeout, not a hang. */
async function acquireLock(db: MigrationConnection, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      PRISMA_MIGRATE_LOCK_KEY,
    ]);
    if (row?.locked) return;
    if (Date.now() > deadline) {
      throw new MigrationFailedError(
        '(lock)',
        `Another process has held the migration lock (pg advisory lock ${PRISMA_MIGRATE_LOCK_KEY}) for more than ${timeoutMs} ms`,
      );
    }
    await sleep(100);
  }
}

async function applyPending(
  db: MigrationConnection,
  files: Awaited<ReturnType<typeof readMigrationFiles>>,
  logger: ReadModelLogger,
): Promise<MigrateResult> {
  const rows = await db.query<MigrationRow>(
    'SELECT id, checksum, migration_name, finished_at, rolled_back_at, logs FROM "_prisma_migrations" ORDER BY started_at',
  );
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new MigrationFailedError(
      failed.migration_name,
      `Migration ${failed.migration_name} failed in an earlier run; no migration is applied until it is resolved. ` +
        `Fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back ${failed.migration_name}, ` +
        `or UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = '${failed.id}').`,
      { logs: failed.logs ?? undefined },
    );
  }
  const applied = new Map(
    rows
      .filter((row) => row.finished_at !== null && row.rolled_back_at === null)
      .map((r) => [r.migration_name, r]),
  );
  const known = new Set(files.map((file) => file.name));
  for (const name of applied.keys()) {
    if (!known.has(name))
      logger.warn({ migration: name }, 'applied migration is missing from prisma/migrations');
  }

  const result: MigrateResult = { applied: [], upToDate: [], edited: [] };
  for (const file of files) {
    const previous = applied.get(file.name);
    if (previous) {
      if (checksumMatches(file.sql, previous.checksum)) {
        result.upToDate.push(file.name);
      } else {
        // Prisma only warns too: the database already has the old version; re-running is not safe.
        logger.warn(
          { migration: file.name, recorded: previous.checksum, current: file.checksum },
          'migration.sql was edited after it was applied; the change is NOT applied. Write a new migration instead.',
        );
        result.edited.push(file.name);
      }
      continue;
    }
    await applyOne(db, file);
    logger.info({ migration: file.name }, 'applied migration');
    result.applied.push(file.name);
  }
  return result;
}

async function applyOne(db: MigrationConnection, file: { name: string; sql: string; checksum: string }) {
  const id = randomUUID();
  await db.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, file.checksum, file.name],
  );
  try {
    await db.runScript(file.sql);
  } catch (error) {
    const logs = describeDatabaseError(error);
    await db.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, logs]);
    throw new MigrationFailedError(
      file.name,
      `Migration ${file.name} failed to apply: ${error instanceof Error ? error.message : String(error)}. ` +
        'Later migrations were not applied. Fix it, mark it rolled back, and start again.',
      { cause: error, logs },
    );
  }
  await db.query(
    'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = applied_steps_count + 1 WHERE id = $1',
    [id],
  );
}

/** The shape Prisma's engine writes into `logs` for a database error. */
function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? `Database error code: ${code}\n\nDatabase error:\nERROR: ${error.message}`
    : `Database error:\n${error.message}`;
}
