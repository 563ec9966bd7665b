import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { Event } from '../src/eventstore/envelope.js';
import { closeRedisClient, createRedisClient } from '../src/platform/redis/redis.js';
import { createThrowawayDatabase } from '../test/support/scratch-database.js';

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function benchEvent(type = 'BenchEvent', data: unknown = { n: 1, text: 'x'.repeat(100) }): Event {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      tenantId: 'bench',
      correlationId: randomUUID(),
      causationId: null,
      actor: 'system:bench',
      schemaVersion: 1,
    },
  };
}

export function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createThrowawayDatabase(POSTGRES_URL, 'sb_bench_');
}

/** Runs `work` on `concurrency` workers until `durationMs` has passed; returns completed operations per second. */
export async function throughput(
  concurrency: number,
  durationMs: number,
  work: (worker: number) => Promise<number>,
) {
  const started = performance.now();
  const deadline = started + durationMs;
  let operations = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        // Not `operations += await work()`: that reads `operations` before the await and loses
        // every other worker's increments made meanwhile.
        const done = await work(worker);
        operations += done;
      }
    }),
  );
  return operations / ((performance.now() - started) / 1000);
}

export async function machineDescription(): Promise<string> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let postgres = 'unavailable';
  try {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    postgres = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!
      .server_version;
    const settings = await client.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers')",
    );
    postgres += ` (${settings.rows.map((row) => `${row.name}=${row.setting}`).join(', ')})`;
    await client.end();
  } catch {}
  return [
    `- ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; PostgreSQL ${postgres} on loopback; PGlite in-process`,
  ].join('\n');
}

export const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/**
 * Deletes a bench hub's Redis keys (its own prefix): the rate budgets and leases a run leaves.
 * Resolves whatever happens; a bench's cleanup must not hide its figures.
 */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedisClient(redisUrl, { name: 'bench-cleanup' });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis gone: nothing to clean.
  } finally {
    await closeRedisClient(redis);
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** "median (min–max)", each formatted: how the benches print interleaved rounds. */
export function spread(values: readonly number[], format: (n: number) => string): string {
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

/**
 * The contenders a bench variable picks (`list`, names separated by `separator`; all when unset),
 * the reference always among them.
 */
export function picked<K extends string>(
  all: readonly K[],
  reference: K,
  list: string | undefined,
  separator: string,
): K[] {
  const wanted = list ? new Set(list.split(separator)) : null;
  return all.filter((key) => key === reference || wanted === null || wanted.has(key));
}
