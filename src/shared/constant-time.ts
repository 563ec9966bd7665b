import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality. timingSafeEqual needs equal lengths; a length mismatch returns early,
 * which only reveals the length of the expected value (a digest length, public anyway).
 */
export function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether any candidate equals the expected value. Every candidate is compared, without stopping at
 * the first match, so the time taken does not depend on which one matched.
 */
export function anyEqual(candidates: readonly Buffer[], expected: Buffer): boolean {
  let matched = false;
  for (const candidate of candidates) {
    // Non-short-circuiting on purpose.
    matched = equalBytes(candidate, expected) || matched;
  }
  return matched;
}

/**
 * Constant-time equality for shared tokens (Graph clientState, Google channel token), where the
 * expected value is the secret itself: comparing SHA-256 digests keeps its length from leaking too.
 */
export function equalTokens(presented: Buffer, secret: Buffer): boolean {
  const digest = (value: Buffer) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(secret));
}
