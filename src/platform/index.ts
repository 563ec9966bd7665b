import type { KeyValueStore } from './kv.js';
import type { LeaseManager } from './lease.js';
import { MemoryKeyValueStore } from './memory/kv-memory.js';
import { MemoryLeaseManager } from './memory/lease-memory.js';
import { MemoryPubSub } from './memory/pubsub-memory.js';
import type { PubSub } from './pubsub.js';
import {
  memoryRateGovernor,
  type RateBudgets,
  type RateGovernor,
  redisRateGovernor,
} from './rate-governor.js';
import { RedisKeyValueStore } from './redis/kv-redis.js';
import { RedisLeaseManager } from './redis/lease-redis.js';
import { RedisPubSub } from './redis/pubsub-redis.js';
import { closeRedisClient, createRedisClient, pingRedis } from './redis/redis.js';

export type { KeyValueStore, TtlOptions } from './kv.js';
export { type Lease, LeaseLostError, type LeaseManager } from './lease.js';
export type { PubSub, SubscribeOptions, TopicSubscription } from './pubsub.js';
export { PubSubClosedError } from './pubsub.js';
export type { RateBudget, RateBudgets, RateDecision, RateGovernor } from './rate-governor.js';
export { type WithLeaseOptions, type WithLeaseResult, withLease } from './with-lease.js';

/** The cross-cutting ports, chosen once by runtime.ts and handed down. */
export interface Platform {
  pubsub: PubSub;
  kv: KeyValueStore;
  leases: LeaseManager;
  /** Request budgets per key, shared by every instance when Redis is there (rate-governor.ts). */
  rateGovernor<Bucket extends string>(budgets: RateBudgets<Bucket>): RateGovernor<Bucket>;
  /** Ends subscriptions and closes connections. Idempotent. */
  close(): Promise<void>;
  /** Readiness: resolves when every backing service answers, else throws DependencyError. */
  ping(): Promise<void>;
}

export interface MemoryPlatformOptions {
  /** Default per-subscription pubsub buffer (default 1000). */
  bufferSize?: number;
  /** Clock for KV and lease expiry (tests). */
  now?: () => number;
}

/** Everything in this process: the embedded profile (one instance) and tests. */
export function createMemoryPlatform(options: MemoryPlatformOptions = {}): Platform {
  const pubsub = new MemoryPubSub({ bufferSize: options.bufferSize });
  const kv = new MemoryKeyValueStore({ now: options.now });
  const leases = new MemoryLeaseManager({ now: options.now });
  return {
    pubsub,
    kv,
    leases,
    rateGovernor: (budgets) => memoryRateGovernor(budgets),
    close: async () => {
      kv.close();
      await pubsub.close();
    },
    ping: async () => {},
  };
}

export interface RedisPlatformOptions {
  /**
   * Namespace for every key and channel (default `switchboard:`): deployments, tenants of a shared
   * Redis and test runs each use their own. Keys are `<prefix>kv:…`, `<prefix>lease:…`; channels
   * `<prefix>pubsub:…`.
   */
  prefix?: string;
  /** Connection name prefix shown by CLIENT LIST (default `switchboard`). */
  name?: string;
  /** Default per-subscription pubsub buffer (default 1000). */
  bufferSize?: number;
  /** Connection errors as they happen (for logging); ioredis reconnects by itself. */
  onError?: (error: Error) => void;
  /** How long one Redis command may take, queued or sent (default: config.ts DEFAULT_TIMEOUTS). */
  commandTimeoutMs?: number;
}

/**
 * Two connections: one for commands (KV, leases, PUBLISH) and the pubsub subscriber. Fails with a
 * DependencyError when Redis does not answer, so a misconfigured REDIS_URL stops startup loudly.
 */
export async function createRedisPlatform(
  url: string,
  options: RedisPlatformOptions = {},
): Promise<Platform> {
  const prefix = options.prefix ?? 'switchboard:';
  const name = options.name ?? 'switchboard';
  const client = createRedisClient(url, {
    name,
    onError: options.onError,
    commandTimeoutMs: options.commandTimeoutMs,
    // Commands issued in one turn of the event loop (a projection batch's PUBLISHes, concurrent
    // requests' rate-limit reservations) leave in one socket write: a write to the loopback socket
    // cost more Node CPU than the rest of a Redis command (issue 11's profiles).
    autoPipelining: true,
  });
  const pubsub = new RedisPubSub(client, {
    prefix: `${prefix}pubsub:`,
    bufferSize: options.bufferSize,
    subscriber: { name: `${name}:sub`, onError: options.onError },
  });
  let closing: Promise<void> | undefined;
  const platform: Platform = {
    pubsub,
    kv: new RedisKeyValueStore(client, { prefix }),
    leases: new RedisLeaseManager(client, { prefix }),
    rateGovernor: (budgets) =>
      redisRateGovernor(client, budgets, {
        prefix,
        onFallback: (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))),
      }),
    close: () => {
      closing ??= pubsub.close().finally(() => closeRedisClient(client));
      return closing;
    },
    ping: async () => {
      await Promise.all([pingRedis(client), pubsub.ping()]);
    },
  };
  try {
    await platform.ping();
  } catch (error) {
    await platform.close();
    throw error;
  }
  return platform;
}
