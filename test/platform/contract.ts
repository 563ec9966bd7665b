import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LeaseLostError,
  type Platform,
  PubSubClosedError,
  type TopicSubscription,
  withLease,
} from '../../src/platform/index.js';

/**
 * The behaviour every platform adapter must share. A harness gives each test a fresh backend
 * (a new Redis key prefix, a new memory platform); `open()` returns another instance on that same
 * backend: new connections with the same prefix on Redis, the same object in memory (where the
 * process is the backend). Timing-based tests use short real TTLs with generous margins.
 */
export interface PlatformHarness {
  open(): Promise<Platform>;
  /** Closes everything opened and removes what the test left behind. */
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<PlatformHarness>;

export function platformContract(createHarness: HarnessFactory): void {
  keyValueContract(createHarness);
  leaseContract(createHarness);
  pubSubContract(createHarness);
}

function useHarness(createHarness: HarnessFactory): () => PlatformHarness {
  let harness: PlatformHarness | undefined;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  return () => {
    if (!harness) throw new Error('harness used outside a test');
    return harness;
  };
}

export function keyValueContract(createHarness: HarnessFactory): void {
  describe('KeyValueStore contract', () => {
    const harness = useHarness(createHarness);

    it('gets what was set, overwrites, deletes', async () => {
      const { kv } = await harness().open();
      expect(await kv.get('missing')).toBeNull();
      await kv.set('k', 'one');
      expect(await kv.get('k')).toBe('one');
      await kv.set('k', 'two');
      expect(await kv.get('k')).toBe('two');
      expect(await kv.delete('k')).toBe(true);
      expect(await kv.delete('k')).toBe(false);
      expect(await kv.get('k')).toBeNull();
    });

    it('shares values between instances on one backend', async () => {
      const a = await harness().open();
      const b = await harness().open();
      await a.kv.set('shared', 'v');
      expect(await b.kv.get('shared')).toBe('v');
    });

    it('expires a key after its TTL', async () => {
      const { kv } = await harness().open();
      await kv.set('short', 'v', { ttlMs: 100 });
      expect(await kv.get('short')).toBe('v');
      await sleep(250);
      expect(await kv.get('short')).toBeNull();
      expect(await kv.delete('short')).toBe(false);
    });

    it('set without a TTL makes a key permanent again', async () => {
      const { kv } = await harness().open();
      await kv.set('k', 'temporary', { ttlMs: 100 });
      await kv.set('k', 'permanent');
      await sleep(250);
      expect(await kv.get('k')).toBe('permanent');
    });

    it('setIfAbsent writes only when the key is absent or expired', async () => {
      const { kv } = await harness().open();
      expect(await kv.setIfAbsent('nonce', 'first', { ttlMs: 100 })).toBe(true);
      expect(await kv.setIfAbsent('nonce', 'second', { ttlMs: 100 })).toBe(false);
      expect(await kv.get('nonce')).toBe('first');
      await sleep(250);
      expect(await kv.setIfAbsent('nonce', 'third')).toBe(true);
      expect(await kv.get('nonce')).toBe('third');
    });

    it('setIfAbsent: exactly one of 50 concurrent callers wins', async () => {
      const stores = [(await harness().open()).kv, (await harness().open()).kv];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % 2]!.setIfAbsent('race', `caller-${i}`, { ttlMs: 10_000 }),
        ),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await stores[0]!.get('race')).toBe(`caller-${winners[0]}`);
    });

    it('increment counts atomically within a fixed window that a later increment does not extend', async () => {
      const stores = [(await harness().open()).kv, (await harness().open()).kv];
      const counts = await Promise.all(
        Array.from({ length: 40 }, (_, i) => stores[i % 2]!.increment('window', { ttlMs: 300 })),
      );
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      await sleep(200);
      expect(await stores[0]!.increment('window', { ttlMs: 300 })).toBe(41);
      await sleep(200);
      // 400 ms after the first increment: the window it opened is over, whatever came later.
      expect(await stores[1]!.increment('window', { ttlMs: 300 })).toBe(1);
    });

    it('take returns the value once and deletes it', async () => {
      const { kv } = await harness().open();
      expect(await kv.take('missing')).toBeNull();
      await kv.set('state', 'oauth-state');
      expect(await kv.take('state')).toBe('oauth-state');
      expect(await kv.take('state')).toBeNull();
      expect(await kv.get('state')).toBeNull();
    });

