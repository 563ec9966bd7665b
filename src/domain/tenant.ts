import { ConflictError, NotFoundError } from '../errors.js';
import { eventCatalog } from '../events/catalog.js';
import type { Event } from '../events/envelope.js';
import { TenantDeleted, type TenantEvent, TenantRegistered, TenantRenamed } from '../events/tenant.js';
import type { CommandContext, Decider } from './decider.js';

export type TenantState =
  | { status: 'unregistered' }
  | { status: 'active'; name: string }
  | { status: 'deleted'; name: string };

export type TenantCommand =
  | { type: 'RegisterTenant'; tenantId: string; name: string }
  | { type: 'RenameTenant'; tenantId: string; name: string }
  | { type: 'DeleteTenant'; tenantId: string; reason: string | null };

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
        return { status: 'active', name: event.data.name };
      case 'TenantRenamed':
        return state.status === 'active' ? { status: 'active', name: event.data.name } : state;
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
      case 'DeleteTenant':
        return remove(command, state, context);
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};
