/**
 * The states the read models record and the services act on. Plain values, no behaviour: every
 * layer may name them.
 */

/** A connection's lifecycle state. */
export const ConnectionStatus = {
  PENDING: 'PENDING',
  ACTIVE: 'ACTIVE',
  REAUTH_REQUIRED: 'REAUTH_REQUIRED',
  REVOKED: 'REVOKED',
  FAILED: 'FAILED',
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

/** A connection's claim on a provider account. */
export const AccountClaimState = {
  BOUND: 'BOUND',
  CONFLICT: 'CONFLICT',
  UNVERIFIED: 'UNVERIFIED',
  RELEASED: 'RELEASED',
} as const;
export type AccountClaimState = (typeof AccountClaimState)[keyof typeof AccountClaimState];

/** A tenant's state. */
export const TenantStatus = { ACTIVE: 'ACTIVE', DELETED: 'DELETED' } as const;
export type TenantStatus = (typeof TenantStatus)[keyof typeof TenantStatus];