    it('take is single-use under 50 concurrent callers', async () => {
      const stores = [(await harness().open()).kv, (await harness().open()).kv];
      await stores[0]!.set('state', 'once', { ttlMs: 10_000 });
      const taken = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.take('state')));
      expect(taken.filter((value) => value !== null)).toEqual(['once']);
    });

    it('take does not return an expired value', async () => {
      const { kv } = await harness().open();
      await kv.set('state', 'v', { ttlMs: 100 });
      await sleep(250);
      expect(await kv.take('state')).toBeNull();
    });

    it('rejects a TTL that is not a positive whole number, writing nothing', async () => {
      const { kv } = await harness().open();
      for (const ttlMs of [0, -5, 1.5, Number.NaN]) {
        await expect(kv.set('bad', 'v', { ttlMs })).rejects.toThrow(RangeError);
        await expect(kv.setIfAbsent('bad', 'v', { ttlMs })).rejects.toThrow(RangeError);
      }
      expect(await kv.get('bad')).toBeNull();
    });
  });
}

export function leaseContract(createHarness: HarnessFactory): void {
  describe('LeaseManager contract', () => {
    const harness = useHarness(createHarness);

    it('is exclusive between two managers until released', async () => {
      const a = (await harness().open()).leases;
      const b = (await harness().open()).leases;
      const lease = await a.acquire('leader', { ttlMs: 5_000 });
      expect(lease).toMatchObject({ name: 'leader', token: expect.any(String) });
      expect(await b.acquire('leader', { ttlMs: 5_000 })).toBeNull();
      expect(await a.acquire('leader', { ttlMs: 5_000 })).toBeNull();
      expect(await b.acquire('other', { ttlMs: 5_000 })).not.toBeNull();
      await lease!.release();
      const next = await b.acquire('leader', { ttlMs: 5_000 });
      expect(next).not.toBeNull();
      expect(next!.token).not.toBe(lease!.token);
    });

    it('exactly one of 20 concurrent acquires wins', async () => {
      const managers = [(await harness().open()).leases, (await harness().open()).leases];
      const leases = await Promise.all(
        Array.from({ length: 20 }, (_, i) => managers[i % 2]!.acquire('contended', { ttlMs: 5_000 })),
      );
      expect(leases.filter((lease) => lease !== null)).toHaveLength(1);
    });

    it('expires when not renewed, and can then be acquired by another', async () => {
      const a = (await harness().open()).leases;
      const b = (await harness().open()).leases;
      expect(await a.acquire('job', { ttlMs: 100 })).not.toBeNull();
      await sleep(250);
      expect(await b.acquire('job', { ttlMs: 5_000 })).not.toBeNull();
    });

    it('renew by the holder extends the lease', async () => {
      const a = (await harness().open()).leases;
      const b = (await harness().open()).leases;
      const lease = await a.acquire('job', { ttlMs: 300 });
      await sleep(200);
      expect(await lease!.renew()).toBe(true);
      await sleep(200);
      // 400 ms after acquiring: without the renewal it would have expired at 300.
      expect(await b.acquire('job', { ttlMs: 300 })).toBeNull();
    });

    it('renew after expiry fails, whether or not someone took the lease since', async () => {
      const a = (await harness().open()).leases;
      const b = (await harness().open()).leases;
      const lapsed = await a.acquire('job', { ttlMs: 100 });
      await sleep(250);
      expect(await lapsed!.renew()).toBe(false);
      const taken = await a.acquire('job', { ttlMs: 100 });
      await sleep(250);
      const current = await b.acquire('job', { ttlMs: 5_000 });
      expect(current).not.toBeNull();
      expect(await taken!.renew()).toBe(false);
      expect(await current!.renew()).toBe(true);
    });

    it('release by a former holder does not touch the current holder', async () => {
      const a = (await harness().open()).leases;
      const b = (await harness().open()).leases;
      const former = await a.acquire('job', { ttlMs: 100 });
      await sleep(250);
      const current = await b.acquire('job', { ttlMs: 5_000 });
      await former!.release();
      expect(await a.acquire('job', { ttlMs: 5_000 })).toBeNull();
      expect(await current!.renew()).toBe(true);
      await current!.release();
      await current!.release();
      expect(await current!.renew()).toBe(false);
      expect(await a.acquire('job', { ttlMs: 5_000 })).not.toBeNull();
    });

    it('rejects a TTL that is not a positive whole number', async () => {
      const { leases } = await harness().open();
      await expect(leases.acquire('job', { ttlMs: 0 })).rejects.toThrow(RangeError);
      expect(await leases.acquire('job', { ttlMs: 1_000 })).not.toBeNull();
    });

    describe('withLease', () => {
      it('holds the lease while fn runs, renewing it past its TTL, and releases it after', async () => {
        const a = (await harness().open()).leases;
        const b = (await harness().open()).leases;
        let holderDuringRun: unknown = 'not checked';
        const result = await withLease(a, 'leader', { ttlMs: 150 }, async (signal) => {
          await sleep(450);
          holderDuringRun = await b.acquire('leader', { ttlMs: 150 });
          expect(signal.aborted).toBe(false);
          return 'done';
        });
        expect(result).toEqual({ acquired: true, value: 'done' });
        expect(holderDuringRun).toBeNull();
        expect(await b.acquire('leader', { ttlMs: 5_000 })).not.toBeNull();
      });

      it('reports a lease held elsewhere as not acquired, without running fn', async () => {
        const a = (await harness().open()).leases;
        const b = (await harness().open()).leases;
        await a.acquire('leader', { ttlMs: 5_000 });
        let ran = false;
        const result = await withLease(b, 'leader', { ttlMs: 5_000, waitMs: 150, retryMs: 20 }, async () => {
          ran = true;
        });
        expect(result).toEqual({ acquired: false });
        expect(ran).toBe(false);
      });

      it('waits for the holder to release within waitMs', async () => {
        const a = (await harness().open()).leases;
        const b = (await harness().open()).leases;
        const held = await a.acquire('leader', { ttlMs: 5_000 });
        setTimeout(() => void held!.release(), 100);
        const result = await withLease(
          b,
          'leader',
          { ttlMs: 5_000, waitMs: 2_000, retryMs: 20 },
          async () => 42,
        );
        expect(result).toEqual({ acquired: true, value: 42 });
      });

      it('releases the lease when fn throws', async () => {
        const { leases } = await harness().open();
        await expect(
          withLease(leases, 'leader', { ttlMs: 5_000 }, async () => {
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await leases.acquire('leader', { ttlMs: 5_000 })).not.toBeNull();
      });

      it('signals loss through the AbortSignal when the lease lapses and another takes it', async () => {
        const { leases } = await harness().open();
        const result = await withLease(leases, 'leader', { ttlMs: 150 }, (signal) =>
          stealAfterExpiry(harness(), 'leader', signal),
        );
        expect(result).toEqual({ acquired: true, value: expect.any(LeaseLostError) });
      });
    });
  });
}

/**
 * Lets the lease lapse by blocking the event loop past its TTL (so renewals cannot run), takes it
 * from another instance, then waits for fn's signal to report the loss.
 */
async function stealAfterExpiry(
  harness: PlatformHarness,
  name: string,
  signal: AbortSignal,
): Promise<unknown> {
  const busyUntil = Date.now() + 300;
  while (Date.now() < busyUntil) {
    // Deliberately synchronous: a stalled holder (GC pause, CPU starvation) is the case to cover.
  }
  const other = (await harness.open()).leases;
  expect(await other.acquire(name, { ttlMs: 5_000 })).not.toBeNull();
  if (!signal.aborted)
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  return signal.reason;
}

/** Reads `count` messages, failing after `timeoutMs` instead of hanging the test. */
export async function readMessages(
  subscription: TopicSubscription,
  count: number,
  timeoutMs = 3_000,
): Promise<unknown[]> {
  const iterator = subscription[Symbol.asyncIterator]();
  const messages: unknown[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`got ${messages.length} of ${count} messages`)), timeoutMs);
  });
  try {
    while (messages.length < count) {
      const next = await Promise.race([iterator.next(), timedOut]);
      if (next.done) throw new Error(`iteration ended after ${messages.length} of ${count} messages`);
      messages.push(next.value);
    }
    return messages;
  } finally {
    clearTimeout(timer);
  }
}

