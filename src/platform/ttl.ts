/**
 * Every adapter checks TTLs the same way, so a bad value fails identically in memory and on Redis
 * (Redis would reject `PX 0` or `PX 1.5` with a less helpful reply error).
 */
export function assertTtl(ttlMs: number, what = 'ttlMs'): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new RangeError(`${what} must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}
