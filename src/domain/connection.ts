import { eventCatalog } from '../events/catalog.js';
import {
  ConnectionCallbackRejected,
  type ConnectionEvent,
  ConnectionFailed,
  type ConnectionFailure,
  ConnectionInstalled,
  ConnectionRevoked,
  ConnectionStarted,
  TokenIssued,
} from '../events/connection.js';
import type { Event } from '../eventstore/envelope.js';
import { ConflictError } from '../shared/errors.js';
import type { ConnectionCommand, InstallConnection } from './connection-commands.js';
import { at, existing, iso } from './connection-rules.js';
import { type ConnectionState, evolveConnectionState } from './connection-state.js';
import { recordRefreshFailure, rotate } from './connection-tokens.js';
import { configureWebhookSecret, createWebhookConnection } from './connection-webhooks.js';
import type { CommandContext, Decider } from './decider.js';

export type { ConnectionCommand } from './connection-commands.js';
export { connectionNotFound } from './connection-rules.js';

export type { ConnectionState, CurrentToken } from './connection-state.js';

function start(
  command: Extract<ConnectionCommand, { type: 'StartConnection' }>,
  state: ConnectionState,
  context: CommandContext,
): Event[] {
  if (state.status !== 'none') throw new ConflictError(`Connection ${command.connectionId} already exists`);
  const data = {
    connectionId: command.connectionId,
    tenantId: command.tenantId,
    provider: command.provider,
    authMode: 'oauth2' as const,
    integration: command.integration,
    requestedScopes: command.requestedScopes,
    stateHash: command.stateHash,
    redirectUri: command.redirectUri,
    startedAt: at(context),
    expiresAt: command.expiresAt.toISOString(),
  };
  return [eventCatalog.create(ConnectionStarted, data, context.metadata)];
}

function fail(
  command: Extract<ConnectionCommand, { type: 'FailConnection' }>,
  state: ConnectionState,
  context: CommandContext,
): Event[] {
  const current = existing(state, command.connectionId);
  if (current.status === 'FAILED') return [];
  if (current.status !== 'PENDING') {
    throw new ConflictError(`Connection ${command.connectionId} is ${current.status}, not PENDING`);
  }
  const reason: ConnectionFailure = command.reason;
  const data = {
    connectionId: command.connectionId,
    provider: current.provider,
    reason,
    message: command.message,
    failedAt: at(context),
  };
  return [eventCatalog.create(ConnectionFailed, data, context.metadata)];
}

function rejectCallback(
  command: Extract<ConnectionCommand, { type: 'RejectCallback' }>,
  state: ConnectionState,
  context: CommandContext,
): Event[] {
  existing(state, command.connectionId);
  const data = { connectionId: command.connectionId, reason: command.reason, rejectedAt: at(context) };
  return [eventCatalog.create(ConnectionCallbackRejected, data, context.metadata)];
}

/** ConnectionInstalled, then TokenIssued: an OAuth attempt must be PENDING; other modes start fresh. */
function install(command: InstallConnection, state: ConnectionState, context: CommandContext): Event[] {
  if (command.authMode === 'oauth2') {
    const current = existing(state, command.connectionId);
    if (current.status !== 'PENDING') {
      throw new ConflictError(`Connection ${command.connectionId} is ${current.status}, not PENDING`);
    }
    if (current.tenantId !== command.tenantId || current.provider !== command.provider) {
      throw new ConflictError(`Connection ${command.connectionId} belongs to another tenant or provider`);
    }
  } else if (state.status !== 'none') {
    throw new ConflictError(`Connection ${command.connectionId} already exists`);
  }
  const installed = {
    connectionId: command.connectionId,
    tenantId: command.tenantId,
    provider: command.provider,
    authMode: command.authMode,
    integration: command.integration,
    account: command.account,
    values: { ...command.values },
    scopes: command.scopes,
    installedAt: at(context),
  };
  const issued = {
    connectionId: command.connectionId,
    tenantId: command.tenantId,
    provider: command.provider,
    authMode: command.authMode,
    secret: command.credentials.secret,
    tokenType: command.credentials.tokenType,
    expiresAt: iso(command.credentials.expiresAt),
    refreshTokenExpiresAt: iso(command.credentials.refreshTokenExpiresAt),
    scopes: command.scopes,
    issuedAt: at(context),
  };
  return [
    eventCatalog.create(ConnectionInstalled, installed, context.metadata),
    eventCatalog.create(TokenIssued, issued, context.metadata),
  ];
}

function revoke(
  command: Extract<ConnectionCommand, { type: 'RevokeConnection' }>,
  state: ConnectionState,
  context: CommandContext,
): Event[] {
  const current = existing(state, command.connectionId);
  if (current.status === 'REVOKED') return [];
  const data = {
    connectionId: command.connectionId,
    providerRevocation: command.providerRevocation,
    reason: command.reason,
    revokedAt: at(context),
  };
  return [eventCatalog.create(ConnectionRevoked, data, context.metadata)];
}

export const connectionDecider: Decider<ConnectionState, ConnectionCommand, ConnectionEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveConnectionState,
  decide(command, state, context) {
    switch (command.type) {
      case 'StartConnection':
        return start(command, state, context);
      case 'FailConnection':
        return fail(command, state, context);
      case 'RejectCallback':
        return rejectCallback(command, state, context);
      case 'InstallConnection':
        return install(command, state, context);
      case 'RotateToken':
        return rotate(command, state, context);
      case 'RecordRefreshFailure':
        return recordRefreshFailure(command, state, context);
      case 'RevokeConnection':
        return revoke(command, state, context);
      case 'CreateWebhookConnection':
        return createWebhookConnection(command, state, context);
      case 'ConfigureWebhookSecret':
        return configureWebhookSecret(command, state, context);
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};
