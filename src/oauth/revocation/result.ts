import type { CallContext } from '../context.js';
import type { OAuthConfigurationError, OAuthFailure, OAuthProviderError } from '../errors.js';
import type { OAuthCallOptions, OAuthClient } from '../types.js';

/**
 * What disconnecting achieved at the provider. CONFIRMED: the provider says the grant (or token)
 * is gone. FAILED: it did not say so; `failure` tells whether trying again later may help.
 * UNSUPPORTED: the provider offers no revocation (the manifest says why). In every case the caller
 * destroys its own copy of the credentials.
 */
export interface RevocationResult {
  status: 'CONFIRMED' | 'FAILED' | 'UNSUPPORTED';
  /** One sentence for operators; never a token. */
  detail: string;
  failure?: OAuthFailure | 'configuration';
}

/** The connection's tokens; each revocation kind picks the one its provider takes. */
export interface TokensToRevoke {
  accessToken: string | null;
  refreshToken: string | null;
}

export interface RevocationCall {
  context: CallContext;
  client: OAuthClient;
  token: TokensToRevoke;
  options: OAuthCallOptions;
  /** Values for the URL's placeholders (`{clientId}` included). */
  values: Readonly<Record<string, string>>;
}

export function confirmed(detail: string): RevocationResult {
  return { status: 'CONFIRMED', detail };
}

export function failed(error: OAuthProviderError | OAuthConfigurationError): RevocationResult {
  return {
    status: 'FAILED',
    detail: error.message,
    failure: 'classification' in error ? error.classification : 'configuration',
  };
}
