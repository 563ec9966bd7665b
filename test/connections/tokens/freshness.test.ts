import { describe, expect, it } from 'vitest';
import { isDue, isFresh } from '../../../src/connections/tokens/freshness.js';

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
