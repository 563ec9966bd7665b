/** Refresh once 70% of a token's lifetime has passed: early enough to survive a slow provider. */
export const REFRESH_AT_LIFETIME_FRACTION = 0.7;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 30 * 60_000;

/** issued + 70% of the lifetime; null when the token does not expire (nothing to do on a timer). */
export function refreshDueAt(issuedAt: Date, expiresAt: Date | null): Date | null {
  if (expiresAt === null) return null;
  const lifetime = Math.max(0, expiresAt.getTime() - issuedAt.getTime());
  return new Date(issuedAt.getTime() + Math.floor(lifetime * REFRESH_AT_LIFETIME_FRACTION));
}

/**
 * After the n-th failed refresh in a row the proactive refresher waits 30 s · 2^(n-1), at most 30
 * minutes, so an outage at the provider does not turn into a refresh storm. Computed from the
 * event's own time: a rebuild gives the same row.
 */
export function retryDueAt(failedAt: Date, failures: number): Date {
  return new Date(failedAt.getTime() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failures - 1)));
}
