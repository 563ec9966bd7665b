import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openReadModels } from '../../src/readmodels/database.js';
import { DataDirLockedError } from '../../src/readmodels/errors.js';
import type { ReadModelLogger } from '../../src/readmodels/logger.js';
import { readMigrationFiles } from '../../src/readmodels/migration-files.js';
import { DependencyError } from '../../src/shared/errors.js';
import { createScratchDatabase, describeWithPostgres } from '../support/services.js';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as ReadModelLogger;
// Every migration in prisma/migrations, so adding one does not break these tests.
const ALL_MIGRATIONS = (await readMigrationFiles()).map((migration) => migration.name);

describe('openReadModels on PGlite', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sb-readmodels-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates missing parent directories, migrates, and keeps data across a reopen', async () => {
    const dataDir = path.join(root, 'nested', 'data', 'readmodels');
    const first = await openReadModels({ kind: 'pglite', dataDir, logger });
    expect(first.kind).toBe('pglite');
    expect(first.migrations.applied).toEqual(ALL_MIGRATIONS);
    await first.prisma.projectionCheckpoint.create({ data: { name: 'kept', position: 42n } });
    await first.ping();
    await first.close();

    const again = await openReadModels({ kind: 'pglite', dataDir, logger });
    try {
      expect(again.migrations).toMatchObject({ applied: [], upToDate: ALL_MIGRATIONS });
      expect(await again.prisma.projectionCheckpoint.findUnique({ where: { name: 'kept' } })).toMatchObject({
        position: 42n,
      });
    } finally {
      await again.close();
    }
  });

  it('refuses a second open of the same data directory, naming it and the pid holding it', async () => {
    const dataDir = path.join(root, 'readmodels');
    const first = await openReadModels({ kind: 'pglite', dataDir, logger });
    try {
      const error = await openReadModels({ kind: 'pglite', dataDir, logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as DataDirLockedError).pid).toBe(process.pid);
      expect((error as Error).message).toContain(dataDir);
      expect((error as Error).message).toContain(`process ${process.pid}`);
    } finally {
      await first.close();
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = path.join(root, 'readmodels');
    // The pid of a process that has certainly exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(`${dataDir}.lock`, `${deadPid}\n`);
    const readModels = await openReadModels({ kind: 'pglite', dataDir, logger });
    await readModels.close();
  });
});

describeWithPostgres('openReadModels on PostgreSQL (PostgreSQL)', () => {
  it('migrates, answers ping, and reports an unreachable database as a DependencyError', async () => {
    const scratch = await createScratchDatabase();
    try {
      const readModels = await openReadModels({ kind: 'postgres', url: scratch.url, logger });
      expect(readModels.migrations.applied).toEqual(ALL_MIGRATIONS);
      await readModels.ping();
      expect(await readModels.prisma.tenant.count()).toBe(0);
      await scratch.drop();
      await expect(readModels.ping()).rejects.toBeInstanceOf(DependencyError);
      await readModels.close();
    } finally {
      await scratch.drop();
    }
  });
});
