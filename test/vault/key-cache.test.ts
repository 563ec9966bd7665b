import { describe, expect, it } from 'vitest';
import { LruTtlCache } from '../../src/vault/key-cache.js';

describe('LruTtlCache', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new LruTtlCache<string, number>({ maxEntries: 2, ttlMs: 1000 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('expires entries a fixed time after they were stored, however hot', () => {
    let now = 0;
    const cache = new LruTtlCache<string, number>({ maxEntries: 10, ttlMs: 100, now: () => now });
    cache.set('a', 1);
    now = 60;
    expect(cache.get('a')).toBe(1);
    now = 100;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('deletes by predicate', () => {
    const cache = new LruTtlCache<string, { tenant: string }>({ maxEntries: 10, ttlMs: 1000 });
    cache.set('k1', { tenant: 't1' });
    cache.set('k2', { tenant: 't2' });
    cache.set('k3', { tenant: 't1' });
    cache.deleteWhere((value) => value.tenant === 't1');
    expect([cache.get('k1'), cache.get('k2'), cache.get('k3')]).toEqual([
      undefined,
      { tenant: 't2' },
      undefined,
    ]);
  });
});
