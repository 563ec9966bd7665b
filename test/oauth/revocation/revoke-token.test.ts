import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropboxManifest } from '../../../src/connectors/dropbox/manifest.js';
import { githubManifest } from '../../../src/connectors/github/manifest.js';
import { googleCalendarManifest } from '../../../src/connectors/google-calendar/manifest.js';
import { jiraManifest } from '../../../src/connectors/jira/manifest.js';
import { notionManifest } from '../../../src/connectors/notion/manifest.js';
import type { ProviderManifest } from '../../../src/connectors/sdk/manifest.js';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import { revokeToken, type TokensToRevoke } from '../../../src/oauth/index.js';
import {
  atFixture,
  json,
  type ProviderFixture,
  startProviderFixture,
} from '../../support/provider-fixture.js';

/** Each revocation kind against a loopback stand-in answering as the provider's docs say. */
const CLIENT = { clientId: 'Iv1.8a61f9b3a7aba766', clientSecret: 'c0ffee5ecret0123456789abcdef0123456789ab' };
const TOKENS: TokensToRevoke = {
  accessToken: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  refreshToken: 'r1.refresh-me',
};

describe('revokeToken', () => {
  let fixture: ProviderFixture;
  beforeAll(async () => {
    fixture = await startProviderFixture();
  });
  afterAll(() => fixture.close());

  const revoke = (manifest: ProviderManifest, token: TokensToRevoke = TOKENS, client = CLIENT) =>
    revokeToken({ manifest: atFixture(manifest, fixture.origin), client, token });

  describe('GitHub: DELETE /applications/{client_id}/grant', () => {
    it('confirms on 204, with Basic client auth and {"access_token"} in the body', async () => {
      // https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization ("Status: 204")
      fixture.reply(() => ({ status: 204 }));
      expect(await revoke(githubManifest)).toEqual({
        status: 'CONFIRMED',
        detail: 'GitHub deleted the app authorization (grant)',
      });
      const [request] = fixture.requests;
      expect(request).toMatchObject({ method: 'DELETE', path: `/applications/${CLIENT.clientId}/grant` });
      expect(request!.headers.authorization).toBe(
        `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
      );
      expect(request!.headers['x-github-api-version']).toBe('2022-11-28');
      expect(JSON.parse(request!.body)).toEqual({ access_token: TOKENS.accessToken });
    });

    it('reports 422 (validation failed) as FAILED without echoing the token', async () => {
      fixture.reply(() =>
        json(422, {
          message: `Validation Failed for ${TOKENS.accessToken}`,
          documentation_url: 'https://docs.github.com/rest',
        }),
      );
      const result = await revoke(githubManifest);
      expect(result).toMatchObject({ status: 'FAILED', failure: 'unexpected' });
      expect(JSON.stringify(result)).not.toContain(TOKENS.accessToken);
    });

    it('cannot delete a grant without the client secret: FAILED (configuration), nothing sent', async () => {
      fixture.reply(() => ({ status: 204 }));
      const result = await revoke(githubManifest, TOKENS, { clientId: CLIENT.clientId, clientSecret: '' });
      expect(result).toMatchObject({ status: 'FAILED', failure: 'configuration' });
      expect(fixture.requests).toHaveLength(0);
    });
  });

  describe('Slack: auth.revoke', () => {
    it('confirms {"ok": true, "revoked": true}, authenticated by the token itself', async () => {
      // https://docs.slack.dev/reference/methods/auth.revoke ("Example response")
      fixture.reply(() => json(200, { ok: true, revoked: true }));
      const xoxb = {
        accessToken: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
        refreshToken: null,
      };
      expect(await revoke(slackManifest, xoxb)).toEqual({
        status: 'CONFIRMED',
        detail: 'Slack revoked the token',
      });
      expect(fixture.requests[0]).toMatchObject({ method: 'POST', path: '/api/auth.revoke' });
      expect(fixture.requests[0]!.headers.authorization).toBe(`Bearer ${xoxb.accessToken}`);
    });

    it('reports {"ok": false, "error": "invalid_auth"} (HTTP 200) as FAILED', async () => {
      fixture.reply(() => json(200, { ok: false, error: 'invalid_auth' }));
      expect(await revoke(slackManifest)).toMatchObject({
        status: 'FAILED',
        detail: 'Slack rejected the grant (invalid_auth): the connection must be authorized again',
      });
    });
  });

  it('bearer_request (Dropbox /2/auth/token/revoke): POST with the access token and no body', async () => {
    // https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke (returns null)
    fixture.reply(() => json(200, null));
    expect(await revoke(dropboxManifest)).toMatchObject({ status: 'CONFIRMED' });
    expect(fixture.requests[0]).toMatchObject({ method: 'POST', path: '/2/auth/token/revoke', body: '' });
    expect(fixture.requests[0]!.headers.authorization).toBe(`Bearer ${TOKENS.accessToken}`);
  });

  it('rfc7009 with a JSON body (Notion): {"token"} with Basic client auth', async () => {
    // https://developers.notion.com/reference/revoke-token (200 with an empty object)
    fixture.reply(() => json(200, {}));
    expect(await revoke(notionManifest)).toEqual({
      status: 'CONFIRMED',
      detail: 'Notion revoked the access token',
    });
    expect(fixture.requests[0]).toMatchObject({ method: 'POST', path: '/v1/oauth/revoke' });
    expect(JSON.parse(fixture.requests[0]!.body)).toEqual({ token: TOKENS.accessToken });
    expect(fixture.requests[0]!.headers.authorization).toMatch(/^Basic /);
  });

  it('rfc7009 form through openid-client (Google): the refresh token, no client secret sent', async () => {
    fixture.reply(() => ({ status: 200 }));
    expect(await revoke(googleCalendarManifest)).toMatchObject({ status: 'CONFIRMED' });
    const body = new URLSearchParams(fixture.requests[0]!.body);
    expect(body.get('token')).toBe(TOKENS.refreshToken);
    expect(body.get('token_type_hint')).toBe('refresh_token');
    expect(body.get('client_secret')).toBeNull();
  });

  it('rfc7009: a 503 is FAILED and marked transient so the caller may try again later', async () => {
    fixture.reply(() => ({ status: 503, headers: { 'retry-after': '30' }, body: 'Service Unavailable' }));
    expect(await revoke(googleCalendarManifest)).toMatchObject({ status: 'FAILED', failure: 'transient' });
  });

  it('none (Atlassian): UNSUPPORTED with the reason from the manifest, and no request', async () => {
    fixture.reply(() => ({ status: 500 }));
    const result = await revoke(jiraManifest);
    expect(result.status).toBe('UNSUPPORTED');
    expect(result.detail).toContain('Atlassian documents no endpoint');
    expect(fixture.requests).toHaveLength(0);
  });
});
