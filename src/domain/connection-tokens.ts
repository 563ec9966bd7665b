import { eventCatalog } from '../events/catalog.js';
import { ConnectionReauthRequired, TokenRefreshFailed, TokenRotated } from '../events/connection.js';
import type { Event } from '../eventstore/envelope.js';
import { ConflictError } from '../shared/errors.js';
import type { RecordRefreshFailure, RotateToken } from './connection-commands.js';
import { at, existing, iso } from './connection-rules.js';
import type { ConnectionState } from './connection-state.js';
import type { CommandContext } from './decider.js';

/** Exactly one rotation per token revision: the loser of a race (or a stale refresher) is refused. */
export function rotate(command: RotateToken, state: ConnectionState, context: CommandContext): Event[] {
  const current = existing(state, command.connectionId);
  if (current.status !== 'ACTIVE') {
    throw new ConflictError(
      `Connection ${command.connectionId} is ${current.status}: its token cannot be rotated`,
    );
  }
  if (current.token?.revision !== command.basedOnRevision) {
    throw new ConflictError(`The token of connection ${command.connectionId} was already rotated`, {
      reason: 'TOKEN_ALREADY_ROTATED',
    });
  }
  const data = {
    connectionId: command.connectionId,
    secret: command.secret,
    previousTokenRevision: String(command.basedOnRevision),
    tokenType: command.tokenType,
    expiresAt: iso(command.expiresAt),
    refreshTokenExpiresAt: iso(command.refreshTokenExpiresAt),
    scopes: command.scopes,
    refreshTokenRotated: command.refreshTokenRotated,
    trigger: command.trigger,
    rotatedAt: at(context),
  };
  return [eventCatalog.create(TokenRotated, data, context.metadata)];
}

/** Stale failures (the token was rotated meanwhile, or the connection is no longer active) are dropped. */
export function recordRefreshFailure(
  command: RecordRefreshFailure,
  state: ConnectionState,
  context: CommandContext,
): Event[] {
  const current = existing(state, command.connectionId);
  if (current.status !== 'ACTIVE' || current.token?.revision !== command.basedOnRevision) return [];
  const failed = eventCatalog.create(
    TokenRefreshFailed,
    {
      connectionId: command.connectionId,
      failure: command.failure,
      message: command.message,
      retryable: command.retryable,
      attempts: command.attempts,
      failedAt: at(context),
    },
    context.metadata,
  );
  if (!command.reauthRequired) return [failed];
  const reauth = { connectionId: command.connectionId, reason: command.message, at: at(context) };
  return [failed, eventCatalog.create(ConnectionReauthRequired, reauth, context.metadata)];
}
