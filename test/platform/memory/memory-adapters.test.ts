import { describe, expect, it } from 'vitest';
import { createMemoryPlatform } from '../../../src/platform/index.js';
import { MemoryKeyValueStore } from '../../../src/platform/memory/kv-memory.js';
import { MemoryLeaseManager } from '../../../src/platform/memory/lease-memory.js';
import { platformContract } from '../contract.js';

describe('platform in memory', () => {
  // One process is the whole backend, so every "instance" is the same platform.
  platformContract(async () => {
    const platform = createMemoryPlatform();
    return { open: async () => platform, close: () => platform.close() };
  });

  describe('with an injected clock', () => {
    function manualClock(start = 1_000) {
      let now = start;
      return {
        now: () => now,
        advance: (ms: number) => {
          now += ms;
        },
      };
    }

    it('expires keys exactly at their TTL', async () => {
      const clock = manualClock();
      const kv = new MemoryKeyValueStore({ now: clock.now });
      await kv.set('k', 'v', { ttlMs: 1_000 });
      await kv.set('forever', 'v');
      clock.advance(999);
      expect(await kv.get('k')).toBe('v');
      clock.advance(1);
      expect(await kv.get('k')).toBeNull();
      expect(await kv.setIfAbsent('k', 'again', { ttlMs: 10 })).toBe(true);
      clock.advance(1_000_000);
      expect(await kv.get('forever')).toBe('v');
      kv.close();
    });

    it('sweeps expired keys nobody reads again, on a timer', async () => {
      const clock = manualClock();
      const kv = new MemoryKeyValueStore({ now: clock.now, sweepIntervalMs: 10 });
      for (let i = 0; i < 5; i++) await kv.set(`nonce-${i}`, 'seen', { ttlMs: 100 });
      await kv.set('kept', 'v');
      expect(kv.size).toBe(6);
      clock.advance(100);
      // Nothing read them: only the sweep can drop them.
      await expect.poll(() => kv.size, { timeout: 1_000, interval: 10 }).toBe(1);
      expect(await kv.get('kept')).toBe('v');
      kv.close();
    });

    it('sweep() reports what it removed', async () => {
      const clock = manualClock();
      const kv = new MemoryKeyValueStore({ now: clock.now });
      await kv.set('a', 'v', { ttlMs: 10 });
      await kv.set('b', 'v', { ttlMs: 20 });
      clock.advance(15);
      expect(kv.sweep()).toBe(1);
      expect(kv.size).toBe(1);
      kv.close();
    });

    it('expires and renews leases by the injected clock', async () => {
      const clock = manualClock();
      const leases = new MemoryLeaseManager({ now: clock.now });
      const lease = await leases.acquire('leader', { ttlMs: 1_000 });
      clock.advance(900);
      expect(await lease!.renew()).toBe(true);
      clock.advance(999);
      expect(await leases.acquire('leader', { ttlMs: 1_000 })).toBeNull();
      clock.advance(1);
      expect(await lease!.renew()).toBe(false);
      expect(await leases.acquire('leader', { ttlMs: 1_000 })).not.toBeNull();
    });
  });
});
