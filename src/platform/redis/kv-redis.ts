import type { Redis } from 'ioredis';
import type { KeyValueStore, TtlOptions } from '../kv.js';
import { assertTtl } from '../ttl.js';
import { callRedis } from './redis.js';

/** KeyValueStore on plain Redis strings under `<prefix>kv:`. Needs Redis 6.2+ (GETDEL). */
export class RedisKeyValueStore implements KeyValueStore {
  readonly #client: Redis;
  readonly #keyPrefix: string;

  /** `client` is shared and owned by the caller. */
  constructor(client: Redis, options: { prefix: string }) {
    this.#client = client;
    this.#keyPrefix = `${options.prefix}kv:`;
  }

  get(key: string): Promise<string | null> {
    return callRedis(this.#client, 'GET', () => this.#client.get(this.#keyPrefix + key));
  }

  async set(key: string, value: string, options: TtlOptions = {}): Promise<void> {
    const { ttlMs } = options;
    const redisKey = this.#keyPrefix + key;
    if (ttlMs === undefined) {
      await callRedis(this.#client, 'SET', () => this.#client.set(redisKey, value));
      return;
    }
    assertTtl(ttlMs);
    await callRedis(this.#client, 'SET', () => this.#client.set(redisKey, value, 'PX', ttlMs));
  }

  async setIfAbsent(key: string, value: string, options: TtlOptions = {}): Promise<boolean> {
    const { ttlMs } = options;
    const redisKey = this.#keyPrefix + key;
    if (ttlMs !== undefined) assertTtl(ttlMs);
    const reply = await callRedis(this.#client, 'SET NX', () =>
      ttlMs === undefined
        ? this.#client.set(redisKey, value, 'NX')
        : this.#client.set(redisKey, value, 'PX', ttlMs, 'NX'),
    );
    return reply === 'OK';
  }

  take(key: string): Promise<string | null> {
    return callRedis(this.#client, 'GETDEL', () => this.#client.getdel(this.#keyPrefix + key));
  }

  async increment(key: string, options: Required<TtlOptions>): Promise<number> {
    assertTtl(options.ttlMs);
    const redisKey = this.#keyPrefix + key;
    // One round trip, atomic: PEXPIRE NX (Redis 7) sets the window only on the counter's first use.
    const replies = await callRedis(this.#client, 'INCR', () =>
      this.#client.multi().incr(redisKey).call('PEXPIRE', redisKey, String(options.ttlMs), 'NX').exec(),
    );
    const [error, count] = replies?.[0] ?? [new Error('INCR got no reply'), null];
    if (error) throw error;
    return Number(count);
  }

  async delete(key: string): Promise<boolean> {
    const removed = await callRedis(this.#client, 'DEL', () => this.#client.del(this.#keyPrefix + key));
    return removed > 0;
  }
}
