import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type Lease, LeaseLostError, type LeaseManager, withLease } from '../../src/platform/index.js';
import { MemoryLeaseManager } from '../../src/platform/memory/lease-memory.js';

/** A manager that always grants the lease and renews it as `renew` says. */
function scriptedManager(renew: (attempt: number) => Promise<boolean>) {
  const calls = { renew: 0, release: 0 };
  const manager: LeaseManager = {
    acquire: async (name): Promise<Lease> => ({
      name,
      token: randomUUID(),
      renew: () => renew(++calls.renew),
      release: async () => {
        calls.release++;
      },
    }),
  };
  return { manager, calls };
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });

describe('withLease', () => {
  it('aborts fn at the first refused renewal (ttl/3) and still releases', async () => {
    const { manager, calls } = scriptedManager(async () => false);
    const started = performance.now();
    const result = await withLease(manager, 'job', { ttlMs: 300 }, untilAborted);
    const elapsed = performance.now() - started;
    expect(result).toEqual({ acquired: true, value: expect.any(LeaseLostError) });
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(250);
    expect(calls).toEqual({ renew: 1, release: 1 });
  });

  it('aborts by its own deadline when renewals hang (Redis unreachable)', async () => {
    const { manager } = scriptedManager(() => new Promise<boolean>(() => {}));
    const started = performance.now();
    const result = await withLease(manager, 'job', { ttlMs: 300 }, untilAborted);
    const elapsed = performance.now() - started;
    expect(result).toEqual({ acquired: true, value: expect.any(LeaseLostError) });
    // Not before the TTL could have run out, and not long after.
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(600);
  });

  it('rides out a renewal that fails once', async () => {
    const { manager, calls } = scriptedManager(async (attempt) => {
      if (attempt === 1) throw new Error('connection reset');
      return true;
    });
    const result = await withLease(manager, 'job', { ttlMs: 300 }, async (signal) => {
      await sleep(700);
      return signal.aborted;
    });
    expect(result).toEqual({ acquired: true, value: false });
    expect(calls.renew).toBeGreaterThanOrEqual(3);
  });

  it('gives up waiting after waitMs', async () => {
    const leases = new MemoryLeaseManager();
    await leases.acquire('job', { ttlMs: 10_000 });
    const started = performance.now();
    const result = await withLease(
      leases,
      'job',
      { ttlMs: 1_000, waitMs: 200, retryMs: 30 },
      async () => 'ran',
    );
    expect(result).toEqual({ acquired: false });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('an outer signal cancels the wait, and is forwarded to fn', async () => {
    const leases = new MemoryLeaseManager();
    const holder = await leases.acquire('job', { ttlMs: 10_000 });
    const waiting = withLease(
      leases,
      'job',
      { ttlMs: 1_000, waitMs: 5_000, signal: AbortSignal.timeout(100) },
      async () => 'ran',
    );
    await expect(waiting).rejects.toMatchObject({ name: 'TimeoutError' });

    await holder!.release();
    const shutdown = new AbortController();
    const result = await withLease(
      leases,
      'job',
      { ttlMs: 1_000, signal: shutdown.signal },
      async (signal) => {
        shutdown.abort(new Error('shutting down'));
        return untilAborted(signal);
      },
    );
    expect(result).toEqual({ acquired: true, value: new Error('shutting down') });
    expect(await leases.acquire('job', { ttlMs: 1_000 })).not.toBeNull();
  });

  it('rejects a TTL that is not a positive whole number', async () => {
    await expect(withLease(new MemoryLeaseManager(), 'job', { ttlMs: 0 }, async () => 1)).rejects.toThrow(
      RangeError,
    );
  });
});
