import { setTimeout as sleep } from 'node:timers/promises';
import { OAuthProviderError, ProviderRateLimitedError, ProviderTransientError } from '../errors.js';

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  baseMs: number;
  /** Cap of one wait. A Retry-After longer than this is not waited for: the error is thrown. */
  maxMs: number;
  signal?: AbortSignal | undefined;
  /** Which failures to try again; default: transient and rate-limited provider failures only. */
  shouldRetry?: ((error: unknown) => boolean) | undefined;
  onRetry?: ((info: { attempt: number; delayMs: number; error: unknown }) => void) | undefined;
  /** For tests: [0, 1). */
  random?: (() => number) | undefined;
}

/**
 * Runs `operation` and retries it after transient and rate-limited failures, with exponential
 * backoff and full jitter (delay uniform in [0, min(maxMs, baseMs·2^n)]), so that many callers
 * hit by one outage do not come back in lockstep. A provider's Retry-After is a floor. Anything
 * else (invalid_grant above all) is thrown at once: retrying cannot fix it.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isRetryable;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= options.retries || !shouldRetry(error)) throw error;
      const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== null && retryAfter > options.maxMs) throw error;
      const delayMs = Math.max(retryAfter ?? 0, Math.floor(random() * ceiling));
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof OAuthProviderError && error.retryable;
}

function retryAfterOf(error: unknown): number | null {
  return error instanceof ProviderRateLimitedError || error instanceof ProviderTransientError
    ? error.retryAfterMs
    : null;
}
