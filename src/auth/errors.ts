import { BadUserInputError, DependencyError, SwitchboardError } from '../shared/errors.js';

/**
 * One class per way authentication or tenancy can fail. Client-facing messages never say which
 * check rejected a credential (that would help someone probing tokens); the reason and the library's
 * own words go in `detail`, which only reaches the logs. Nothing here ever holds a token.
 */

/** Base of every UNAUTHENTICATED (401) failure. */
export class UnauthenticatedError extends SwitchboardError {
  /** RFC 6750 challenge for REST routes that answer 401. */
  readonly wwwAuthenticate: string = 'Bearer';

  constructor(message = 'Authentication required', detail?: Record<string, unknown>) {
    super('UNAUTHENTICATED', message, { status: 401, detail });
  }
}

/** The caller sent no credentials where they are needed. */
export class AuthenticationRequiredError extends UnauthenticatedError {
  constructor(detail?: Record<string, unknown>) {
    super('Authentication required', detail);
  }
}

export type AuthenticationFailure =
  | 'malformed_authorization'
  | 'unknown_operator_token'
  | 'unknown_metrics_token'
  | 'invalid_jwt'
  | 'expired_jwt'
  | 'invalid_claims'
  /** A Connect page link's token: it lets one person connect a provider, never call the API. */
  | 'connect_session_token';

/** Credentials were presented and rejected: the same message whatever the check that failed. */
export class AuthenticationError extends UnauthenticatedError {
  override readonly wwwAuthenticate = 'Bearer error="invalid_token"';
  readonly reason: AuthenticationFailure;

  constructor(reason: AuthenticationFailure, detail: Record<string, unknown> = {}) {
    // A malformed header is a syntax problem, not a failed check: saying so reveals nothing.
    super(
      reason === 'malformed_authorization'
        ? "Invalid Authorization header: expected 'Bearer <token>'"
        : 'Invalid or expired token',
      { reason, ...detail },
    );
    this.reason = reason;
  }
}

/** Base of every FORBIDDEN (403) failure: authenticated, but not allowed. */
export class ForbiddenError extends SwitchboardError {
  constructor(message: string, detail?: Record<string, unknown>) {
    super('FORBIDDEN', message, { status: 403, detail });
  }
}

export class MissingPermissionError extends ForbiddenError {
  readonly permission: string;

  constructor(permission: string, detail?: Record<string, unknown>) {
    super(`Missing permission: ${permission}`, { permission, ...detail });
    this.permission = permission;
  }
}

/** A JWT bound to one tenant (tenant_id claim) asked for another. */
export class TenantMismatchError extends ForbiddenError {
  constructor(detail: { requestedTenantId: string; tokenTenantId: string }) {
    super('This token is bound to another tenant', detail);
  }
}

/**
 * A JWT without a tenant claim and without `tenants:all` asked for a tenant. An identity provider
 * that leaves the claim out must not thereby hand out access to every tenant.
 */
export class TenantScopeRequiredError extends ForbiddenError {
  constructor(detail: { requestedTenantId: string | null }) {
    super(
      'This token is bound to no tenant (no tenant_id claim): acting on a tenant needs the tenants:all scope',
      { ...detail, permission: 'tenants:all' },
    );
  }
}

export class TenantHeaderRequiredError extends SwitchboardError {
  constructor() {
    super('TENANT_HEADER_REQUIRED', 'This operation is tenant-scoped: send the X-Tenant-Id header', {
      status: 400,
    });
  }
}

export class InvalidTenantIdError extends BadUserInputError {
  constructor(value: string, problem: string) {
    super(`Invalid X-Tenant-Id ${JSON.stringify(value.slice(0, 80))}: ${problem}`, { field: 'X-Tenant-Id' });
  }
}

/**
 * The OIDC issuer (discovery or JWKS) cannot be reached, so a token cannot be judged either way.
 * This is 503, not 401: the caller's token may be fine and should be retried, not thrown away.
 */
export class IdentityProviderUnavailableError extends DependencyError {
  constructor(issuer: string, reason: string, cause?: unknown) {
    super('The identity provider is unavailable; try again shortly', {
      detail: { issuer, reason },
      cause,
    });
  }
}

/** SWITCHBOARD_OIDC_ISSUER names something we refuse to trust; raised at construction (startup). */
export class OidcConfigurationError extends SwitchboardError {
  constructor(message: string, detail?: Record<string, unknown>) {
    super('OIDC_CONFIGURATION', message, { status: 500, detail });
  }
}
