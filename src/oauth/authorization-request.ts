import { buildAuthorizationUrl, calculatePKCECodeChallenge, randomPKCECodeVerifier } from 'openid-client';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { atBoundary } from './boundary.js';
import { openidConfiguration } from './configuration.js';
import { callContext } from './context.js';
import { OAuthConfigurationError } from './errors.js';
import type { OAuthCallOptions } from './types.js';

export interface AuthorizationRequestInput extends OAuthCallOptions {
  manifest: ProviderManifest;
  clientId: string;
  redirectUri: string;
  /** Provider scopes (after resolveScopes), in request order. */
  scopes: readonly string[];
  /** Random and single-use; stored by the caller with the code verifier. */
  state: string;
}

export interface AuthorizationRequest {
  url: string;
  /** Keep it server-side with the state; null when the manifest turns PKCE off. */
  codeVerifier: string | null;
}

/**
 * The URL to send the user to (RFC 6749 §4.1.1): response_type=code, PKCE S256 (RFC 7636) unless
 * the manifest says the provider rejects it, each scope in its own parameter (Slack's user scopes
 * go in `user_scope`) joined with the provider's separator, and the manifest's fixed parameters
 * (Google's access_type=offline, Atlassian's audience). Nothing is sent: discovery at most.
 */
export async function buildAuthorizationRequest(
  input: AuthorizationRequestInput,
): Promise<AuthorizationRequest> {
  const { manifest } = input;
  if (manifest.auth.mode !== 'oauth2') {
    throw new OAuthConfigurationError(
      `Provider "${manifest.id}" uses ${manifest.auth.mode}, which has no authorization step`,
      { provider: manifest.id, mode: manifest.auth.mode },
    );
  }
  const context = callContext(manifest, 'authorize', input, []);
  return atBoundary(context, async () => {
    const { config } = await openidConfiguration(context, { clientId: input.clientId }, input, 'authorize');

    // The manifest's fixed parameters first, so they can never replace the protocol's own.
    const parameters = new URLSearchParams(manifest.auth.authorizationParams);
    for (const [param, scopes] of scopesByParam(manifest, input.scopes)) {
      parameters.set(param, scopes.join(manifest.auth.scopeSeparator));
    }
    parameters.set('redirect_uri', input.redirectUri);
    parameters.set('state', input.state);
    let codeVerifier: string | null = null;
    if (manifest.auth.pkce) {
      codeVerifier = randomPKCECodeVerifier();
      parameters.set('code_challenge', await calculatePKCECodeChallenge(codeVerifier));
      parameters.set('code_challenge_method', 'S256');
    }
    return { url: buildAuthorizationUrl(config, parameters).href, codeVerifier };
  });
}

/** Scopes grouped by the authorization parameter the catalog assigns them (`scope` unless stated). */
function scopesByParam(manifest: ProviderManifest, scopes: readonly string[]): Map<string, string[]> {
  const params = new Map(manifest.scopes.map((scope) => [scope.id, scope.param]));
  const grouped = new Map<string, string[]>();
  for (const scope of new Set(scopes)) {
    const param = params.get(scope) ?? 'scope';
    grouped.set(param, [...(grouped.get(param) ?? []), scope]);
  }
  return grouped;
}
