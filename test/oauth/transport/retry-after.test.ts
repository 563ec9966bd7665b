import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/oauth/transport/retry-after.js';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds, surrounding spaces allowed', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
  });

  it('reads an HTTP-date as the time left until it, and a date in the past as no wait', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('reads the obsolete RFC 850 and asctime date forms HTTP still allows', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Thu Jan  1 00:01:30 2026', now)).toBe(90_000);
  });

  it('is null when absent or unreadable, so the caller keeps its own backoff', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    // Date.parse reads these as dates (years 12 and -5); HTTP does not, so neither do we.
    expect(parseRetryAfter('not a date 12', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('2026-01-01T00:01:30Z', now)).toBeNull();
  });
});
