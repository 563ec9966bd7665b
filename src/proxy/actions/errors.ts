import type { ActionError, AnyAction } from '../../connectors/sdk/action.js';
import { ProviderCallError } from '../../connectors/sdk/provider-http.js';
import { NotFoundError, SwitchboardError } from '../../shared/errors.js';

/**
 * The errors of an action invocation, each with a stable code (GraphQL `extensions.code`,
 * problem+json `code`). Client-safe fields go in `extensions`; nothing here ever holds a token or
 * a provider's response body.
 */

export const actionNotFound = (provider: string, action: string) =>
  new NotFoundError('ACTION_NOT_FOUND', `${provider} has no action "${action}"`, { provider, action });

/** The connection's grant lacks provider scopes the action needs: reconnect asking for them. */
export class MissingScopesError extends SwitchboardError {
  constructor(action: string, missingScopes: string[], internalScopes: readonly string[]) {
    super(
      'MISSING_SCOPES',
      `The connection was not granted ${missingScopes.join(', ')}, which ${action} needs; reconnect asking for ${internalScopes.join(', ')}`,
      { status: 403, extensions: { action, missingScopes, internalScopes: [...internalScopes] } },
    );
  }
}

/** The connection cannot call its provider now (revoked, waiting for reauthorization, not installed). */
export class ConnectionNotActiveError extends SwitchboardError {
  constructor(connectionId: string, status: string) {
    super(
      status === 'REAUTH_REQUIRED' ? 'PROVIDER_AUTH_ERROR' : 'CONNECTION_NOT_ACTIVE',
      `Connection ${connectionId} is ${status.toLowerCase()}: it cannot call its provider`,
      { status: 409, extensions: { connectionId, connectionStatus: status } },
    );
  }
}

/**
 * A provider failure as the caller sees it: a documented one by its declared code
 * (ACTION_FAILED with `reason`), rate limits as RATE_LIMITED with `retryAt`, refused credentials as
 * PROVIDER_AUTH_ERROR, transient failures that outlasted the retries as PROVIDER_UNAVAILABLE.
 */
export function providerFailure(action: AnyAction, error: ProviderCallError): SwitchboardError {
  const providerStatus = error.status;
  const base = { action: action.id, providerStatus };
  switch (error.failureClass) {
    case 'rate_limited':
      return new SwitchboardError('RATE_LIMITED', `${action.id}: the provider asked to wait`, {
        status: 429,
        cause: error,
        extensions: { ...base, retryAt: error.retryAt?.toISOString() ?? null },
      });
    case 'auth':
      return new SwitchboardError(
        'PROVIDER_AUTH_ERROR',
        `${action.id}: the provider refused the connection's credentials; reauthorize it`,
        { status: 409, cause: error, extensions: base },
      );
    case 'retryable':
      return new SwitchboardError(
        'PROVIDER_UNAVAILABLE',
        `${action.id}: the provider did not answer in time`,
        {
          status: 503,
          cause: error,
          extensions: base,
        },
      );
    case 'terminal': {
      const providerError = action.providerErrorOf?.(error);
      const declared = action.errors.find(
        (candidate) =>
          (candidate.status === undefined || candidate.status === error.status) &&
          (candidate.providerError === undefined || candidate.providerError === providerError) &&
          (candidate.status !== undefined || candidate.providerError !== undefined),
      );
      const reason = declared?.code ?? 'PROVIDER_REJECTED';
      const message = declared
        ? `${action.id}: ${declared.description}`
        : `${action.id}: the provider refused the request (${providerError ?? `HTTP ${providerStatus}`})`;
      // Exposed (4xx): the caller's request was refused, not the hub broken.
      return new SwitchboardError('ACTION_FAILED', message, {
        status: 422,
        cause: error,
        extensions: { ...base, reason, providerError: providerError ?? null },
      });
    }
  }
}

/** A documented failure the action recognized itself (ActionError). */
export const declaredFailure = (action: AnyAction, error: ActionError) =>
  new SwitchboardError('ACTION_FAILED', `${action.id}: ${error.message}`, {
    status: 422,
    cause: error,
    extensions: {
      action: action.id,
      providerStatus: error.providerStatus,
      reason: error.code,
      providerError: null,
    },
  });

/** The provider answered a success whose body is not what the action's output schema says. */
export const outputInvalid = (action: AnyAction, issues: unknown) =>
  new SwitchboardError(
    'PROVIDER_RESPONSE_INVALID',
    `${action.id}: the provider's answer did not have the documented shape`,
    {
      status: 502,
      detail: { issues },
      extensions: { action: action.id },
    },
  );

export { ProviderCallError };
