import { describe, it } from 'vitest';
import { providerAccountDecider } from '../../src/domain/provider-account.js';
import { given, testContext } from '../support/decider.js';

const at = testContext().now.toISOString();
const realm = { provider: 'quickbooks', accountId: '9130357992204316' };
const ofA = { ...realm, tenantId: 'acme', connectionId: 'conn_a' };
const ofA2 = { ...realm, tenantId: 'acme', connectionId: 'conn_a2' };
const ofB = { ...realm, tenantId: 'globex', connectionId: 'conn_b' };

const claim = (who: typeof ofA, goneHolder: string | null = null) => ({
  type: 'ClaimProviderAccount' as const,
  ...who,
  proof: 'account_verification' as const,
  goneHolder,
});
const bound = (who: typeof ofA, previousConnectionId: string | null = null) => ({
  type: 'ProviderAccountBound' as const,
  data: { ...who, proof: 'account_verification' as const, previousConnectionId, boundAt: at },
});

describe('provider account decider', () => {
  it('binds a free account to the first proven claim, once', () => {
    given(providerAccountDecider, [])
      .when(claim(ofA))
      .then([bound(ofA)]);
    given(providerAccountDecider, [bound(ofA)])
      .when(claim(ofA))
      .then([]);
  });

  it("refuses another tenant's claim on a bound account, naming the holder", () => {
    given(providerAccountDecider, [bound(ofA)])
      .when(claim(ofB))
      .then([
        {
          type: 'ProviderAccountBindingRefused',
          data: {
            ...ofB,
            reason: 'bound_to_another_tenant',
            heldBy: { tenantId: 'acme', connectionId: 'conn_a' },
            refusedAt: at,
          },
        },
      ]);
  });

  it("passes the binding to the same tenant's newer connection (a reconnection)", () => {
    given(providerAccountDecider, [bound(ofA)])
      .when(claim(ofA2))
      .then([bound(ofA2, 'conn_a')]);
  });

  it('binds again once the holder is released, and releases a holder found gone first', () => {
    const released = {
      type: 'ProviderAccountBindingReleased' as const,
      data: { ...ofA, reason: 'connection_revoked' as const, releasedAt: at },
    };
    given(providerAccountDecider, [bound(ofA)])
      .when({ type: 'ReleaseProviderAccount', ...ofA })
      .then([released]);
    given(providerAccountDecider, [bound(ofA), released])
      .when(claim(ofB))
      .then([bound(ofB)]);
    // Revoked but its release never recorded: the next proven claim is not blocked by it.
    given(providerAccountDecider, [bound(ofA)])
      .when(claim(ofB, 'conn_a'))
      .then([
        {
          type: 'ProviderAccountBindingReleased',
          data: { ...ofA, reason: 'connection_gone', releasedAt: at },
        },
        bound(ofB),
      ]);
    // Releasing a connection that does not hold the account changes nothing.
    given(providerAccountDecider, [bound(ofA)])
      .when({ type: 'ReleaseProviderAccount', ...ofB })
      .then([]);
  });

  it('records an unverified claim without touching the binding', () => {
    const unverified = {
      type: 'RecordUnverifiedClaim' as const,
      ...ofB,
      reason: 'verification_failed' as const,
      detail: 'the verification answered HTTP 403',
    };
    const recorded = {
      type: 'ProviderAccountClaimUnverified' as const,
      data: {
        ...ofB,
        reason: 'verification_failed' as const,
        detail: 'the verification answered HTTP 403',
        at,
      },
    };
    given(providerAccountDecider, [bound(ofA)])
      .when(unverified)
      .then([recorded]);
    // Still bound to conn_a: another tenant's proven claim is refused, not bound.
    given(providerAccountDecider, [bound(ofA), recorded])
      .when(claim(ofB))
      .then([
        {
          type: 'ProviderAccountBindingRefused',
          data: {
            ...ofB,
            reason: 'bound_to_another_tenant',
            heldBy: { tenantId: 'acme', connectionId: 'conn_a' },
            refusedAt: at,
          },
        },
      ]);
  });

  it('moves a binding across tenants only by the move command, recording who held it', () => {
    const moved = {
      type: 'ProviderAccountBindingMoved' as const,
      data: { ...ofB, previous: { tenantId: 'acme', connectionId: 'conn_a' }, movedAt: at },
    };
    given(providerAccountDecider, [bound(ofA)])
      .when({ type: 'MoveProviderAccountBinding', ...ofB })
      .then([moved]);
    given(providerAccountDecider, [bound(ofA), moved])
      .when({ type: 'MoveProviderAccountBinding', ...ofB })
      .then([]);
    // After the move the previous holder's tenant is the other one: its claim is now refused.
    given(providerAccountDecider, [bound(ofA), moved])
      .when(claim(ofA))
      .then([
        {
          type: 'ProviderAccountBindingRefused',
          data: {
            ...ofA,
            reason: 'bound_to_another_tenant',
            heldBy: { tenantId: 'globex', connectionId: 'conn_b' },
            refusedAt: at,
          },
        },
      ]);
  });
});
