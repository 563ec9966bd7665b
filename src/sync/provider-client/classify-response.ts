import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { type FailureClass, ProviderCallError } from '../../connectors/sdk/provider-http.js';
import { parseRetryAfter } from '../../oauth/transport/retry-after.js';

type RateLimitHeaders = ProviderManifest['api']['rateLimit'];

export interface FailedResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * When the provider allows the next call, from what it said: Retry-After first, then an exhausted
 * quota's reset header (GitHub's x-ratelimit-reset, in the manifest's unit). Null: it did not say.
 */
export function advisedRetryAt(headers: Headers, rateLimit: RateLimitHeaders, now: number): Date | null {
  const retryAfter = parseRetryAfter(headers.get(rateLimit?.retryAfterHeader ?? 'retry-after'), now);
  if (retryAfter !== null) return new Date(now + retryAfter);
  return quotaResetAt(headers, rateLimit, now);
}

/**
 * When an exhausted quota comes back (remaining 0 and a reset time), also on a successful answer:
 * GitHub says `x-ratelimit-remaining: 0` on the last request the quota allowed.
 */
export function quotaResetAt(headers: Headers, rateLimit: RateLimitHeaders, now: number): Date | null {
  if (!rateLimit?.remainingHeader || !rateLimit.resetHeader) return null;
  if (headers.get(rateLimit.remainingHeader)?.trim() !== '0') return null;
  return resetTime(headers.get(rateLimit.resetHeader), rateLimit.resetUnit, now);
}

/** When the provider's rate-limit window resets, as its reset header says; null when it does not say. */
export function rateLimitResetAt(headers: Headers, rateLimit: RateLimitHeaders, now: number): Date | null {
  if (!rateLimit?.resetHeader) return null;
  return resetTime(headers.get(rateLimit.resetHeader), rateLimit.resetUnit, now);
}

/** A reset header's value (in the manifest's unit) as a time; null when absent or unreadable. */
export function resetTime(
  value: string | null,
  unit: NonNullable<RateLimitHeaders>['resetUnit'],
  now: number,
): Date | null {
  if (value === null) return null;
  if (unit === 'iso8601') {
    const time = Date.parse(value);
    return Number.isNaN(time) ? null : new Date(time);
  }
  const number = Number(value.trim());
  if (!Number.isFinite(number) || number < 0) return null;
  if (unit === 'seconds') return new Date(now + number * 1000);
  return new Date(unit === 'epoch_seconds' ? number * 1000 : number);
}

/** GitHub's secondary limits answer 403 (or 429) with this in the message, per its docs and Octokit's throttling plugin. */
const SECONDARY_LIMIT = /secondary rate/i;

function messageOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['message', 'error_description', 'error', 'errorMessages']) {
      const value = record[key];
      if (typeof value === 'string') return value.slice(0, 300);
      if (Array.isArray(value) && typeof value[0] === 'string') return value.join('; ').slice(0, 300);
      if (
        value &&
        typeof value === 'object' &&
        typeof (value as { message?: unknown }).message === 'string'
      ) {
        return (value as { message: string }).message.slice(0, 300);
      }
    }
  }
  return '';
}

/**
 * The failure class of a non-2xx answer (after the one refresh a 401 gets): 429 and quota 403s are
 * rate limits, 401 is auth, 408/425/5xx are worth retrying, the rest of 4xx cannot get better by
 * retrying (a missing scope, a resource that is gone, a request the provider refuses).
 */
export function classifyFailure(
  response: FailedResponse,
  rateLimit: RateLimitHeaders,
  request: string,
  now: number,
): ProviderCallError {
  const { status, headers } = response;
  const message = messageOf(response.body);
  const retryAt = advisedRetryAt(headers, rateLimit, now);
  let failureClass: FailureClass;
  if (status === 429 || SECONDARY_LIMIT.test(message)) failureClass = 'rate_limited';
  else if (status === 403 && retryAt !== null) failureClass = 'rate_limited';
  else if (status === 401) failureClass = 'auth';
  else if (status === 408 || status === 425 || status >= 500) failureClass = 'retryable';
  else failureClass = 'terminal';
  const fallbackRetryAt =
    failureClass === 'rate_limited' && retryAt === null && SECONDARY_LIMIT.test(message)
      ? new Date(now + 60_000) // GitHub: without retry-after, wait at least a minute
      : retryAt;
  return new ProviderCallError(
    failureClass,
    `${request} answered ${status}${message ? `: ${message}` : ''}`,
    { status, retryAt: fallbackRetryAt, request },
  );
}
