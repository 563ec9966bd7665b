import { type Caller, type ConnectionDeps, execute } from '../../commands/deps.js';
import { connectionDecider } from '../../domain/connection.js';
import { type ConnectionFailure, connectionStream } from '../../events/connection.js';
import { OAuthProviderError } from '../../oauth/index.js';
import { READ_MODEL } from '../../projections/names.js';

/** Records that a PENDING attempt ended without a connection (ConnectionFailed). */
export async function failAttempt(
  deps: ConnectionDeps,
  caller: Caller,
  pending: { tenantId: string; connectionId: string },
  reason: ConnectionFailure,
  message: string,
): Promise<void> {
  const { tenantId, connectionId } = pending;
  await execute(
    deps,
    caller,
    { tenantId, stream: connectionStream(tenantId, connectionId) },
    connectionDecider,
    {
      type: 'FailConnection',
      connectionId,
      reason,
      message,
    },
    { waitFor: [READ_MODEL.connections] },
  );
}

/** Our own words only (OAuthProviderError messages are written by us, never copied from the provider). */
export function failureMessage(error: unknown): string {
  return error instanceof OAuthProviderError ? error.message : 'The authorization could not be completed';
}