export function pubSubContract(createHarness: HarnessFactory): void {
  describe('PubSub contract', () => {
    const harness = useHarness(createHarness);

    it('fans out every message, in order, to every subscriber of the topic', async () => {
      const { pubsub } = await harness().open();
      const subscriptions = [pubsub.subscribe('t'), pubsub.subscribe('t'), pubsub.subscribe('t')];
      await Promise.all(subscriptions.map((s) => s.ready));
      for (const n of [1, 2, 3]) await pubsub.publish('t', { n });
      for (const subscription of subscriptions) {
        expect(await readMessages(subscription, 3)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect(subscription.dropped).toBe(0);
      }
    });

    it('keeps topics apart', async () => {
      const { pubsub } = await harness().open();
      const a = pubsub.subscribe('a');
      const b = pubsub.subscribe('b');
      await Promise.all([a.ready, b.ready]);
      await pubsub.publish('a', 'for a');
      await pubsub.publish('b', 'for b');
      // b's first message is its own: nothing published on a reached it.
      expect(await readMessages(b, 1)).toEqual(['for b']);
      expect(await readMessages(a, 1)).toEqual(['for a']);
    });

    it('a slow subscriber neither blocks the publisher nor a fast one: it drops its oldest messages', async () => {
      const { pubsub } = await harness().open();
      // A burst arrives faster than any consumer can await, so "fast" still needs room for it.
      const fast = pubsub.subscribe('t', { bufferSize: 100 });
      const slow = pubsub.subscribe('t', { bufferSize: 10 });
      await Promise.all([fast.ready, slow.ready]);
      const fastRead = readMessages(fast, 100);
      await Promise.all(Array.from({ length: 100 }, (_, n) => pubsub.publish('t', n)));
      expect(await fastRead).toEqual(Array.from({ length: 100 }, (_, n) => n));
      expect(fast.dropped).toBe(0);
      expect(slow.dropped).toBe(90);
      expect(await readMessages(slow, 10)).toEqual(Array.from({ length: 10 }, (_, n) => 90 + n));
    });

    it('round-trips bigints and tag-shaped objects; delivers frozen copies', async () => {
      const { pubsub } = await harness().open();
      const subscription = pubsub.subscribe('t');
      await subscription.ready;
      const payload = {
        position: 123_456_789_012_345_678_901_234_567_890n,
        revisions: [0n, -1n, 2n ** 64n],
        looksLikeATag: { $bigint: '7' },
        wrapped: { $literal: { $bigint: 8n } },
        text: 'plain',
        at: new Date('2024-01-02T03:04:05.000Z'),
      };
      await pubsub.publish('t', payload);
      const [received] = await readMessages(subscription, 1);
      expect(received).toEqual({ ...payload, at: '2024-01-02T03:04:05.000Z' });
      expect(received).not.toBe(payload);
      expect(Object.isFrozen(received)).toBe(true);
    });

    it('close ends the iteration and stops delivery to that subscriber only', async () => {
      const { pubsub } = await harness().open();
      const closing = pubsub.subscribe('t');
      const staying = pubsub.subscribe('t');
      await Promise.all([closing.ready, staying.ready]);
      const received: unknown[] = [];
      const loop = (async () => {
        for await (const message of closing) received.push(message);
        return 'ended';
      })();
      await pubsub.publish('t', 1);
      await readMessages(staying, 1);
      await closing.close();
      expect(await loop).toBe('ended');
      await pubsub.publish('t', 2);
      expect(await readMessages(staying, 1)).toEqual([2]);
      expect(received).toEqual([1]);
    });

    it('break in for-await closes the subscription', async () => {
      const { pubsub } = await harness().open();
      const subscription = pubsub.subscribe('t');
      await subscription.ready;
      await pubsub.publish('t', 'first');
      for await (const message of subscription) {
        expect(message).toBe('first');
        break;
      }
      expect(await subscription[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
    });

    it('closing the pubsub ends every iteration and refuses new use', async () => {
      const { pubsub } = await harness().open();
      const subscriptions = [pubsub.subscribe('a'), pubsub.subscribe('b')];
      await Promise.all(subscriptions.map((s) => s.ready));
      const loops = subscriptions.map(async (subscription) => {
        for await (const _ of subscription) {
          // drain
        }
        return 'ended';
      });
      await pubsub.close();
      expect(await Promise.all(loops)).toEqual(['ended', 'ended']);
      expect(() => pubsub.subscribe('a')).toThrow(PubSubClosedError);
      await expect(pubsub.publish('a', 1)).rejects.toThrow(PubSubClosedError);
    });

    it('refuses a payload that is not JSON (cycles) before sending anything', async () => {
      const { pubsub } = await harness().open();
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      await expect(pubsub.publish('t', cyclic)).rejects.toThrow(TypeError);
    });
  });
}
