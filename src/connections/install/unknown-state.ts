import { type Caller, type ConnectionDeps, execute } from '../../commands/deps.js';
import { connectionDecider } from '../../domain/connection.js';
import { ConnectionStatus } from '../../domain/statuses.js';
import { connectionStream } from '../../events/connection.js';
import { READ_MODEL } from '../../projections/names.js';
import { failAttempt } from './fail-attempt.js';
import { stateHash } from './oauth-state.js';

/**
 * Why a state was refused. Deliberately without the attempt's redirectUri: a used or expired state
 * that still redirected would let anyone replay one link to bounce users off the hub forever.
 */
export interface UnknownStateOutcome {
  reason: 'unknown' | 'expired' | 'reused';
}

/**
 * A callback whose state is not (or no longer) in the kv store. When its hash names a connection,
 * the failure is recorded there: an attempt past its 10 minutes fails (state_expired); anything
 * else is a replay of a used state, recorded without changing the connection. A state that names
 * nothing is only refused: there is no stream it could belong to.
 */
export async function recordUnknownState(
  deps: ConnectionDeps,
  caller: Caller,
  state: string,
  tenantId?: string,
): Promise<UnknownStateOutcome> {
  const row = await deps.prisma.connection.findUnique({
    where: { stateHash: stateHash(state) },
    select: { id: true, tenantId: true, status: true, stateExpiresAt: true },
  });
  if (!row || (tenantId !== undefined && row.tenantId !== tenantId)) return { reason: 'unknown' };
  const target = { tenantId: row.tenantId, connectionId: row.id };
  const expired =
    row.status === ConnectionStatus.PENDING &&
    row.stateExpiresAt !== null &&
    row.stateExpiresAt.getTime() <= deps.now().getTime();
  try {
    if (expired) {
      await failAttempt(
        deps,
        caller,
        target,
        'state_expired',
        'The authorization expired before it was completed',
      );
    } else {
      await execute(
        deps,
        caller,
        { tenantId: row.tenantId, stream: connectionStream(row.tenantId, row.id) },
        connectionDecider,
        {
          type: 'RejectCallback',
          connectionId: row.id,
          reason: 'state_reused',
        },
        { waitFor: [READ_MODEL.connections] },
      );
    }
  } catch (error) {
    // Recording is best effort: the caller is refused either way.
    deps.logger.warn({ err: error, connectionId: row.id }, 'could not record a refused OAuth callback');
  }
  return { reason: expired ? 'expired' : 'reused' };
}
