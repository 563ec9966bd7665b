/** Retryable failures back off between these bounds (issue 16: 1 s to 15 min). */
export const MIN_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 15 * 60_000;

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform wait between the
 * floor and an exponentially growing cap, so syncs that failed together do not retry together.
 */
export function fullJitterDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(MIN_RETRY_MS + random() * (cap - MIN_RETRY_MS));
}
