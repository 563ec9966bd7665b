import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { rateLimitResetAt } from '../../sync/provider-client/index.js';
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
  return {
    remaining: Number.isInteger(remaining) && remaining >= 0 ? remaining : null,
    resetAt: rateLimitResetAt(headers, rateLimit, now),
  };
}
