import { authorizationCodeGrant, clientCredentialsGrant, refreshTokenGrant } from 'openid-client';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { atBoundary } from './boundary.js';
import { openidConfiguration, urlValues } from './configuration.js';
import { type CallContext, callContext } from './context.js';
import { directTokenRequest } from './token-endpoint.js';
import { normalizeTokenResponse } from './token-response.js';
import type { OAuthCallOptions, OAuthClient, TokenSet } from './types.js';

interface GrantInput extends OAuthCallOptions {
  manifest: ProviderManifest;
  client: OAuthClient;
  /** The clock, from the command's metadata; expiries are computed from it. */
  now?: Date | undefined;
}

export interface ExchangeCodeInput extends GrantInput {
  code: string;
  /** Exactly as sent in the authorization request. */
  redirectUri: string;
  codeVerifier: string | null;
  /** From readCallback: the manifest's callbackParams and `iss`. */
  callbackParams?: Readonly<Record<string, string>> | undefined;
  /** The provider scopes asked for, taken as granted when the response lists none. */
  scopes?: readonly string[] | undefined;
}

export interface RefreshInput extends GrantInput {
  refreshToken: string;
  /** The connection's current scopes, kept when the response lists none. */
  scopes?: readonly string[] | undefined;
}

export interface ClientCredentialsInput extends GrantInput {
  scopes: readonly string[];
}

/**
 * The authorization code grant (RFC 6749 §4.1.3, PKCE per RFC 7636). The state and `iss` (RFC 9207,
 * checkResponseIssuer) were already checked by the caller; openid-client checks `iss` once more when
 * the issuer was discovered. Single use: a
 * second exchange of the same code is invalid_grant, so never retry one after a timeout.
 */
export async function exchangeCode(input: ExchangeCodeInput): Promise<TokenSet> {
  const context = callContext(input.manifest, 'exchange', input, [
    input.code,
    input.codeVerifier,
    input.client.clientSecret,
  ]);
  return atBoundary(context, async () => {
    const grant = {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      ...(input.codeVerifier ? { code_verifier: input.codeVerifier } : {}),
    };
    const normalize = (body: Record<string, unknown>, idTokenClaims?: Record<string, unknown>) =>
      normalizeTokenResponse(context, {
        body,
        now: input.now ?? new Date(),
        requestedScopes: input.scopes,
        callbackParams: input.callbackParams,
        idTokenClaims,
      });
    if (needsDirectRequest(input.manifest) || !redirectUriSurvivesOpenidClient(input.redirectUri)) {
      return normalize(
        await directTokenRequest(context, input.client, urlValues(input.client, input), grant),
      );
    }
    const { config, server } = await openidConfiguration(context, input.client, input, 'token');
    // openid-client reads the grant from the redirect it "received"; we rebuild only what it needs.
    const callback = new URL(input.redirectUri);
    callback.searchParams.set('code', input.code);
    const iss = input.callbackParams?.['iss'];
    if (server.discovered && iss) callback.searchParams.set('iss', iss);
    const response = await authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: input.codeVerifier ?? undefined,
    });
    return normalize(bodyOf(response), server.discovered ? response.claims() : undefined);
  });
}

/**
 * The refresh token grant (RFC 6749 §6). The old refresh token is kept when none comes back. On a
 * provider that rotates (manifest `rotating`), a refresh whose answer was lost already consumed the
 * token: retrying it after a timeout will be invalid_grant, so store first, retry with care.
 */
export async function refresh(input: RefreshInput): Promise<TokenSet> {
  const context = callContext(input.manifest, 'refresh', input, [
    input.refreshToken,
    input.client.clientSecret,
  ]);
  return atBoundary(context, async () => {
    const body = needsDirectRequest(input.manifest)
      ? await directTokenRequest(context, input.client, urlValues(input.client, input), {
          grant_type: 'refresh_token',
          refresh_token: input.refreshToken,
        })
      : await openidRefresh(context, input);
    return normalizeTokenResponse(context, {
      body,
      now: input.now ?? new Date(),
      previousRefreshToken: input.refreshToken,
      requestedScopes: input.scopes,
    });
  });
}

/** The client credentials grant (RFC 6749 §4.4): oauth2_cc providers, no user, no refresh token. */
export async function clientCredentials(input: ClientCredentialsInput): Promise<TokenSet> {
  const context = callContext(input.manifest, 'client_credentials', input, [input.client.clientSecret]);
  return atBoundary(context, async () => {
    const scope: Record<string, string> =
      input.scopes.length > 0 ? { scope: input.scopes.join(input.manifest.auth.scopeSeparator) } : {};
    let body: Record<string, unknown>;
    if (needsDirectRequest(input.manifest)) {
      body = await directTokenRequest(context, input.client, urlValues(input.client, input), {
        grant_type: 'client_credentials',
        ...scope,
      });
    } else {
      const { config } = await openidConfiguration(context, input.client, input, 'token');
      body = bodyOf(await clientCredentialsGrant(config, scope));
    }
    return normalizeTokenResponse(context, {
      body,
      now: input.now ?? new Date(),
      requestedScopes: input.scopes,
    });
  });
}

async function openidRefresh(context: CallContext, input: RefreshInput): Promise<Record<string, unknown>> {
  const { config } = await openidConfiguration(context, input.client, input, 'token');
  return bodyOf(await refreshTokenGrant(config, input.refreshToken));
}

/**
 * openid-client is the standard path. It cannot send JSON bodies, decode form answers, see a
 * failure inside a 200, or accept a token that is not at the top level: those manifests take the
 * direct path (token-endpoint.ts).
 */
function needsDirectRequest(manifest: ProviderManifest): boolean {
  const { auth } = manifest;
  const rules = auth.tokenResponse;
  return (
    auth.tokenRequestEncoding === 'json' ||
    rules.format !== 'json' ||
    rules.errorInBody !== undefined ||
    rules.nestedUserToken !== undefined ||
    rules.accessTokenPath !== 'access_token'
  );
}

/**
 * openid-client derives redirect_uri from the callback URL it is given, dropping any query and
 * normalizing it (a bare origin gains a "/"). The token request must repeat the authorization
 * request's value byte for byte, so any other redirect URI takes the direct path.
 */
function redirectUriSurvivesOpenidClient(redirectUri: string): boolean {
  try {
    const url = new URL(redirectUri);
    return url.search === '' && url.hash === '' && url.href === redirectUri;
  } catch {
    return false;
  }
}

/** The parsed token response as plain data (openid-client adds helper methods to it). */
function bodyOf(response: object): Record<string, unknown> {
  return { ...response } as Record<string, unknown>;
}
