import type { ConnectionAuthMode, ConnectionFailure, IntegrationScope } from '../events/connection.js';
import type { Sealed } from '../vault/sealed.js';

/**
 * What can be asked of a connection. Secrets arrive already sealed (the decider stays pure: no
 * vault, no clock; times come from the command context, expiries from the provider's answer).
 */
export interface StartConnection {
  type: 'StartConnection';
  connectionId: string;
  tenantId: string;
  provider: string;
  integration: IntegrationScope;
  requestedScopes: string[];
  stateHash: string;
  redirectUri: string | null;
  expiresAt: Date;
}

export interface FailConnection {
  type: 'FailConnection';
  connectionId: string;
  reason: ConnectionFailure;
  message: string;
}

export interface RejectCallback {
  type: 'RejectCallback';
  connectionId: string;
  reason: 'state_reused';
}

export interface IssuedCredentials {
  secret: Sealed;
  tokenType: string | null;
  expiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
}

export interface InstallConnection {
  type: 'InstallConnection';
  connectionId: string;
  tenantId: string;
  provider: string;
  authMode: Exclude<ConnectionAuthMode, 'webhook'>;
  integration: IntegrationScope | null;
  account: { id: string | null; name: string | null };
  /** URL values of the connection (`cloudId`, `realmId`); none when left out (API keys). */
  values?: Readonly<Record<string, string>>;
  scopes: string[];
  credentials: IssuedCredentials;
}

export interface RotateToken extends IssuedCredentials {
  type: 'RotateToken';
  connectionId: string;
  /** The token revision the refresh started from. */
  basedOnRevision: bigint;
  scopes: string[];
  refreshTokenRotated: boolean;
  trigger: 'proactive' | 'expired' | 'unauthorized' | 'manual';
}

export interface RecordRefreshFailure {
  type: 'RecordRefreshFailure';
  connectionId: string;
  basedOnRevision: bigint;
  failure: string;
  message: string;
  retryable: boolean;
  attempts: number;
  /** invalid_grant: the grant is gone, the connection needs the user again. */
  reauthRequired: boolean;
}

export interface RevokeConnection {
  type: 'RevokeConnection';
  connectionId: string;
  providerRevocation: { status: 'CONFIRMED' | 'FAILED' | 'UNSUPPORTED'; detail: string };
  reason: 'requested' | 'tenant_deleted';
}

export interface CreateWebhookConnection {
  type: 'CreateWebhookConnection';
  connectionId: string;
  tenantId: string;
  provider: string;
  displayName: string | null;
  /** Its signing secret, sealed; configured in the same append when given. */
  secret: Sealed | null;
}

export interface ConfigureWebhookSecret {
  type: 'ConfigureWebhookSecret';
  connectionId: string;
  secret: Sealed;
}

export type ConnectionCommand =
  | StartConnection
  | FailConnection
  | RejectCallback
  | InstallConnection
  | RotateToken
  | RecordRefreshFailure
  | RevokeConnection
  | CreateWebhookConnection
  | ConfigureWebhookSecret;
