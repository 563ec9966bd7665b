import { refreshDueAt } from '../../domain/refresh-schedule.js';

/** A token this close to its expiry is treated as expired: it must survive the provider call it is for. */
export const MAX_EXPIRY_SKEW_MS = 30_000;

/**
 * Usable as it is: no expiry, or more than the skew left. The skew is 10% of the lifetime, at most
 * 30 s, so a short-lived token (minutes) is not refreshed on every checkout.
 */
export function isFresh(issuedAt: Date, expiresAt: Date | null, now: Date): boolean {
  if (expiresAt === null) return true;
  const lifetime = expiresAt.getTime() - issuedAt.getTime();
  const skew = Math.min(MAX_EXPIRY_SKEW_MS, Math.max(0, lifetime * 0.1));
  return expiresAt.getTime() - now.getTime() > skew;
}

/** Past 70% of its lifetime: the proactive refresher's turn. */
export function isDue(issuedAt: Date, expiresAt: Date | null, now: Date): boolean {
  const due = refreshDueAt(issuedAt, expiresAt);
  return due !== null && due.getTime() <= now.getTime();
}
