import { authenticationOf, credentialAuth } from '../../connections/credentials/credential-auth.js';
import { ConnectionNotUsableError, ReauthRequiredError } from '../../connections/errors.js';
import type { CheckedOutCredentials, ConnectionServices } from '../../connections/index.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { ProviderCallError } from '../../connectors/sdk/provider-http.js';
import { OAuthProviderError, ProviderRateLimitedError, ProviderTransientError } from '../../oauth/index.js';
import { DependencyError, SwitchboardError } from '../../shared/errors.js';
import type { Authentication, CredentialSource } from './credential-source.js';

export interface VaultCredentialsOptions {
  /** The token checkout (connections/tokens/checkout.ts), bound to its dependencies. */
  checkout: Pick<ConnectionServices, 'credentialsFor' | 'refreshAfterUnauthorized'>;
  manifest: ProviderManifest;
  tenantId: string;
  connectionId: string;
}

/** What errors and logs call a credential failure: no request has been made yet. */
const CHECKOUT = 'token checkout';

/**
 * The connection's credentials from the vault, as the manifest's auth wants them on a request:
 * OAuth tokens as `Authorization: <type> <token>`, API keys where the manifest places them (a
 * header with its prefix, or a query parameter), basic credentials as `Basic base64(user:pass)`.
 * Every call checks out anew, so a token the proactive refresher rotated is picked up at once; a
 * 401 refreshes once for every request that saw the same token.
 */
export function vaultCredentials(options: VaultCredentialsOptions): CredentialSource {
  const { checkout, manifest, tenantId, connectionId } = options;

  // The access token each OAuth authentication carries, to name it when the provider refuses it;
  // API keys and basic credentials are not in here: they have nothing fresher.
  const tokens = new WeakMap<Authentication, string>();

  return {
    async authentication() {
      const checkedOut = await guarded(() => checkout.credentialsFor(tenantId, connectionId));
      const authentication = authenticationFor(manifest, checkedOut);
      const { credentials } = checkedOut;
      if (credentials.kind === 'oauth2' || credentials.kind === 'oauth2_cc') {
        tokens.set(authentication, credentials.accessToken);
      }
      return authentication;
    },
    async afterUnauthorized(rejected) {
      const rejectedToken = tokens.get(rejected);
      // The 401 stands (failure class auth) for credentials that cannot be refreshed.
      if (rejectedToken === undefined) return null;
      const token = await guarded(() =>
        checkout.refreshAfterUnauthorized(tenantId, connectionId, rejectedToken),
      );
      const fresh = { headers: { Authorization: authorizationValue(token.tokenType, token.accessToken) } };
      tokens.set(fresh, token.accessToken);
      return fresh;
    },
  };
}

/** Headers and query parameters for these credentials, by the manifest's auth. */
export function authenticationFor(
  manifest: ProviderManifest,
  checkedOut: CheckedOutCredentials,
): Authentication {
  const { credentials } = checkedOut;
  if (credentials.kind === 'api_key' || credentials.kind === 'basic') {
    const auth = credentialAuth(manifest, credentials.kind);
    if (!auth) {
      throw new ProviderCallError(
        'auth',
        `${manifest.id} does not take ${credentials.kind} credentials, which connection ${checkedOut.connectionId} holds`,
        { request: CHECKOUT },
      );
    }
    return authenticationOf(auth, credentials);
  }
  return { headers: { Authorization: authorizationValue(credentials.tokenType, credentials.accessToken) } };
}

/** RFC 6750 spells the scheme `Bearer`; providers answer `bearer` (RFC 6749 says case-insensitive), some APIs are not. */
function authorizationValue(tokenType: string, accessToken: string): string {
  const scheme = !tokenType || tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokenType;
  return `${scheme} ${accessToken}`;
}

async function guarded<T>(checkout: () => Promise<T>): Promise<T> {
  try {
    return await checkout();
  } catch (error) {
    throw credentialFailure(error);
  }
}

/**
 * A failed checkout or refresh as the engine treats a provider call: a grant the provider no longer
 * honours (REAUTH_REQUIRED, invalid_grant) or a connection without credentials pauses the sync
 * (auth); a token endpoint that is down or limiting is retried; anything else cannot get better.
 */
export function credentialFailure(error: unknown): unknown {
  if (error instanceof ProviderCallError) return error;
  const fail = (failureClass: ProviderCallError['failureClass'], retryAfterMs: number | null = null) =>
    new ProviderCallError(failureClass, (error as Error).message, {
      request: CHECKOUT,
      retryAt: retryAfterMs === null ? null : new Date(Date.now() + retryAfterMs),
      cause: error,
    });
  if (error instanceof ReauthRequiredError || error instanceof ConnectionNotUsableError) return fail('auth');
  if (error instanceof ProviderRateLimitedError) return fail('rate_limited', error.retryAfterMs);
  if (error instanceof ProviderTransientError) return fail('retryable', error.retryAfterMs);
  if (error instanceof OAuthProviderError) return fail('auth');
  if (error instanceof DependencyError) return fail('retryable');
  if (error instanceof SwitchboardError)
    return fail(error.code === 'PROVIDER_AUTH_ERROR' ? 'auth' : 'terminal');
  return error;
}
