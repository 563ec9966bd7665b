import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openReadModels, type ReadModels } from '../../readmodels/database.js';
import type { ReadModelLogger } from '../../readmodels/logger.js';

export interface ScratchReadModels {
  readModels: ReadModels;
  /** Closes and deletes it. */
  dispose(): Promise<void>;
}

/**
 * Empty, migrated read models of the same kind as `live`: an in-memory PGlite, or on PostgreSQL
 * `CREATE DATABASE sb_verify_<random>` on the same server (dropped by dispose), so the rebuilt
 * side runs on the same engine version as the live one.
 */
export async function createScratchReadModels(
  live: ReadModels,
  parentLogger: ReadModelLogger,
): Promise<ScratchReadModels> {
  // "applied migration" for a throwaway database is noise in a verify report; warnings still show.
  const logger: ReadModelLogger = {
    info: () => {},
    warn: parentLogger.warn.bind(parentLogger),
    error: parentLogger.error.bind(parentLogger),
  } as ReadModelLogger;
  if (live.source.kind === 'pglite') {
    const readModels = await openReadModels({ kind: 'pglite', logger });
    return { readModels, dispose: () => readModels.close() };
  }
  const liveUrl = live.source.url;
  const name = `sb_verify_${randomBytes(6).toString('hex')}`;
  await admin(liveUrl, `CREATE DATABASE ${name}`);
  const url = new URL(liveUrl);
  url.pathname = `/${name}`;
  try {
    const readModels = await openReadModels({ kind: 'postgres', url: url.toString(), logger, poolMax: 2 });
    return {
      readModels,
      dispose: async () => {
        await readModels.close();
        await admin(liveUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  } catch (error) {
    await admin(liveUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    throw error;
  }
}

/** CREATE/DROP DATABASE cannot run in a transaction, so not through Prisma's pool. */
async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
