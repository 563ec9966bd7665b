import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../../src/platform/kv.js';
import { MemoryKeyValueStore } from '../../../src/platform/memory/kv-memory.js';
import { notBeforeHolds } from '../../../src/sync/provider-client/not-before-holds.js';

describe('not-before holds', () => {
  it('keeps the later of two holds, for every instance on the store', async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const shared = new MemoryKeyValueStore({ now: clock.now });
    const one = notBeforeHolds({ shared, clock });
    const two = notBeforeHolds({ shared, clock });
    await one.hold('github:connection:c1', now + 60_000);
    await two.hold('github:connection:c1', now + 5_000);
    expect(await two.until(['github:connection:c1'])).toBe(now + 60_000);
    expect(await one.until(['github:connection:c1', 'github:app'])).toBe(now + 60_000);
    expect(await two.until(['github:connection:c2'])).toBe(0);
    now += 60_000;
    expect(await one.until(['github:connection:c1'])).toBe(0);
    shared.close();
  });

  it("answers from this process's holds while the store fails, then asks the store again", async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const store = new MemoryKeyValueStore({ now: clock.now });
    let failing = false;
    const flaky: KeyValueStore = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          failing ? Promise.reject(new Error('connection refused')) : value.apply(target, args);
      },
    });
    const fallbacks: unknown[] = [];
    const holds = notBeforeHolds({
      shared: flaky,
      clock,
      localForMs: 5_000,
      onFallback: (e) => fallbacks.push(e),
    });
    const other = notBeforeHolds({ shared: store, clock });

    failing = true;
    await holds.hold('slack:connection:c1', now + 30_000);
    expect(await holds.until(['slack:connection:c1'])).toBe(now + 30_000);
    expect(fallbacks).toHaveLength(1);
    // A hold another instance records meanwhile is not seen until the store is asked again.
    failing = false;
    await other.hold('slack:connection:c2', now + 20_000);
    expect(await holds.until(['slack:connection:c2'])).toBe(0);
    now += 5_000;
    expect(await holds.until(['slack:connection:c2'])).toBe(now + 15_000);
    store.close();
  });

  it('does not wait long for a store that does not answer', async () => {
    const silent = { get: () => new Promise<string | null>(() => {}) } as unknown as KeyValueStore;
    const holds = notBeforeHolds({ shared: silent, timeoutMs: 50 });
    const started = performance.now();
    expect(await holds.until(['todoist:connection:c1'])).toBe(0);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
