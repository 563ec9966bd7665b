import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubManifest } from '../../src/connectors/github/manifest.js';
import { googleCalendarManifest } from '../../src/connectors/google-calendar/manifest.js';
import { microsoft365Manifest } from '../../src/connectors/microsoft-365/manifest.js';
import { notionManifest } from '../../src/connectors/notion/manifest.js';
import { quickbooksManifest } from '../../src/connectors/quickbooks/manifest.js';
import type { ProviderManifest } from '../../src/connectors/sdk/manifest.js';
import { exchangeCode, readCallback, refresh } from '../../src/oauth/index.js';
import { atFixture, json, type ProviderFixture, startProviderFixture } from '../support/provider-fixture.js';

/**
 * Each provider's token endpoint as its docs show it, served from loopback: the payloads below are
 * copied from the cited pages, so these tests prove the manifest's quirks are enough to read them.
 */
const NOW = new Date('2026-03-01T12:00:00.000Z');
const CLIENT = { clientId: '2141029472.691202649728', clientSecret: 'e1b9e11dfcd19c1982d5de12921e17e8c' };
const REDIRECT_URI = 'https://switchboard.example/oauth/callback';

describe('token responses as providers really send them', () => {
  let fixture: ProviderFixture;
  beforeAll(async () => {
    fixture = await startProviderFixture();
  });
  afterAll(() => fixture.close());

  const exchange = (manifest: ProviderManifest, extra: Partial<Parameters<typeof exchangeCode>[0]> = {}) =>
    exchangeCode({
      manifest: atFixture(manifest, fixture.origin),
      client: CLIENT,
      code: '4724469134.4644010092847.232b4e6d82c333b475fc30f5f5a341d294feb1a94392c2fd791f7ab7731a443d1a',
      redirectUri: REDIRECT_URI,
      codeVerifier: 'verifier-0123456789-0123456789-0123456789-abc',
      now: NOW,
      ...extra,
    });

  describe('GitHub /login/oauth/access_token', () => {
    it('decodes the form-encoded answer and its comma-separated scopes, posting client credentials', async () => {
      // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
      // ("By default, the response takes the following form")
      fixture.reply(() => ({
        status: 200,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: 'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer',
      }));
      const tokens = await exchange(githubManifest);
      expect(tokens).toMatchObject({
        accessToken: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
        refreshToken: null,
        expiresAt: null,
        scopes: ['repo', 'gist'],
        tokenType: 'bearer',
      });
      const [request] = fixture.requests;
      expect(request!.headers.accept).toBe('application/json');
      expect(request!.headers.authorization).toBeUndefined();
      expect(new URLSearchParams(request!.body).get('client_secret')).toBe(CLIENT.clientSecret);
    });

    it('treats a 200 carrying bad_verification_code as invalid_grant', async () => {
      // https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
      fixture.reply(() =>
        json(200, {
          error: 'bad_verification_code',
          error_description: 'The code passed is incorrect or expired.',
          error_uri:
            '/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
        }),
      );
      await expect(exchange(githubManifest)).rejects.toMatchObject({
        classification: 'invalid_grant',
        detail: {
          providerError: 'bad_verification_code',
          description: 'The code passed is incorrect or expired.',
        },
      });
    });

    it('reads an expiring GitHub App user token and its refresh token lifetime', async () => {
      // https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
      fixture.reply(() =>
        json(200, {
          access_token: 'ghu_16C7e42F292c6912E7710c838347Ae178B4a',
          expires_in: 28800,
          refresh_token: 'ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498',
          refresh_token_expires_in: 15811200,
          scope: '',
          token_type: 'bearer',
        }),
      );
      const tokens = await exchange(githubManifest, { scopes: ['repo'] });
      expect(tokens).toMatchObject({
        expiresAt: new Date(NOW.getTime() + 28_800_000),
        refreshTokenExpiresAt: new Date(NOW.getTime() + 15_811_200_000),
        // An empty granted-scope string says nothing: the scopes asked for stand.
        scopes: ['repo'],
      });
    });
  });

  it('Notion: posts JSON with Basic auth, keeps a token without expiry, names the workspace', async () => {
    // https://developers.notion.com/reference/create-a-token (response)
    fixture.reply(() =>
      json(200, {
        access_token: 'ntn_4x9e7k2m3q5w8r1t6y0u',
        token_type: 'bearer',
        refresh_token: 'nrt_8c1f5a2d9e3b7c4f',
        bot_id: 'b3414d65-1224-4ff7-8ffa-cc9d8773d601',
        workspace_icon: 'https://website.domain/images/image.png',
        workspace_name: "Ada's Notion Workspace",
        workspace_id: 'f565a4d7-2882-41b5-964a-ff9d91c36af7',
        owner: { type: 'user', user: { object: 'user', id: 'e79a0b74-3aba-4149-9f74-0bb5791a6ee6' } },
        duplicated_template_id: null,
        request_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
      }),
    );
    const tokens = await exchange(notionManifest, { codeVerifier: null });
    expect(tokens).toMatchObject({
      expiresAt: null,
      refreshToken: 'nrt_8c1f5a2d9e3b7c4f',
      account: {
        id: 'f565a4d7-2882-41b5-964a-ff9d91c36af7',
        name: "Ada's Notion Workspace",
        fields: {
          botId: 'b3414d65-1224-4ff7-8ffa-cc9d8773d601',
          ownerUserId: 'e79a0b74-3aba-4149-9f74-0bb5791a6ee6',
        },
      },
    });
    const [request] = fixture.requests;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.authorization).toMatch(/^Basic /);
    expect(JSON.parse(request!.body)).toEqual({
      grant_type: 'authorization_code',
      code: expect.any(String),
      redirect_uri: REDIRECT_URI,
    });
  });

  it('QuickBooks (openid-client path): realmId from the callback is the account; x_refresh_token_expires_in', async () => {
    // https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
    // (step "Exchange the authorization code for access tokens": the bearer token response)
    fixture.reply(() =>
      json(200, {
        token_type: 'bearer',
        expires_in: 3600,
        refresh_token: 'Q011511196925dNJn6H8Bs6tFybsQXmYhhQ5mkzUgWD8d5wCHs',
        x_refresh_token_expires_in: 8726400,
        access_token: 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..KM1_Fezsm6BUSaqqfTedaA',
      }),
    );
    const manifest = atFixture(quickbooksManifest, fixture.origin);
    const callback = readCallback(
      manifest,
      new URLSearchParams({
        code: 'AB11527101532vbdkWBvWhgDNM',
        state: 'security_token',
        realmId: '1231434565226279',
      }),
    );
    const tokens = await exchange(quickbooksManifest, {
      codeVerifier: null,
      callbackParams: callback.params,
    });
    expect(tokens).toMatchObject({
      expiresAt: new Date(NOW.getTime() + 3_600_000),
      refreshTokenExpiresAt: new Date(NOW.getTime() + 8_726_400_000),
      // realmId came through the browser: only the account verification call can confirm it.
      account: {
        id: '1231434565226279',
        idSource: 'callback',
        name: null,
        fields: { realmId: '1231434565226279' },
      },
    });
    expect(fixture.requests[0]!.headers.authorization).toMatch(/^Basic /);
  });

  it('Google (openid-client path): a refresh that returns no refresh token keeps the old one', async () => {
    // https://developers.google.com/identity/protocols/oauth2/web-server#offline (refresh response)
    fixture.reply(() =>
      json(200, {
        access_token: '1/fFAGRNJru1FTz70BzhT3Zg',
        expires_in: 3920,
        scope: 'https://www.googleapis.com/auth/calendar.readonly',
        token_type: 'Bearer',
      }),
    );
    const tokens = await refresh({
      manifest: atFixture(googleCalendarManifest, fixture.origin),
      client: CLIENT,
      refreshToken: '1//xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI',
      now: NOW,
    });
    expect(tokens).toMatchObject({
      accessToken: '1/fFAGRNJru1FTz70BzhT3Zg',
      refreshToken: '1//xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI',
      tokenType: 'bearer',
      scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
    });
    // Google takes client_id and client_secret in the body (client_secret_post).
    expect(new URLSearchParams(fixture.requests[0]!.body).get('client_id')).toBe(CLIENT.clientId);
  });

  it('Microsoft: an ID token from a per-tenant issuer does not break the exchange and is not trusted', async () => {
    // https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response-2
    const idToken = new UnsecuredJWT({
      tid: '9188040d-6c67-4c5b-b112-36a304b66dad',
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    })
      .setIssuer('https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0')
      .setAudience(CLIENT.clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    fixture.reply(() =>
      json(200, {
        access_token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik5HVEZ2ZEstZnl0aEV1Q',
        token_type: 'Bearer',
        expires_in: 3599,
        scope: 'https://graph.microsoft.com/mail.read offline_access',
        refresh_token: 'AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4',
        id_token: idToken,
      }),
    );
    const tokens = await exchange(microsoft365Manifest);
    expect(tokens).toMatchObject({
      scopes: ['https://graph.microsoft.com/mail.read', 'offline_access'],
      account: { id: null, name: null },
    });
  });
});
