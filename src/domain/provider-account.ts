import { eventCatalog } from '../events/catalog.js';
import {
  type ACCOUNT_PROOFS,
  ProviderAccountBindingMoved,
  ProviderAccountBindingRefused,
  ProviderAccountBindingReleased,
  ProviderAccountBound,
  ProviderAccountClaimUnverified,
  type ProviderAccountEvent,
} from '../events/provider-account.js';
import type { Event } from '../eventstore/envelope.js';
import type { CommandContext, Decider } from './decider.js';

/** The connection app-level webhooks of the account go to; null while none holds it. */
export interface ProviderAccountState {
  holder: { tenantId: string; connectionId: string } | null;
}

interface AccountCommand {
  provider: string;
  accountId: string;
  tenantId: string;
  connectionId: string;
}

/** A claim the provider vouched for (token response or account verification). */
export interface ClaimProviderAccount extends AccountCommand {
  type: 'ClaimProviderAccount';
  proof: Exclude<(typeof ACCOUNT_PROOFS)[number], 'operator'>;
  /**
   * A connection the caller found no longer live (revoked, tenant deleted). When it still holds the
   * account (its release was never recorded), it is released first so it cannot block the account.
   */
  goneHolder: string | null;
}

export interface RecordUnverifiedClaim extends AccountCommand {
  type: 'RecordUnverifiedClaim';
  reason: 'no_verification' | 'verification_failed';
  detail: string;
}

export interface ReleaseProviderAccount extends AccountCommand {
  type: 'ReleaseProviderAccount';
}

/** Operators only (the resolver checks): the one way a binding changes tenant. */
export interface MoveProviderAccountBinding extends AccountCommand {
  type: 'MoveProviderAccountBinding';
}

export type ProviderAccountCommand =
  | ClaimProviderAccount
  | RecordUnverifiedClaim
  | ReleaseProviderAccount
  | MoveProviderAccountBinding;

const claimOf = (command: AccountCommand) => ({
  provider: command.provider,
  accountId: command.accountId,
  tenantId: command.tenantId,
  connectionId: command.connectionId,
});

const at = (context: CommandContext) => context.now.toISOString();

/**
 * One connection per provider account, whatever the tenant: a proven claim binds a free account,
 * passes it on within the tenant that holds it (a reconnection), and is refused when another
 * tenant holds it. Only an operator moves a binding across tenants.
 */
function claim(command: ClaimProviderAccount, state: ProviderAccountState, context: CommandContext): Event[] {
  const { holder } = state;
  const bound = (previousConnectionId: string | null) =>
    eventCatalog.create(
      ProviderAccountBound,
      { ...claimOf(command), proof: command.proof, previousConnectionId, boundAt: at(context) },
      context.metadata,
    );
  if (holder === null) return [bound(null)];
  if (holder.connectionId === command.connectionId) return [];
  if (holder.connectionId === command.goneHolder) {
    const released = eventCatalog.create(
      ProviderAccountBindingReleased,
      {
        ...claimOf(command),
        ...holder,
        reason: 'connection_gone' as const,
        releasedAt: at(context),
      },
      context.metadata,
    );
    return [released, bound(null)];
  }
  if (holder.tenantId === command.tenantId) return [bound(holder.connectionId)];
  const refused = {
    ...claimOf(command),
    reason: 'bound_to_another_tenant' as const,
    heldBy: holder,
    refusedAt: at(context),
  };
  return [eventCatalog.create(ProviderAccountBindingRefused, refused, context.metadata)];
}

function recordUnverified(command: RecordUnverifiedClaim, context: CommandContext): Event[] {
  const data = { ...claimOf(command), reason: command.reason, detail: command.detail, at: at(context) };
  return [eventCatalog.create(ProviderAccountClaimUnverified, data, context.metadata)];
}

function release(
  command: ReleaseProviderAccount,
  state: ProviderAccountState,
  context: CommandContext,
): Event[] {
  if (state.holder?.connectionId !== command.connectionId) return [];
  const data = {
    ...claimOf(command),
    reason: 'connection_revoked' as const,
    releasedAt: at(context),
  };
  return [eventCatalog.create(ProviderAccountBindingReleased, data, context.metadata)];
}

function move(
  command: MoveProviderAccountBinding,
  state: ProviderAccountState,
  context: CommandContext,
): Event[] {
  if (state.holder?.connectionId === command.connectionId) return [];
  const data = { ...claimOf(command), previous: state.holder, movedAt: at(context) };
  return [eventCatalog.create(ProviderAccountBindingMoved, data, context.metadata)];
}

function evolve(state: ProviderAccountState, event: ProviderAccountEvent): ProviderAccountState {
  switch (event.type) {
    case 'ProviderAccountBound':
    case 'ProviderAccountBindingMoved':
      return { holder: { tenantId: event.data.tenantId, connectionId: event.data.connectionId } };
    case 'ProviderAccountBindingReleased':
      return { holder: null };
    case 'ProviderAccountBindingRefused':
    case 'ProviderAccountClaimUnverified':
      return state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export const providerAccountDecider: Decider<
  ProviderAccountState,
  ProviderAccountCommand,
  ProviderAccountEvent
> = {
  initialState: () => ({ holder: null }),
  evolve,
  decide(command, state, context) {
    switch (command.type) {
      case 'ClaimProviderAccount':
        return claim(command, state, context);
      case 'RecordUnverifiedClaim':
        return recordUnverified(command, context);
      case 'ReleaseProviderAccount':
        return release(command, state, context);
      case 'MoveProviderAccountBinding':
        return move(command, state, context);
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};
