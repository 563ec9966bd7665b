import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineManifest, type ProviderManifest } from '../../src/connectors/sdk/manifest.js';
import {
  buildAuthorizationRequest,
  exchangeCode,
  ProviderAccessDeniedError,
  ProviderInvalidGrantError,
  readCallback,
  refresh,
  revokeToken,
  type TokenSet,
} from '../../src/oauth/index.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { signInThroughProviderPages } from '../support/oidc-provider-login.js';
import { TestBrowser } from '../support/test-browser.js';

/**
 * The whole authorization code + PKCE flow against a real authorization server (oidc-provider 9 on
 * loopback), declared as a custom provider the way an operator would, driven through the server's
 * own login and consent pages over HTTP. Refresh tokens rotate and access tokens live 2 seconds.
 */
const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';
const CLIENT = { clientId: 'switchboard-broker', clientSecret: randomBytes(24).toString('base64url') };

describe('authorization code + PKCE against oidc-provider (real HTTP, login and consent pages)', () => {
  let idp: OidcProviderHarness;
  let manifest: ProviderManifest;

  beforeAll(async () => {
    idp = await startOidcProvider({
      scopes: ['files.read', 'files.write'],
      accessTokenTtlSeconds: 2,
      clients: [
        {
          client_id: CLIENT.clientId,
          client_secret: CLIENT.clientSecret,
          redirect_uris: [REDIRECT_URI],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      features: {
        devInteractions: { enabled: true },
        revocation: {
          enabled: true,
          // Only the client a token was issued to may revoke it (RFC 7009 §2.1).
          allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) =>
            token.clientId === client.clientId,
        },
      },
      configuration: { rotateRefreshToken: true, issueRefreshToken: () => true },
    });
    manifest = defineManifest(manifestInput());
  });

  /** A custom provider as an operator would declare it in SWITCHBOARD_PROVIDERS_FILE. */
  function manifestInput() {
    return {
      id: 'loopback-idp',
      displayName: 'Loopback IdP',
      categories: ['testing'],
      auth: {
        mode: 'oauth2' as const,
        authorizationUrl: `${idp.issuer}/auth`,
        tokenUrl: `${idp.issuer}/token`,
        revocationUrl: `${idp.issuer}/token/revocation`,
        pkce: true,
        tokenResponse: { refreshTokenRotation: 'rotating' as const },
      },
      scopes: [
        { id: 'files.read', description: 'Read files.' },
        { id: 'offline_access', description: 'Refresh tokens.' },
      ],
      api: { baseUrl: idp.issuer },
    };
  }

  afterAll(async () => {
    expect(idp.serverErrors).toEqual([]);
    await idp?.close();
  });

  async function connect(options: { decision?: 'approve' | 'cancel' } = {}) {
    const state = randomBytes(16).toString('base64url');
    const request = await buildAuthorizationRequest({
      manifest,
      clientId: CLIENT.clientId,
      redirectUri: REDIRECT_URI,
      scopes: ['files.read', 'offline_access'],
      state,
    });
    const browser = new TestBrowser(REDIRECT_URI);
    const callback = await signInThroughProviderPages(browser, request.url, { login: 'alice', ...options });
    return { request, state, browser, callback };
  }

  it('connects: PKCE S256 URL, login and consent pages, code exchange, granted scopes', async () => {
    const now = new Date();
    const { request, state, browser, callback } = await connect();
    const url = new URL(request.url);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('files.read offline_access');
    expect(request.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The flow really went through the provider's interaction pages.
    const posts = browser.visited.filter((visit) => visit.startsWith('POST /interaction/'));
    expect(posts).toHaveLength(2); // the login form, then the consent form

    const received = readCallback(manifest, callback.searchParams);
    expect(received.state).toBe(state);
    const tokens = await exchangeCode({
      manifest,
      client: CLIENT,
      code: received.code,
      redirectUri: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
      callbackParams: received.params,
      now,
    });
    expect(tokens.tokenType).toBe('bearer');
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.scopes).toContain('files.read');
    expect(tokens.expiresAt?.getTime()).toBe(now.getTime() + 2000);
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ sub: 'alice', client_id: CLIENT.clientId });
  });

  it('refreshes with rotation, and a rotated refresh token reused is invalid_grant', async () => {
    const first = await connectAndExchange();
    const second = await refresh({ manifest, client: CLIENT, refreshToken: first.refreshToken! });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const reuse = refresh({ manifest, client: CLIENT, refreshToken: first.refreshToken! });
    await expect(reuse).rejects.toBeInstanceOf(ProviderInvalidGrantError);
    await expect(reuse).rejects.toMatchObject({
      code: 'PROVIDER_AUTH_ERROR',
      classification: 'invalid_grant',
      detail: { provider: 'loopback-idp', operation: 'refresh', status: 400, providerError: 'invalid_grant' },
    });
  });

  it('revokes the refresh token (RFC 7009: CONFIRMED), after which it no longer refreshes', async () => {
    const tokens = await connectAndExchange();
    const result = await revokeToken({ manifest, client: CLIENT, token: tokens });
    expect(result).toEqual({ status: 'CONFIRMED', detail: 'Loopback IdP revoked the refresh token' });
    await expect(
      refresh({ manifest, client: CLIENT, refreshToken: tokens.refreshToken! }),
    ).rejects.toMatchObject({
      classification: 'invalid_grant',
    });
  });

  it('reports a user who cancels on the login page as access_denied', async () => {
    const { callback } = await connect({ decision: 'cancel' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    let thrown: unknown;
    try {
      readCallback(manifest, callback.searchParams);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProviderAccessDeniedError);
    expect(thrown).toMatchObject({
      classification: 'access_denied',
      detail: { providerError: 'access_denied' },
    });
  });

  it('refuses a code exchanged with the wrong code_verifier (invalid_grant), and never echoes secrets', async () => {
    const { request, callback } = await connect();
    const received = readCallback(manifest, callback.searchParams);
    const wrongVerifier = 'x'.repeat(43);
    const error = await exchangeCode({
      manifest,
      client: CLIENT,
      code: received.code,
      redirectUri: REDIRECT_URI,
      codeVerifier: wrongVerifier,
      callbackParams: received.params,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderInvalidGrantError);
    const visible = JSON.stringify({
      message: (error as Error).message,
      detail: (error as ProviderInvalidGrantError).detail,
    });
    for (const secret of [received.code, wrongVerifier, request.codeVerifier!, CLIENT.clientSecret]) {
      expect(visible).not.toContain(secret);
    }
  });

  it('uses OIDC discovery when the manifest names an issuer: checks iss (RFC 9207) and the ID token', async () => {
    const oidcManifest = defineManifest({
      ...manifestInput(),
      id: 'loopback-oidc',
      auth: { ...manifestInput().auth, oidcIssuer: idp.issuer },
      scopes: [...manifestInput().scopes, { id: 'openid', description: 'Sign in.' }],
    });
    const request = await buildAuthorizationRequest({
      manifest: oidcManifest,
      clientId: CLIENT.clientId,
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'files.read', 'offline_access'],
      state: 'state-1',
    });
    const callback = await signInThroughProviderPages(new TestBrowser(REDIRECT_URI), request.url, {
      login: 'bob',
    });
    const received = readCallback(oidcManifest, callback.searchParams);
    expect(received.params).toEqual({ iss: idp.issuer });
    const exchange = (callbackParams: Record<string, string>) =>
      exchangeCode({
        manifest: oidcManifest,
        client: CLIENT,
        code: received.code,
        redirectUri: REDIRECT_URI,
        codeVerifier: request.codeVerifier,
        callbackParams,
      });
    // A callback claiming another issuer is a mix-up attack: refused before the code is sent.
    await expect(exchange({ iss: 'https://evil.example' })).rejects.toMatchObject({
      classification: 'unexpected',
      detail: { reason: expect.stringContaining('unexpected "iss" (issuer) response parameter value') },
    });
    const tokens = await exchange(received.params);
    // The account comes from the ID token openid-client validated against the discovered issuer.
    expect(tokens.account).toEqual({ id: 'bob', idSource: 'id_token', name: null, fields: {} });
  });

  async function connectAndExchange(): Promise<TokenSet> {
    const { request, callback } = await connect();
    const received = readCallback(manifest, callback.searchParams);
    return exchangeCode({
      manifest,
      client: CLIENT,
      code: received.code,
      redirectUri: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
      callbackParams: received.params,
    });
  }
});
