import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionDeps } from '../../../src/commands/deps.js';
import { isDue, isFresh } from '../../../src/connections/tokens/freshness.js';
import { ProactiveRefresher } from '../../../src/connections/tokens/proactive-refresher.js';
import type { TokenRefresher } from '../../../src/connections/tokens/refresh.js';
import { SingleFlight } from '../../../src/connections/tokens/single-flight.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

describe('token freshness', () => {
  it('treats a token as expired within 10% of its lifetime (at most 30 s) of the end', () => {
    // One hour: the skew is the 30 s cap.
    expect(isFresh(at(0), at(3600), at(3569))).toBe(true);
    expect(isFresh(at(0), at(3600), at(3571))).toBe(false);
    // Two seconds: 0.2 s of skew, so short-lived tokens are not refreshed on every checkout.
    expect(isFresh(at(0), at(2), at(1.7))).toBe(true);
    expect(isFresh(at(0), at(2), at(1.9))).toBe(false);
    expect(isFresh(at(0), null, at(10 ** 6))).toBe(true);
  });

  it('is due for the proactive refresher at 70% of the lifetime', () => {
    expect(isDue(at(0), at(100), at(69))).toBe(false);
    expect(isDue(at(0), at(100), at(70))).toBe(true);
    expect(isDue(at(0), null, at(10 ** 6))).toBe(false);
  });
});

describe('single flight', () => {
  it('runs once per key while in flight, and again afterwards', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const work = async () => {
      const run = ++runs;
      await sleep(10);
      return run;
    };
    const results = await Promise.all([
      flights.run('a', work),
      flights.run('a', work),
      flights.run('b', work),
    ]);
    expect(results).toEqual([1, 1, 2]);
    expect(await flights.run('a', work)).toBe(3);
    expect(flights.size).toBe(0);
  });
});

describe('proactive refresher', () => {
  function setup(due: Array<{ tenantId: string; connectionId: string }>) {
    const findMany = vi.fn(async () => due);
    const deps = {
      // No abandoned OAuth attempts here (abandoned-attempts is tested against a real flow).
      prisma: { credential: { findMany }, connection: { findMany: async () => [] } },
      now: () => new Date(),
      logger: { warn: vi.fn(), error: vi.fn() },
    } as unknown as ConnectionDeps;
    const refresh = vi.fn(async ({ connectionId }: { connectionId: string }) => {
      if (connectionId === 'broken') throw new Error('provider down');
      return { rotated: true };
    });
    const refresher = { refresh } as unknown as TokenRefresher;
    return { deps, refresher, refresh, findMany };
  }

  it('scans on its interval once started, refreshes what is due, and stops', async () => {
    const { deps, refresher, refresh, findMany } = setup([
      { tenantId: 'acme', connectionId: 'c1' },
      { tenantId: 'acme', connectionId: 'broken' },
    ]);
    const proactive = new ProactiveRefresher(deps, refresher, { intervalMs: 20, concurrency: 2 });
    proactive.start();
    await vi.waitFor(() => expect(findMany).toHaveBeenCalledTimes(2), { timeout: 2000, interval: 5 });
    await proactive.stop();
    const scans = findMany.mock.calls.length;
    await sleep(60);
    expect(findMany.mock.calls.length).toBe(scans);
    expect(refresh).toHaveBeenCalledWith({ tenantId: 'acme', connectionId: 'c1', trigger: 'proactive' });
  });

  it('reports what one scan did; a failure does not stop the others', async () => {
    const { deps, refresher } = setup([
      { tenantId: 'acme', connectionId: 'broken' },
      { tenantId: 'acme', connectionId: 'c1' },
      { tenantId: 'acme', connectionId: 'c2' },
    ]);
    const proactive = new ProactiveRefresher(deps, refresher, { concurrency: 1 });
    expect(await proactive.scanOnce()).toEqual({ due: 3, refreshed: 2, failed: 1, expired: 0 });
  });
});
