/** How the provider client retries `retryable` and short `rate_limited` failures. */
export interface BackoffPolicy {
  /** Attempts after the first (default 3). */
  retries: number;
  /** Shortest wait between attempts (default 1 s). */
  minDelayMs: number;
  /** Longest wait (default 15 min); the engine schedules what the client does not wait for inline. */
  maxDelayMs: number;
  /** [0, 1); injectable for tests. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  retries: 3,
  minDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  random: Math.random,
};

/**
 * Full jitter: uniform in [minDelayMs, min(maxDelayMs, minDelayMs·2^(attempt+1))), so the many
 * runs one provider outage failed come back spread out instead of in lockstep.
 */
export function fullJitterDelay(attempt: number, policy: Omit<BackoffPolicy, 'retries'>): number {
  const { minDelayMs, maxDelayMs } = policy;
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** (Math.max(0, attempt) + 1));
  return Math.floor(minDelayMs + policy.random() * Math.max(0, ceiling - minDelayMs));
}
