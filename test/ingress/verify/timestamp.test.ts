import { describe, expect, it } from 'vitest';
import { checkWindow, parseTimestamp } from '../../../src/ingress/verify/timestamp.js';

describe('parseTimestamp', () => {
  it('reads integer seconds or milliseconds, as a header string or a JSON number', () => {
    expect(parseTimestamp('1767225600', 'seconds')).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(parseTimestamp(1767225600, 'seconds')).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(parseTimestamp('1767225600123', 'milliseconds')).toEqual(new Date('2026-01-01T00:00:00.123Z'));
    expect(parseTimestamp(0, 'seconds')).toEqual(new Date(0));
  });

  it('refuses fractions, signs, exponents, spaces, empty text and other types rather than guess', () => {
    for (const raw of ['1767225600.5', '-1767225600', '+1767225600', '1.7e9', ' 1767225600', '', 'now'])
      expect(parseTimestamp(raw, 'seconds'), raw).toBeNull();
    for (const raw of [1767225600.5, -1, 1.7e21, Number.NaN, null, undefined, true, ['1767225600']])
      expect(parseTimestamp(raw, 'seconds'), String(raw)).toBeNull();
  });

  it('refuses more than 16 digits, and a time past the last date JavaScript can hold', () => {
    expect(parseTimestamp('12345678901234567', 'milliseconds')).toBeNull();
    expect(parseTimestamp('9999999999999999', 'seconds')).toBeNull();
  });
});

describe('checkWindow', () => {
  const now = new Date('2026-01-01T00:05:00Z');
  const secondsBefore = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it('takes a timestamp within the tolerance either way, bounds included', () => {
    expect(checkWindow(now, now, 300)).toBeNull();
    expect(checkWindow(secondsBefore(300), now, 300)).toBeNull();
    expect(checkWindow(secondsBefore(-300), now, 300)).toBeNull();
  });

  it('calls an older one stale (a captured request played again) and a later one future', () => {
    expect(checkWindow(secondsBefore(300.001), now, 300)).toBe('stale_timestamp');
    expect(checkWindow(secondsBefore(3600), now, 300)).toBe('stale_timestamp');
    expect(checkWindow(secondsBefore(-300.001), now, 300)).toBe('future_timestamp');
    expect(checkWindow(secondsBefore(10), now, 5)).toBe('stale_timestamp');
  });
});
