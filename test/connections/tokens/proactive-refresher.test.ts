import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionDeps } from '../../../src/commands/deps.js';
import { ProactiveRefresher } from '../../../src/connections/tokens/proactive-refresher.js';
import type { TokenRefresher } from '../../../src/connections/tokens/refresh.js';

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
