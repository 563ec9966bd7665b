import { eventCatalog } from '../events/catalog.js';
import {
  TenantDeleted,
  type TenantEvent,
  TenantRedirectAllowlistConfigured,
  TenantRegistered,
  TenantRenamed,
} from '../events/tenant.js';
import type { Event } from '../eventstore/envelope.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../shared/errors.js';
import { allowlistEntryProblem, normalizeAllowlistEntry } from '../shared/redirect-allowlist.js';
import type { CommandContext, Decider } from './decider.js';

export type TenantState =
  | { status: 'unregistered' }
  | { status: 'active'; name: string; redirectAllowlist: readonly string[] }
  | { status: 'deleted'; name: string };

export type TenantCommand =
  | { type: 'RegisterTenant'; tenantId: string; name: string }
  | { type: 'RenameTenant'; tenantId: string; name: string }
  | { type: 'ConfigureRedirectAllowlist'; tenantId: string; redirectUris: readonly string[] }
  | { type: 'DeleteTenant'; tenantId: string; reason: string | null };

/** Enough for every app and environment a tenant sends users back to; more suggests a mistake. */
const MAX_REDIRECT_ALLOWLIST = 50;

const notFound = (tenantId: string) =>
  new NotFoundError('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);

function register(
  command: Extract<TenantCommand, { type: 'RegisterTenant' }>,
  state: TenantState,
  context: CommandContext,
): Event[] {
  if (state.status === 'active' && state.name === command.name) return []; // a retried registration
  if (state.status !== 'unregistered') {
    throw new ConflictError(`Tenant ${command.tenantId} already exists`, { tenantId: command.tenantId });
  }
  const data = { tenantId: command.tenantId, name: command.name, registeredAt: context.now.toISOString() };
  return [eventCatalog.create(TenantRegistered, data, context.metadata)];
}

function rename(
  command: Extract<TenantCommand, { type: 'RenameTenant' }>,
  state: TenantState,
  context: CommandContext,
): Event[] {
  if (state.status !== 'active') throw notFound(command.tenantId);
  if (state.name === command.name) return [];
  const data = {
    tenantId: command.tenantId,
    name: command.name,
    previousName: state.name,
    renamedAt: context.now.toISOString(),
  };
  return [eventCatalog.create(TenantRenamed, data, context.metadata)];
}

function configureRedirectAllowlist(
  command: Extract<TenantCommand, { type: 'ConfigureRedirectAllowlist' }>,
  state: TenantState,
  context: CommandContext,
): Event[] {
  if (state.status !== 'active') throw notFound(command.tenantId);
  if (command.redirectUris.length > MAX_REDIRECT_ALLOWLIST) {
    throw new BadUserInputError(`A redirect allowlist holds at most ${MAX_REDIRECT_ALLOWLIST} entries`, {
      field: 'redirectUris',
    });
  }
  for (const entry of command.redirectUris) {
    const problem = allowlistEntryProblem(entry);
    if (problem !== null) {
      throw new BadUserInputError(
        `Redirect allowlist entry ${JSON.stringify(entry.slice(0, 200))} ${problem}`,
        {
          field: 'redirectUris',
        },
      );
    }
  }
  const redirectUris = [...new Set(command.redirectUris.map(normalizeAllowlistEntry))];
  const unchanged =
    redirectUris.length === state.redirectAllowlist.length &&
    redirectUris.every((entry, index) => entry === state.redirectAllowlist[index]);
  if (unchanged) return [];
  const data = { tenantId: command.tenantId, redirectUris, configuredAt: context.now.toISOString() };
  return [eventCatalog.create(TenantRedirectAllowlistConfigured, data, context.metadata)];
}

function remove(
  command: Extract<TenantCommand, { type: 'DeleteTenant' }>,
  state: TenantState,
  context: CommandContext,
): Event[] {
  if (state.status === 'unregistered') throw notFound(command.tenantId);
  if (state.status === 'deleted') return [];
  const data = { tenantId: command.tenantId, deletedAt: context.now.toISOString(), reason: command.reason };
  return [eventCatalog.create(TenantDeleted, data, context.metadata)];
}

export const tenantDecider: Decider<TenantState, TenantCommand, TenantEvent> = {
  initialState: () => ({ status: 'unregistered' }),
  evolve(state, event) {
    switch (event.type) {
      case 'TenantRegistered':
        return { status: 'active', name: event.data.name, redirectAllowlist: [] };
      case 'TenantRenamed':
        return state.status === 'active' ? { ...state, name: event.data.name } : state;
      case 'TenantRedirectAllowlistConfigured':
        return state.status === 'active' ? { ...state, redirectAllowlist: event.data.redirectUris } : state;
      case 'TenantDeleted':
        return state.status === 'unregistered' ? state : { status: 'deleted', name: state.name };
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },
  decide(command, state, context) {
    switch (command.type) {
      case 'RegisterTenant':
        return register(command, state, context);
      case 'RenameTenant':
        return rename(command, state, context);
      case 'ConfigureRedirectAllowlist':
        return configureRedirectAllowlist(command, state, context);
      case 'DeleteTenant':
        return remove(command, state, context);
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};
