import { ConflictError, SwitchboardError } from '../shared/errors.js';

/** The provider no longer honours the grant (invalid_grant): only the user reconnecting fixes it. */
export class ReauthRequiredError extends SwitchboardError {
  constructor(connectionId: string) {
    super(
      'PROVIDER_AUTH_ERROR',
      `Connection ${connectionId} must be reconnected: the provider no longer accepts its grant`,
      { status: 409, detail: { connectionId, reason: 'REAUTH_REQUIRED' } },
    );
  }
}

/** A connection that exists but holds no usable credentials (pending, failed or revoked). */
export class ConnectionNotUsableError extends ConflictError {
  constructor(connectionId: string, status: string) {
    super(`Connection ${connectionId} is ${status}: it has no credentials to use`, { connectionId, status });
  }
}

/** The callback's state is unknown, expired or already used. */
export class InvalidOAuthStateError extends SwitchboardError {
  constructor(reason: 'unknown' | 'expired' | 'reused' | 'other_tenant') {
    super(
      'BAD_USER_INPUT',
      'The authorization state is unknown, expired or already used: start the connection again',
      {
        status: 400,
        detail: { reason },
      },
    );
  }
}

/** The provider refused the credentials given to connectWithCredentials(verify: true). */
export class CredentialsRejectedError extends SwitchboardError {
  constructor(provider: string, status: number | null, reason?: string) {
    super(
      'PROVIDER_AUTH_ERROR',
      status === null
        ? `Could not verify the credentials with ${provider}: ${reason ?? 'no answer'}`
        : `${provider} refused the credentials (HTTP ${status})`,
      { status: 422, detail: { provider, providerStatus: status, reason } },
    );
  }
}

/** The callback's `iss` is not the provider's issuer (RFC 9207): the response may come from another server. */
export class IssuerMismatchError extends SwitchboardError {
  constructor(message: string) {
    super('BAD_USER_INPUT', message, { status: 400, detail: { reason: 'issuer_mismatch' } });
  }
}

/** The manifest's account discovery failed or found no account: the grant reaches nothing the hub can call. */
export class AccountDiscoveryError extends SwitchboardError {
  constructor(provider: string, detail: string) {
    super(
      'PROVIDER_AUTH_ERROR',
      `${provider} did not say which account the authorization is for: ${detail}`,
      {
        status: 422,
        detail: { provider, reason: 'account_discovery_failed' },
      },
    );
  }
}
