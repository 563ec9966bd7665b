import { eventCatalog } from '../events/catalog.js';
import { WebhookConnectionCreated, WebhookSecretConfigured } from '../events/connection.js';
import type { Event } from '../eventstore/envelope.js';
import { ConflictError } from '../shared/errors.js';
import type { ConfigureWebhookSecret, CreateWebhookConnection } from './connection-commands.js';
import { at, existing } from './connection-rules.js';
import type { ConnectionState } from './connection-state.js';
import type { CommandContext } from './decider.js';

export function createWebhookConnection(
  command: CreateWebhookConnection,
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

export function configureWebhookSecret(
  command: ConfigureWebhookSecret,
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
