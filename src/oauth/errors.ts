import { SwitchboardError } from '../shared/errors.js';

/**
 * What the caller does about a failed provider call, one class each (panva habit):
 * - invalid_grant: the grant is gone (expired/used code, revoked or reused refresh token) → mark the
 *   connection REAUTH_REQUIRED; retrying cannot help.
 * - access_denied: the user (or an admin policy) said no.
 * - invalid_client: configuration: client id/secret, redirect URI, scopes or grant type refused.
 * - transient: 5xx, timeout, network failure → retry with backoff.
 * - rate_limited: 429 (or the provider's own word for it) → retry after `retryAfterMs`.
 * - unexpected: the provider answered something this layer cannot use (unknown error code,
 *   malformed body): an operator should look.
 */
export type OAuthFailure =
  | 'invalid_grant'
  | 'access_denied'
  | 'invalid_client'
  | 'transient'
  | 'rate_limited'
  | 'unexpected';

export type OAuthOperation =
  | 'authorize'
  | 'callback'
  | 'discovery'
  | 'exchange'
  | 'refresh'
  | 'client_credentials'
  | 'revoke';

export interface OAuthErrorDetail {
  provider: string;
  operation: OAuthOperation;
  /** HTTP status of the provider's answer, when there was one. */
  status?: number;
  /** The provider's error code (`invalid_grant`, `invalid_code`, `bad_verification_code`). */
  providerError?: string;
  /** The provider's error_description with any secret of the request scrubbed out; logs only. */
  description?: string;
  /** What went wrong below HTTP (timeout, network) or inside the client library. */
  reason?: string;
  [key: string]: unknown;
}

/**
 * Base of every provider failure. Messages are written here, never copied from the provider, so
 * they hold no token, code, secret or verifier; the provider's own words go (scrubbed) in
 * `detail`. They are all exposed (code PROVIDER_AUTH_ERROR): the caller needs to know whether to
 * reconnect, fix configuration or retry, and nothing in the message is secret. The library error
 * is deliberately not kept as `cause`: openid-client hangs response bodies (tokens) on its errors.
 */
export abstract class OAuthProviderError extends SwitchboardError {
  abstract readonly classification: OAuthFailure;
  declare readonly detail: OAuthErrorDetail;

  constructor(message: string, status: number, detail: OAuthErrorDetail) {
    super('PROVIDER_AUTH_ERROR', message, { status, detail });
  }

  override get expose(): boolean {
    return true;
  }

  /** True for failures that another attempt may fix (see withRetry). */
  get retryable(): boolean {
    return this.classification === 'transient' || this.classification === 'rate_limited';
  }
}

export class ProviderInvalidGrantError extends OAuthProviderError {
  readonly classification = 'invalid_grant';
}

export class ProviderAccessDeniedError extends OAuthProviderError {
  readonly classification = 'access_denied';
}

export class ProviderInvalidClientError extends OAuthProviderError {
  readonly classification = 'invalid_client';
}

export class ProviderTransientError extends OAuthProviderError {
  readonly classification = 'transient';
  /** From Retry-After on a 503, when the provider sent one. */
  readonly retryAfterMs: number | null;

  constructor(message: string, detail: OAuthErrorDetail, retryAfterMs: number | null = null) {
    super(message, 503, detail);
    this.retryAfterMs = retryAfterMs;
  }
}

export class ProviderRateLimitedError extends OAuthProviderError {
  readonly classification = 'rate_limited';
  readonly retryAfterMs: number | null;

  constructor(message: string, detail: OAuthErrorDetail, retryAfterMs: number | null) {
    super(message, 429, detail);
    this.retryAfterMs = retryAfterMs;
  }
}

export class ProviderUnexpectedResponseError extends OAuthProviderError {
  readonly classification = 'unexpected';
}

/**
 * The manifest or the call cannot work as given, before anything is sent: a plain-http endpoint
 * off loopback, a `{placeholder}` without a value, a secret missing for client_secret_basic.
 */
export class OAuthConfigurationError extends SwitchboardError {
  constructor(message: string, detail: Record<string, unknown>) {
    super('PROVIDER_AUTH_ERROR', message, { status: 422, detail });
  }
}
