import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRateGovernor, redisRateGovernor } from '../../src/platform/rate-governor.js';
import { closeRedisClient, createRedisClient } from '../../src/platform/redis/redis.js';
import { describeWithRedis, REDIS_URL, uniqueRedisPrefix } from '../support/services.js';
import { startTcpForwarder, type TcpForwarder } from '../support/tcp-forwarder.js';

const BUDGETS = { api: { points: 3, windowSeconds: 60 } };

describe('rate governor in memory', () => {
  it('grants a key its points per window, then refuses with the time until the window ends', async () => {
    const governor = memoryRateGovernor(BUDGETS);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await governor.take('api', 'tenant:a'));
    expect(decisions.slice(0, 3).map((d) => d.allowed)).toEqual([true, true, true]);
    const refused = decisions[3]!;
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    // Another key has a budget of its own.
    expect((await governor.take('api', 'tenant:b')).allowed).toBe(true);
  });

  it('takes a refunded point again in the same window', async () => {
    const governor = memoryRateGovernor(BUDGETS);
    for (let i = 0; i < 3; i++) expect((await governor.take('api', 'tenant:a')).allowed).toBe(true);
    await governor.refund('api', 'tenant:a');
    expect((await governor.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await governor.take('api', 'tenant:a')).allowed).toBe(false);
  });

  it('does not limit a bucket without a budget', async () => {
    const governor = memoryRateGovernor<'api' | 'other'>(BUDGETS);
    for (let i = 0; i < 10; i++) expect((await governor.take('other', 'x')).allowed).toBe(true);
  });
});

describeWithRedis('rate governor on Redis (Redis)', () => {
  let client: Redis;
  let forwarder: TcpForwarder;
  let throughForwarder: Redis;

  beforeAll(async () => {
    client = createRedisClient(REDIS_URL, { name: 'sbtest-rate' });
    const redis = new URL(REDIS_URL);
    forwarder = await startTcpForwarder({ host: redis.hostname, port: Number(redis.port || 6379) });
    throughForwarder = createRedisClient(forwarder.url(REDIS_URL), { name: 'sbtest-rate-fwd' });
    await throughForwarder.ping();
  });
  afterAll(async () => {
    await forwarder.up();
    await closeRedisClient(client);
    await closeRedisClient(throughForwarder);
    await forwarder.close();
  });

  it('shares a budget between the instances on one prefix', async () => {
    const prefix = uniqueRedisPrefix();
    const one = redisRateGovernor(client, BUDGETS, { prefix });
    const two = redisRateGovernor(client, BUDGETS, { prefix });
    expect((await one.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await two.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await one.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await two.take('api', 'tenant:a')).allowed).toBe(false);
    expect(await client.exists(`${prefix}rate:api:tenant:a`)).toBe(1);
  });

  it('lets one instance take a point another refunded', async () => {
    const prefix = uniqueRedisPrefix();
    const one = redisRateGovernor(client, BUDGETS, { prefix });
    const two = redisRateGovernor(client, BUDGETS, { prefix });
    for (let i = 0; i < 3; i++) expect((await one.take('api', 'tenant:a')).allowed).toBe(true);
    await one.refund('api', 'tenant:a');
    expect((await two.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await two.take('api', 'tenant:a')).allowed).toBe(false);
  });

  it('reserves points of a large budget at a time, so most takes ask Redis nothing, and is exact near the end', async () => {
    const prefix = uniqueRedisPrefix();
    const budgets = { api: { points: 100, windowSeconds: 60, reserve: 10 } };
    const one = redisRateGovernor(client, budgets, { prefix });
    const two = redisRateGovernor(client, budgets, { prefix });
    const consumed = async () => Number((await client.get(`${prefix}rate:api:tenant:a`)) ?? 0);
    // Concurrent takes of one key wait for one reservation instead of each making one.
    const first = await Promise.all(Array.from({ length: 10 }, () => one.take('api', 'tenant:a')));
    expect(first.every((decision) => decision.allowed)).toBe(true);
    expect(await consumed()).toBe(10);
    expect((await one.take('api', 'tenant:a')).allowed).toBe(true);
    expect(await consumed()).toBe(20);
    // The other instance shares the budget: it reserves its own points from what is left.
    for (let i = 0; i < 79; i++) expect((await two.take('api', 'tenant:a')).allowed).toBe(true);
    expect(await consumed()).toBe(100);
    // Every point is spoken for: instance one still holds 9 it reserved, instance two 1.
    for (let i = 0; i < 9; i++) expect((await one.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await two.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await one.take('api', 'tenant:a')).allowed).toBe(false);
    expect((await two.take('api', 'tenant:a')).allowed).toBe(false);
    // The refused reservations (10 each) were given back: the count holds the 100 taken and the
    // two refused exact takes (rate-limiter-flexible counts a refused take, as without reservations).
    expect(await consumed()).toBe(102);
  });

  it('counts exactly once less than a reservation is left in the shared window', async () => {
    const prefix = uniqueRedisPrefix();
    const exact = redisRateGovernor(client, { api: { points: 15, windowSeconds: 60 } }, { prefix });
    const reserving = redisRateGovernor(
      client,
      { api: { points: 15, windowSeconds: 60, reserve: 10 } },
      { prefix },
    );
    for (let i = 0; i < 8; i++) expect((await exact.take('api', 'tenant:a')).allowed).toBe(true);
    // 7 left: no reservation of 10 fits, so each take asks Redis for one point.
    for (let i = 0; i < 7; i++) expect((await reserving.take('api', 'tenant:a')).allowed).toBe(true);
    expect((await reserving.take('api', 'tenant:a')).allowed).toBe(false);
    expect((await exact.take('api', 'tenant:a')).allowed).toBe(false);
  });

  for (const mode of ['down', 'partition'] as const) {
    it(`decides locally, promptly, while Redis is ${mode}, and goes back to Redis after`, async () => {
      const fallbacks: unknown[] = [];
      const prefix = uniqueRedisPrefix();
      const governor = redisRateGovernor(throughForwarder, BUDGETS, {
        prefix,
        timeoutMs: 100,
        localForMs: 500,
        onFallback: (error) => fallbacks.push(error),
      });
      await forwarder.setMode(mode);
      try {
        const started = performance.now();
        const decisions = [];
        for (let i = 0; i < 4; i++) decisions.push(await governor.take('api', 'tenant:a'));
        // At most one wait for a late answer, then the local budget alone.
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      } finally {
        await forwarder.up();
      }
      await new Promise((resolve) => setTimeout(resolve, 600));
      await expect
        .poll(
          async () => {
            await governor.take('api', 'tenant:b');
            return client.exists(`${prefix}rate:api:tenant:b`);
          },
          { timeout: 5_000 },
        )
        .toBe(1);
    });
  }
});
