import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { RateLimitSnapshot } from './types.js';

type RateLimitHeaders = ProviderManifest['api']['rateLimit'];

export const NO_SNAPSHOT: RateLimitSnapshot = { remaining: null, resetAt: null };

/**
 * What the provider's rate-limit headers (named by the manifest) said on an answer: requests left
 * and when the window resets, each null when it did not say (Slack sends neither).
 */
export function rateLimitSnapshot(
  headers: Headers,
  rateLimit: RateLimitHeaders,
  now: number,
): RateLimitSnapshot {
  if (!rateLimit) return NO_SNAPSHOT;
  const remainingText = rateLimit.remainingHeader ? headers.get(rateLimit.remainingHeader) : null;
  const remaining = remainingText === null ? Number.NaN : Number(remainingText.trim());
  const resetText = rateLimit.resetHeader ? headers.get(rateLimit.resetHeader) : null;
  return {
    remaining: Number.isInteger(remaining) && remaining >= 0 ? remaining : null,
    resetAt: resetText === null ? null : resetTime(resetText, rateLimit.resetUnit, now),
  };
}

function resetTime(
  value: string,
  unit: NonNullable<RateLimitHeaders>['resetUnit'],
  now: number,
): Date | null {
  if (unit === 'iso8601') {
    const time = Date.parse(value);
    return Number.isNaN(time) ? null : new Date(time);
  }
  const number = Number(value.trim());
  if (!Number.isFinite(number) || number < 0) return null;
  if (unit === 'seconds') return new Date(now + number * 1000);
  return new Date(unit === 'epoch_seconds' ? number * 1000 : number);
}
