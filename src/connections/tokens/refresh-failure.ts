import { type Caller, type ConnectionDeps, execute } from '../../commands/deps.js';
import { connectionDecider } from '../../domain/connection.js';
import type { RecordRefreshFailure } from '../../domain/connection-commands.js';
import { connectionStream } from '../../events/connection.js';
import { isRetryable, OAuthProviderError, ProviderInvalidGrantError } from '../../oauth/index.js';
import { failureMessage } from '../install/fail-attempt.js';

export type RefreshFailure = Pick<
  RecordRefreshFailure,
  'failure' | 'message' | 'retryable' | 'attempts' | 'reauthRequired'
>;

/** A failed provider call as the event records it: invalid_grant means the user must reconnect. */
export function refreshFailureOf(error: unknown, attempts: number): RefreshFailure {
  return {
    failure: error instanceof OAuthProviderError ? error.classification : 'error',
    message: failureMessage(error),
    retryable: isRetryable(error),
    attempts: Math.max(1, attempts),
    reauthRequired: error instanceof ProviderInvalidGrantError,
  };
}

/**
 * TokenRefreshFailed (+ ConnectionReauthRequired), for the token revision the refresh started
 * from: a failure that is stale by the time it is recorded is dropped by the decider. Best effort:
 * the caller gets the failure either way.
 */
export async function recordRefreshFailure(
  deps: ConnectionDeps,
  caller: Caller,
  target: { tenantId: string; connectionId: string; tokenRevision: bigint },
  failure: RefreshFailure,
): Promise<void> {
  const { tenantId, connectionId } = target;
  try {
    await execute(
      deps,
      caller,
      { tenantId, stream: connectionStream(tenantId, connectionId) },
      connectionDecider,
      { type: 'RecordRefreshFailure', connectionId, basedOnRevision: target.tokenRevision, ...failure },
      { waitFor: [] },
    );
  } catch (error) {
    deps.logger.error({ err: error, connectionId }, 'could not record a failed token refresh');
  }
}
