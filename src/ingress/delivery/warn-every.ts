import type { Logger } from '../../platform/logger.js';

/**
 * A warning that a dependency is down, said at most once per interval (with how many were held
 * back): with Redis down, every delivery would otherwise log the same line.
 */
export function warnEvery(
  logger: Logger,
  intervalMs = 10_000,
  now: () => number = Date.now,
): (fields: Record<string, unknown>, message: string) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let held = 0;
  return (fields, message) => {
    const at = now();
    if (at - lastAt < intervalMs) {
      held++;
      return;
    }
    logger.warn({ ...fields, heldBack: held }, message);
    lastAt = at;
    held = 0;
  };
}
