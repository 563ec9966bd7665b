import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisPlatform,
  LeaseLostError,
  type Platform,
  withLease,
} from '../../../src/platform/index.js';
import { closeRedisClient, createRedisClient } from '../../../src/platform/redis/redis.js';
import { DependencyError } from '../../../src/shared/errors.js';
import { describeWithRedis, REDIS_URL, uniqueRedisPrefix } from '../../support/services.js';
import { type PlatformHarness, platformContract, readMessages } from '../contract.js';

/**
 * The suite's own logical database: cleaning up scans for its prefixes, and a SCAN walks the whole
 * database it runs in. On a shared Redis holding millions of other keys (benchmarks, other runs), a
 * scan per prefix in db 0 took minutes; db 15 holds only this suite's keys.
 */
const SUITE_REDIS_URL = (() => {
  const url = new URL(REDIS_URL);
  url.pathname = '/15';
  return url.toString();
})();

describeWithRedis('platform on Redis (Redis)', () => {
  let admin: Redis;
  const prefixes: string[] = [];

  beforeAll(() => {
    admin = createRedisClient(SUITE_REDIS_URL, { name: 'sbtest-admin' });
  });

  afterAll(async () => {
    // One pass for every prefix this file used (each harness deletes its own on close; this catches
    // the ones a failed test left open).
    await deleteKeysUnder('sbtest:', (key) => prefixes.some((prefix) => key.startsWith(prefix)));
    await closeRedisClient(admin);
  }, 180_000);

  async function deleteKeysUnder(
    pattern: string,
    owned: (key: string) => boolean = () => true,
  ): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${pattern}*`, 'COUNT', 10_000);
      const mine = keys.filter(owned);
      if (mine.length > 0) await admin.unlink(...mine);
      cursor = next;
    } while (cursor !== '0');
  }

  /** Platforms opened by one test; each open() is a new pair of connections. */
  function redisHarness(prefix = uniqueRedisPrefix(), name = 'sbtest'): PlatformHarness {
    prefixes.push(prefix);
    const opened: Platform[] = [];
    return {
      open: async () => {
        const platform = await createRedisPlatform(SUITE_REDIS_URL, { prefix, name });
        opened.push(platform);
        return platform;
      },
      close: async () => {
        await Promise.all(opened.map((platform) => platform.close()));
        await deleteKeysUnder(prefix);
      },
    };
  }

  platformContract(async () => redisHarness());

  describe('Redis specifics', () => {
    const harnesses: PlatformHarness[] = [];
    const harness = (prefix?: string, name?: string) => {
      const created = redisHarness(prefix, name);
      harnesses.push(created);
      return created;
    };
    afterEach(async () => {
      await Promise.all(harnesses.splice(0).map((h) => h.close()));
    });

    it('delivers across instances that share a prefix', async () => {
      const shared = harness();
      const a = await shared.open();
      const b = await shared.open();
      const onA = a.pubsub.subscribe('signals');
      const onB = b.pubsub.subscribe('signals');
      await Promise.all([onA.ready, onB.ready]);
      await b.pubsub.publish('signals', { from: 'b', position: 1n });
      await a.pubsub.publish('signals', { from: 'a', position: 2n });
      const expected = [
        { from: 'b', position: 1n },
        { from: 'a', position: 2n },
      ];
      expect(await readMessages(onA, 2)).toEqual(expected);
      expect(await readMessages(onB, 2)).toEqual(expected);
    });

    it('keeps prefixes apart: keys, leases and channels', async () => {
      const one = await harness().open();
      const two = await harness().open();
      await one.kv.set('k', 'one');
      expect(await two.kv.get('k')).toBeNull();
      expect(await two.kv.setIfAbsent('k', 'two')).toBe(true);
      expect(await one.kv.get('k')).toBe('one');

      expect(await one.leases.acquire('leader', { ttlMs: 5_000 })).not.toBeNull();
      expect(await two.leases.acquire('leader', { ttlMs: 5_000 })).not.toBeNull();

      const onTwo = two.pubsub.subscribe('t');
      await onTwo.ready;
      await one.pubsub.publish('t', 'from one');
      await two.pubsub.publish('t', 'from two');
      expect(await readMessages(onTwo, 1)).toEqual(['from two']);
    });

    it('stores keys under the documented layout', async () => {
      const prefix = uniqueRedisPrefix();
      const platform = await harness(prefix).open();
      await platform.kv.set('state', 'v', { ttlMs: 10_000 });
      await platform.leases.acquire('leader', { ttlMs: 10_000 });
      expect(await admin.get(`${prefix}kv:state`)).toBe('v');
      expect(await admin.pttl(`${prefix}kv:state`)).toBeGreaterThan(9_000);
      expect(await admin.exists(`${prefix}lease:leader`)).toBe(1);
    });

    it('multiplexes topics on one subscriber connection and unsubscribes after the last close', async () => {
      const prefix = uniqueRedisPrefix();
      const name = `sbtest-${randomBytes(4).toString('hex')}`;
      const platform = await harness(prefix, name).open();
      const { pubsub } = platform;
      const channel = `${prefix}pubsub:t`;
      const first = pubsub.subscribe('t');
      const second = pubsub.subscribe('t');
      const other = pubsub.subscribe('other');
      await Promise.all([first.ready, second.ready, other.ready]);

      const clients = String(await admin.client('LIST')).split('\n');
      const subscriberLines = clients.filter((line) => line.includes(` name=${name}:sub `));
      expect(subscriberLines).toHaveLength(1);
      expect(subscriberLines[0]).toContain(' sub=2 ');
      expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
      // Readiness also checks the subscriber connection, which is now in subscribe mode.
      await expect(platform.ping()).resolves.toBeUndefined();

      await first.close();
      expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
      await second.close();
      expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 0]);

      // A topic can be subscribed again after it was dropped.
      const again = pubsub.subscribe('t');
      await again.ready;
      await pubsub.publish('t', 'back');
      expect(await readMessages(again, 1)).toEqual(['back']);
    });

    it('withLease aborts fn as soon as a renewal is refused', async () => {
      const prefix = uniqueRedisPrefix();
      const shared = harness(prefix);
      const mine = await shared.open();
      const theirs = await shared.open();
      const started = performance.now();
      const result = await withLease(mine.leases, 'leader', { ttlMs: 3_000 }, async (signal) => {
        // An operator (or a bug) removed our key and another instance took the lease.
        await admin.del(`${prefix}lease:leader`);
        expect(await theirs.leases.acquire('leader', { ttlMs: 10_000 })).not.toBeNull();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return signal.reason;
      });
      expect(result).toEqual({ acquired: true, value: expect.any(LeaseLostError) });
      if (result.acquired) expect(String(result.value)).toContain('refused');
      // The first renewal (at ttl/3) noticed, long before the 3 s TTL ran out.
      expect(performance.now() - started).toBeLessThan(2_000);
      // Our release after losing it left the new holder alone.
      expect(await admin.exists(`${prefix}lease:leader`)).toBe(1);
    });

    it('ping answers; an unreachable Redis fails fast with a DependencyError', async () => {
      const platform = await harness().open();
      await expect(platform.ping()).resolves.toBeUndefined();

      const started = performance.now();
      const failure = await createRedisPlatform('redis://127.0.0.1:1', { prefix: uniqueRedisPrefix() }).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DependencyError);
      expect(failure).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503, expose: false });
      expect(String(failure)).toContain('ECONNREFUSED');
      expect(performance.now() - started).toBeLessThan(5_000);
    });

    it('a command on a closed platform fails as a DependencyError', async () => {
      const platform = await harness().open();
      await platform.close();
      await expect(platform.kv.get('k')).rejects.toBeInstanceOf(DependencyError);
    });
  });
});
