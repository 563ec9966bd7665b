import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { describe } from 'vitest';
import { createThrowawayDatabase } from './scratch-database.js';

/**
 * Tests that need PostgreSQL or Redis run when the service answers. Without it they are skipped
 * (visibly), except under REQUIRE_SERVICES=1 (CI), where a missing service fails the run.
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const requireServices = process.env.REQUIRE_SERVICES === '1';

async function portOpen(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const postgresUp = await portOpen(POSTGRES_URL, 5432);
const redisUp = await portOpen(REDIS_URL, 6379);

export function describeWith(service: string, up: boolean) {
  if (up) return describe;
  if (requireServices) {
    return ((name: string) =>
      describe(name, () => {
        throw new Error(`${service} is required (REQUIRE_SERVICES=1) but does not answer`);
      })) as unknown as typeof describe;
  }
  return describe.skip;
}

/** `describe` for suites that need PostgreSQL; name them "... (PostgreSQL)". */
export const describeWithPostgres = describeWith('PostgreSQL', postgresUp);
/** `describe` for suites that need Redis. */
export const describeWithRedis = describeWith('Redis', redisUp);

/** A throwaway database: `CREATE DATABASE sb_<random>`, dropped by `drop()`. */
export function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createThrowawayDatabase(POSTGRES_URL, 'sb_');
}

/** A Redis key prefix unique to this test run. */
export function uniqueRedisPrefix(): string {
  return `sbtest:${randomBytes(6).toString('hex')}:`;
}
