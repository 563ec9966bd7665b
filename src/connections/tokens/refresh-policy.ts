import { connectionNotFound } from '../../domain/connection.js';
import type { ConnectionState, CurrentToken } from '../../domain/connection-state.js';
import type { TokenCredentials } from '../credentials/credentials-codec.js';
import { ConnectionNotUsableError, ReauthRequiredError } from '../errors.js';
import { isDue, isFresh } from './freshness.js';

export type RefreshTrigger = 'proactive' | 'expired' | 'unauthorized' | 'manual';

export type LiveConnection = Exclude<ConnectionState, { status: 'none' }> & {
  status: 'ACTIVE';
  token: CurrentToken;
};

/** The connection must be ACTIVE with a token; anything else is the caller's answer, as an error. */
export function liveConnection(state: ConnectionState, connectionId: string): LiveConnection {
  if (state.status === 'none') throw connectionNotFound(connectionId);
  if (state.status === 'REAUTH_REQUIRED') throw new ReauthRequiredError(connectionId);
  if (state.status !== 'ACTIVE' || !state.token)
    throw new ConnectionNotUsableError(connectionId, state.status);
  return state as LiveConnection;
}

export const issuedAtOf = (token: CurrentToken): Date => new Date(token.issuedAt);
export const expiresAtOf = (token: CurrentToken): Date | null =>
  token.expiresAt === null ? null : new Date(token.expiresAt);

/**
 * Whether this request still needs a refresh once the lease is held and the stream read: whoever
 * held the lease before may have rotated already, and then the current token is the answer.
 */
export function needsRefresh(
  trigger: RefreshTrigger,
  current: TokenCredentials,
  token: CurrentToken,
  now: Date,
  rejectedAccessToken?: string,
): boolean {
  switch (trigger) {
    case 'manual':
      return true;
    case 'unauthorized':
      return current.accessToken === rejectedAccessToken;
    case 'expired':
      return !isFresh(issuedAtOf(token), expiresAtOf(token), now);
    case 'proactive':
      return isDue(issuedAtOf(token), expiresAtOf(token), now);
    default: {
      const unknown: never = trigger;
      return unknown;
    }
  }
}
