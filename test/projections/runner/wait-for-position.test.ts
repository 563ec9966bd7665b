import { describe, expect, it, vi } from 'vitest';
import { WaitForTimeoutError } from '../../../src/projections/errors.js';
import type { Projection } from '../../../src/projections/projection.js';
import { type WaitSources, waitForPosition } from '../../../src/projections/runner/wait-for-position.js';

const projection = (name: string) => ({ name, eventTypes: [`${name}Happened`] }) as unknown as Projection;
const tenants = projection('tenants');
const connections = projection('connections');

/** Checkpoints the test moves by hand; pause really sleeps (briefly), as the runner's does. */
function sources(initial: Record<string, bigint>, overrides: Partial<WaitSources> = {}) {
  const positions = new Map(Object.entries(initial));
  const pause = vi.fn(
    async (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 10))),
  );
  const waitSources: WaitSources = {
    positions: async () => new Map(positions),
    failureOf: () => undefined,
    pendingBetween: async () => true,
    pause,
    ...overrides,
  };
  return { waitSources, positions, pause };
}

describe('waitForPosition', () => {
  it('returns at once when every projection has reached the position', async () => {
    const { waitSources, pause } = sources({ tenants: 7n, connections: 9n });
    await waitForPosition(waitSources, [tenants, connections], 7n, 1_000);
    expect(pause).not.toHaveBeenCalled();
  });

  it('waits until the slowest projection gets there', async () => {
    const { waitSources, positions, pause } = sources({ tenants: 7n, connections: 3n });
    setTimeout(() => positions.set('connections', 7n), 40);
    await waitForPosition(waitSources, [tenants, connections], 7n, 5_000);
    expect(pause).toHaveBeenCalled();
  });

  it('counts only the projections it is asked about, and skips the ones the sources skip', async () => {
    const { waitSources } = sources(
      { tenants: 7n, connections: 0n },
      { skips: (name) => name === 'connections' },
    );
    await waitForPosition(waitSources, [tenants], 7n, 100);
    await waitForPosition(waitSources, [tenants, connections], 7n, 100);
  });

  it("throws a stopped projection's failure instead of waiting for the timeout", async () => {
    const failure = new Error('projection stopped by its rule');
    const { waitSources, pause } = sources(
      { tenants: 2n },
      { failureOf: (name) => (name === 'tenants' ? failure : undefined) },
    );
    await expect(waitForPosition(waitSources, [tenants], 7n, 5_000)).rejects.toBe(failure);
    expect(pause).not.toHaveBeenCalled();
  });

  it('counts a projection as there when the log holds none of its events between its checkpoint and the position', async () => {
    const pendingBetween = vi.fn(async (p: Projection) => p.name !== 'tenants');
    const { waitSources } = sources({ tenants: 2n }, { pendingBetween });
    const started = Date.now();
    await waitForPosition(waitSources, [tenants], 7n, 5_000);
    // Asked forwards from its checkpoint up to the command's position, not for the newest event.
    expect(pendingBetween).toHaveBeenCalledWith(tenants, 2n, 7n);
    // The store is asked only after a live checkpoint had its chance (250 ms), and long before the timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps waiting when the store cannot tell in time', async () => {
    const pendingBetween = vi.fn(async () => undefined);
    const { waitSources, positions } = sources({ tenants: 2n }, { pendingBetween });
    setTimeout(() => positions.set('tenants', 7n), 400);
    await waitForPosition(waitSources, [tenants], 7n, 5_000);
    expect(pendingBetween).toHaveBeenCalled();
  });

  it("does not wait for a projection that handles none of the command's own event types", async () => {
    const pendingBetween = vi.fn(async () => true);
    const { waitSources, pause } = sources({ tenants: 2n }, { pendingBetween });
    await waitForPosition(waitSources, [tenants], 7n, 100, ['connectionsHappened']);
    expect(pause).not.toHaveBeenCalled();
    expect(pendingBetween).not.toHaveBeenCalled();
    await expect(
      waitForPosition(waitSources, [tenants], 7n, 100, ['tenantsHappened']),
    ).rejects.toBeInstanceOf(WaitForTimeoutError);
  });

  it('times out naming each lagging projection and where it stands', async () => {
    const { waitSources } = sources({ tenants: 7n, connections: 3n });
    const error = await waitForPosition(waitSources, [tenants, connections], 7n, 100).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect(error).toMatchObject({
      code: 'PROJECTION_TIMEOUT',
      detail: { position: '7', timeoutMs: 100, behind: ['connections'] },
    });
    expect((error as Error).message).toContain('connections at 3');
  });
});
