import { AccountClaimState } from '../../domain/statuses.js';
import { PROVIDER_ACCOUNT_EVENTS, type ProviderAccountEvent } from '../../events/provider-account.js';
import type { ProviderAccountClaim } from '../../generated/prisma/client.js';
import { READ_MODEL } from '../names.js';
import type { Projection } from '../projection.js';
import { upsertRows } from './sql-rows.js';

export type AccountClaimRow = ProviderAccountClaim;

type Change = Omit<AccountClaimRow, 'updatedAt' | 'position'>;

/**
 * What an account event says about each connection it names: one row for most, two when a
 * binding passes from one connection to another (a reconnection, an operator's move, a holder
 * found gone). Pure: every value comes from the event, so a rebuild gives identical rows.
 */
export function claimChanges(event: ProviderAccountEvent): Change[] {
  const { provider, accountId, tenantId, connectionId } = event.data;
  const row = (state: AccountClaimState, proof: string | null, reason: string | null): Change => ({
    connectionId,
    tenantId,
    provider,
    accountId,
    state,
    proof,
    reason,
  });
  const released = (holder: { tenantId: string; connectionId: string }, reason: string): Change => ({
    ...holder,
    provider,
    accountId,
    state: AccountClaimState.RELEASED,
    proof: null,
    reason,
  });
  switch (event.type) {
    case 'ProviderAccountBound': {
      const previous = event.data.previousConnectionId;
      const bound = row(AccountClaimState.BOUND, event.data.proof, null);
      return previous === null
        ? [bound]
        : [released({ tenantId, connectionId: previous }, 'reconnected'), bound];
    }
    case 'ProviderAccountBindingMoved': {
      const bound = row(AccountClaimState.BOUND, 'operator', null);
      const previous = event.data.previous;
      return previous === null ? [bound] : [released(previous, 'moved_by_operator'), bound];
    }
    case 'ProviderAccountBindingRefused':
      return [row(AccountClaimState.CONFLICT, null, event.data.reason)];
    case 'ProviderAccountClaimUnverified':
      return [row(AccountClaimState.UNVERIFIED, null, event.data.reason)];
    case 'ProviderAccountBindingReleased':
      return [row(AccountClaimState.RELEASED, null, event.data.reason)];
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

const timeOf = (event: ProviderAccountEvent): string => {
  switch (event.type) {
    case 'ProviderAccountBound':
      return event.data.boundAt;
    case 'ProviderAccountBindingMoved':
      return event.data.movedAt;
    case 'ProviderAccountBindingRefused':
      return event.data.refusedAt;
    case 'ProviderAccountClaimUnverified':
      return event.data.at;
    case 'ProviderAccountBindingReleased':
      return event.data.releasedAt;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};

/**
 * The claims read model: which connection each provider account routes to (webhook-targets.ts
 * reads the BOUND row), and for every other claiming connection why it does not.
 */
export const providerAccountClaimsProjection: Projection = {
  name: READ_MODEL.providerAccountClaims,
  eventTypes: PROVIDER_ACCOUNT_EVENTS.map((definition) => definition.type),
  tables: [{ name: 'provider_account_claims' }],
  async apply(events, tx) {
    const rows = new Map<string, AccountClaimRow>();
    for (const event of events as readonly ProviderAccountEvent[]) {
      const updatedAt = new Date(timeOf(event));
      for (const change of claimChanges(event)) {
        rows.set(change.connectionId, { ...change, updatedAt, position: event.position });
      }
    }
    if (rows.size === 0) return;
    await upsertRows(
      tx,
      {
        table: 'provider_account_claims',
        key: ['connection_id'],
        columns: {
          connection_id: (r) => r.connectionId,
          tenant_id: (r) => r.tenantId,
          provider: (r) => r.provider,
          account_id: (r) => r.accountId,
          state: (r) => r.state,
          proof: (r) => r.proof,
          reason: (r) => r.reason,
          updated_at: (r) => r.updatedAt,
          position: (r) => r.position,
        },
      },
      [...rows.values()],
    );
  },
};
