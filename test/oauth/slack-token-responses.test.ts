import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackManifest } from '../../src/connectors/slack/manifest.js';
import {
  exchangeCode,
  ProviderInvalidClientError,
  ProviderInvalidGrantError,
  refresh,
} from '../../src/oauth/index.js';
import { atFixture, json, type ProviderFixture, startProviderFixture } from '../support/provider-fixture.js';

/**
 * Slack's oauth.v2.access as its docs show it, served from loopback: the payloads below are copied
 * from the cited pages, so these tests prove the manifest's quirks are enough to read them.
 */
const NOW = new Date('2026-03-01T12:00:00.000Z');
const CLIENT = { clientId: '2141029472.691202649728', clientSecret: 'e1b9e11dfcd19c1982d5de12921e17e8c' };
const REDIRECT_URI = 'https://switchboard.example/oauth/callback';

describe('Slack oauth.v2.access responses as Slack sends them', () => {
  let fixture: ProviderFixture;
  beforeAll(async () => {
    fixture = await startProviderFixture();
  });
  afterAll(() => fixture.close());

  const exchange = (
    manifest: typeof slackManifest,
    extra: Partial<Parameters<typeof exchangeCode>[0]> = {},
  ) =>
    exchangeCode({
      manifest: atFixture(manifest, fixture.origin),
      client: CLIENT,
      code: '4724469134.4644010092847.232b4e6d82c333b475fc30f5f5a341d294feb1a94392c2fd791f7ab7731a443d1a',
      redirectUri: REDIRECT_URI,
      codeVerifier: 'verifier-0123456789-0123456789-0123456789-abc',
      now: NOW,
      ...extra,
    });

  it('reads the bot token, the nested user token and the workspace, authenticating with Basic', async () => {
    // https://docs.slack.dev/reference/methods/oauth.v2.access ("Example response")
    fixture.reply(() =>
      json(200, {
        ok: true,
        access_token: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
        token_type: 'bot',
        scope: 'commands,incoming-webhook',
        bot_user_id: 'U0KRQLJ9H',
        app_id: 'A0KRD7HC3',
        team: { name: 'Slack Softball Team', id: 'T9TK3CUKW' },
        enterprise: { name: 'slack-sports', id: 'E12345678' },
        authed_user: { id: 'U1234', scope: 'chat:write', access_token: 'xoxp-1234', token_type: 'user' },
      }),
    );
    const tokens = await exchange(slackManifest);
    expect(tokens).toEqual({
      accessToken: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
      refreshToken: null,
      expiresAt: null,
      refreshTokenExpiresAt: null,
      scopes: ['commands', 'incoming-webhook'],
      tokenType: 'bot',
      account: {
        id: 'T9TK3CUKW',
        idSource: 'token_response',
        name: 'Slack Softball Team',
        fields: {
          teamId: 'T9TK3CUKW',
          teamName: 'Slack Softball Team',
          enterpriseId: 'E12345678',
          botUserId: 'U0KRQLJ9H',
          appId: 'A0KRD7HC3',
        },
      },
      userToken: {
        accessToken: 'xoxp-1234',
        refreshToken: null,
        expiresAt: null,
        scopes: ['chat:write'],
        userId: 'U1234',
      },
    });
    const [request] = fixture.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/oauth.v2.access' });
    // Slack asks for HTTP Basic; its client ids contain a dot, which must reach it unencoded.
    expect(request!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({
      grant_type: 'authorization_code',
      code: expect.any(String),
      redirect_uri: REDIRECT_URI,
      code_verifier: 'verifier-0123456789-0123456789-0123456789-abc',
    });
  });

  it('treats {"ok": false, "error": "invalid_code"} with HTTP 200 as invalid_grant', async () => {
    // The Web API's error shape: https://docs.slack.dev/apis/web-api/#responses
    fixture.reply(() => json(200, { ok: false, error: 'invalid_code' }));
    const error = await exchange(slackManifest).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderInvalidGrantError);
    expect(error).toMatchObject({
      message: 'Slack rejected the grant (invalid_code): the connection must be authorized again',
      detail: { provider: 'slack', operation: 'exchange', status: 200, providerError: 'invalid_code' },
    });
  });

  it('treats bad_client_secret as a configuration problem', async () => {
    fixture.reply(() => json(200, { ok: false, error: 'bad_client_secret' }));
    await expect(exchange(slackManifest)).rejects.toBeInstanceOf(ProviderInvalidClientError);
  });

  it('refreshes a rotating bot token', async () => {
    // https://docs.slack.dev/authentication/using-token-rotation (refresh response)
    fixture.reply(() =>
      json(200, {
        ok: true,
        app_id: 'A0KRD7HC3',
        authed_user: { id: 'U1234' },
        scope: 'commands,incoming-webhook',
        token_type: 'bot',
        access_token: 'xoxe.xoxb-1-new-access',
        bot_user_id: 'U0KRQLJ9H',
        refresh_token: 'xoxe-1-new-refresh',
        expires_in: 43200,
        team: { id: 'T9TK3CUKW', name: 'Slack Softball Team' },
        enterprise: null,
        is_enterprise_install: false,
      }),
    );
    const tokens = await refresh({
      manifest: atFixture(slackManifest, fixture.origin),
      client: CLIENT,
      refreshToken: 'xoxe-1-old-refresh',
      now: NOW,
    });
    expect(tokens).toMatchObject({
      accessToken: 'xoxe.xoxb-1-new-access',
      refreshToken: 'xoxe-1-new-refresh',
      expiresAt: new Date(NOW.getTime() + 43_200_000),
      userToken: null,
    });
    expect(new URLSearchParams(fixture.requests[0]!.body).get('grant_type')).toBe('refresh_token');
  });

  it('takes the user token as the token when only user scopes were asked for', async () => {
    // Same documented shape without the top-level (bot) token, which is optional in
    // https://docs.slack.dev/tools/node-slack-sdk/reference/web-api/type-aliases/OauthV2AccessResponse
    fixture.reply(() =>
      json(200, {
        ok: true,
        app_id: 'A0KRD7HC3',
        authed_user: { id: 'U1234', scope: 'search:read', access_token: 'xoxp-1234', token_type: 'user' },
        team: { id: 'T9TK3CUKW', name: 'Slack Softball Team' },
        enterprise: null,
        is_enterprise_install: false,
      }),
    );
    const tokens = await exchange(slackManifest);
    expect(tokens).toMatchObject({
      accessToken: 'xoxp-1234',
      tokenType: 'user',
      scopes: ['search:read'],
      userToken: null,
      account: { id: 'T9TK3CUKW' },
    });
  });
});
