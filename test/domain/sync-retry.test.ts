import { describe, expect, it } from 'vitest';
import { fullJitterDelay, MAX_RETRY_MS, MIN_RETRY_MS } from '../../src/domain/sync-retry.js';

describe('full jitter', () => {
  it('stays between 1 s and the doubling cap, never above 15 minutes, for any draw', () => {
    expect([MIN_RETRY_MS, MAX_RETRY_MS]).toEqual([1_000, 900_000]);
    for (let attempt = 1; attempt <= 40; attempt++) {
      const cap = Math.min(900_000, 1_000 * 2 ** (attempt - 1));
      for (const draw of [0, 0.25, 0.5, 0.999_999, ...Array.from({ length: 50 }, Math.random)]) {
        const delay = fullJitterDelay(attempt, () => draw);
        expect(delay).toBeGreaterThanOrEqual(1_000);
        expect(delay).toBeLessThanOrEqual(cap);
      }
    }
  });

  it('spreads over the whole range: the lowest draw waits the floor, the highest the cap', () => {
    expect(fullJitterDelay(1, () => 0.999_999)).toBe(1_000);
    expect(fullJitterDelay(4, () => 0)).toBe(1_000);
    expect(fullJitterDelay(4, () => 0.999_999)).toBe(8_000);
    expect(fullJitterDelay(30, () => 0.999_999)).toBe(899_999);
    const draws = Array.from({ length: 2_000 }, () => fullJitterDelay(7));
    // Uniform over [1 s, 64 s]: both ends of the range are reached, not just its middle.
    expect(Math.min(...draws)).toBeLessThan(5_000);
    expect(Math.max(...draws)).toBeGreaterThan(60_000);
  });
});
