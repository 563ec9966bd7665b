import { ConflictError, NotFoundError } from '../errors.js';
import { eventCatalog } from '../events/catalog.js';
import {
  ConnectionCallbackRejected,
  type ConnectionEvent,
  ConnectionFailed,
  type ConnectionFailure,
  ConnectionInstalled,
  ConnectionReauthRequired,
  ConnectionRevoked,
  ConnectionStarted,
  TokenIssued,
  TokenRefreshFailed,
  TokenRotated,
  WebhookConnectionCreated,
  WebhookSecretConfigured,
} from '../events/connection.js';
import type { Event } from '../events/envelope.js';
import type { ConnectionCommand, InstallConnection, RotateToken } from './connection-commands.js';
import { type ConnectionState, evolveConnectionState } from './connection-state.js';
import type { CommandContext, Decider } from './decider.js';

export type { ConnectionCommand } from './connection-commands.js';

export type { ConnectionState, CurrentToken } from './connection-state.js';

type Existing = Exclude<ConnectionState, { status: 'none' }>;

export const connectionNotFound = (connectionId: string) =>
  new NotFoundError('CONNECTION_NOT_FOUND', `Connection ${connectionId} does not exist`, { connectionId });

const at = (context: CommandContext) => context.now.toISOString();
const iso = (date: Date | null) => (date === null ? null : date.toISOString());

function existing(state: ConnectionState, connectionId: string): Existing {
  if (state.status === 'none') throw connectionNotFound(connectionId);
  return state;
}

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

/** Exactly one rotation per token revision: the loser of a race (or a stale refresher) is refused. */
function rotate(command: RotateToken, state: ConnectionState, context: CommandContext): Event[] {
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
function recordRefreshFailure(
  command: Extract<ConnectionCommand, { type: 'RecordRefreshFailure' }>,
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

function createWebhookConnection(
  command: Extract<ConnectionCommand, { type: 'CreateWebhookConnection' }>,
  state: ConnectionState,
  context: CommandContext,
): Event[] {
  if (state.status !== 'none') throw new ConflictError(`Connection ${command.connectionId} already exists`);
  const data = {
    connectionId: command.connectionId,
    tenantId: command.tenantId,
    provider: command.provider,
    displayName: command.displayName,
    createdAt: at(context),
  };
  const created = eventCatalog.create(WebhookConnectionCreated, data, context.metadata);
  if (command.secret === null) return [created];
  const secret = {
    connectionId: command.connectionId,
    tenantId: command.tenantId,
    provider: command.provider,
    secret: command.secret,
    configuredAt: at(context),
  };
  return [created, eventCatalog.create(WebhookSecretConfigured, secret, context.metadata)];
}

function configureWebhookSecret(
  command: Extract<ConnectionCommand, { type: 'ConfigureWebhookSecret' }>,
  state: ConnectionState,
  context: CommandContext,
): Event[] {
  const current = existing(state, command.connectionId);
  if (current.status !== 'ACTIVE' && current.status !== 'REAUTH_REQUIRED') {
    throw new ConflictError(
      `Connection ${command.connectionId} is ${current.status}: it takes no webhook secret`,
    );
  }
  const data = {
    connectionId: command.connectionId,
    tenantId: current.tenantId,
    provider: current.provider,
    secret: command.secret,
    configuredAt: at(context),
  };
  return [eventCatalog.create(WebhookSecretConfigured, data, context.metadata)];
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
