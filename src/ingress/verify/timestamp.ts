import type { VerifyFailureReason } from './types.js';

export type TimestampUnit = 'seconds' | 'milliseconds';

/**
 * A signed timestamp as sent: integer seconds or milliseconds since the epoch, as a header string
 * or a JSON number. Anything else (fractions, signs, exponents) is malformed rather than guessed at.
 */
export function parseTimestamp(raw: unknown, unit: TimestampUnit): Date | null {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,16}$/.test(text)) return null;
  const value = Number(text);
  const date = new Date(unit === 'seconds' ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Replay window, both directions: an old timestamp may be a captured request played again; one far
 * in the future would stay "fresh" long after it was captured. The bounds are inclusive.
 */
export function checkWindow(
  timestamp: Date,
  now: Date,
  toleranceSeconds: number,
): Extract<VerifyFailureReason, 'stale_timestamp' | 'future_timestamp'> | null {
  const skewMs = now.getTime() - timestamp.getTime();
  if (skewMs > toleranceSeconds * 1000) return 'stale_timestamp';
  if (-skewMs > toleranceSeconds * 1000) return 'future_timestamp';
  return null;
}
