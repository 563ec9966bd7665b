import { randomUUID } from 'node:crypto';
import { type ConnectionDeps, systemCaller } from '../../commands/deps.js';
import { ConflictError } from '../../shared/errors.js';
import { failAttempt } from './fail-attempt.js';

/** Past its state's expiry, an attempt is given this long before it is called abandoned. */
const GRACE_MS = 60_000;

/**
 * Ends OAuth attempts nobody finished: a PENDING connection whose state expired (the user closed
 * the consent page, the browser never came back) becomes FAILED with `state_expired`, as a callback
 * arriving that late would have made it. Without this, `connections(status: PENDING)` would fill
 * with attempts that can never complete. Like the token scan beside it, it spans tenants on purpose
 * and may run on every instance: the connection stream's expected revision lets one of them win,
 * and an attempt that completed meanwhile is no longer PENDING (the conflict is skipped).
 */
export async function expireAbandonedAttempts(deps: ConnectionDeps, limit: number): Promise<number> {
  const abandoned = await deps.prisma.connection.findMany({
    where: { status: 'PENDING', stateExpiresAt: { lt: new Date(deps.now().getTime() - GRACE_MS) } },
    orderBy: { stateExpiresAt: 'asc' },
    take: limit,
    select: { tenantId: true, id: true },
  });
  let expired = 0;
  for (const attempt of abandoned) {
    try {
      await failAttempt(
        deps,
        systemCaller('connections', randomUUID()),
        { tenantId: attempt.tenantId, connectionId: attempt.id },
        'state_expired',
        'The authorization was not completed before it expired',
      );
      expired++;
    } catch (error) {
      // Completed or failed meanwhile: nothing to end. Anything else waits for the next scan.
      if (error instanceof ConflictError) continue;
      deps.logger.warn({ err: error, connectionId: attempt.id }, 'abandoned OAuth attempt not ended');
    }
  }
  return expired;
}
