import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { resetTime } from '../sync/provider-client/classify-response.js';

/** What the provider said of its rate limit on the last answer (manifest's api.rateLimit headers). */
export interface RateLimitSnapshot {
  limit: number | null;
  remaining: number | null;
  reset: string | null;
  /** `reset` read in the manifest's unit. */
  resetAt: Date | null;
}

/**
 * One proxy call as the audit (ProviderCallRecorded) and metrics see it: never a token, a header
 * value or a body; the path with its ids blanked.
 */
export interface ProxyCallRecord {
  tenantId: string;
  connectionId: string;
  provider: string;
  method: string;
  /** The path under the API's base URL, ids blanked (audit/path-template.ts). */
  pathTemplate: string;
  /** The provider's last status; null when none answered (refused, unreachable, timed out). */
  status: number | null;
  /** The hub's error code when the hub answered instead of the provider. */
  errorCode: string | null;
  /** Requests sent to the provider (a 401 replay and each retry count). */
  attempts: number;
  requestBytes: number;
  responseBytes: number;
  /** From the call's start to the last byte streamed back (or the failure). */
  durationMs: number;
  /** Waiting for the provider's response headers, over every attempt. */
  providerMs: number;
  /** Sleeping between attempts and waiting for the rate gate. */
  waitedMs: number;
  rateLimit: RateLimitSnapshot | null;
}

export function rateLimitSnapshot(
  headers: Record<string, string | string[] | undefined>,
  rateLimit: ProviderManifest['api']['rateLimit'],
  now: number,
): RateLimitSnapshot | null {
  if (!rateLimit) return null;
  const read = (name: string | undefined) => {
    if (!name) return null;
    const value = headers[name.toLowerCase()];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  };
  const number = (value: string | null) =>
    value === null || Number.isNaN(Number(value)) ? null : Number(value);
  const reset = read(rateLimit.resetHeader);
  const snapshot = {
    limit: number(read(rateLimit.limitHeader)),
    remaining: number(read(rateLimit.remainingHeader)),
    reset,
    resetAt: resetTime(reset, rateLimit.resetUnit, now),
  };
  return snapshot.limit === null && snapshot.remaining === null && snapshot.reset === null ? null : snapshot;
}
