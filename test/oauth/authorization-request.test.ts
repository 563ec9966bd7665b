import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { googleCalendarManifest } from '../../src/connectors/google-calendar/manifest.js';
import { jiraManifest } from '../../src/connectors/jira/manifest.js';
import { defineManifest, type ProviderManifestInput } from '../../src/connectors/sdk/manifest.js';
import { slackManifest } from '../../src/connectors/slack/manifest.js';
import {
  buildAuthorizationRequest,
  OAuthConfigurationError,
  ProviderUnexpectedResponseError,
  readCallback,
} from '../../src/oauth/index.js';

const REDIRECT_URI = 'https://switchboard.example/oauth/callback';

const build = (
  manifest: typeof slackManifest,
  scopes: string[],
  extra: { urlParams?: Record<string, string> } = {},
) =>
  buildAuthorizationRequest({
    manifest,
    clientId: 'client-1',
    redirectUri: REDIRECT_URI,
    scopes,
    state: 'st4te',
    ...extra,
  });

const custom = (auth: Partial<ProviderManifestInput['auth']>) =>
  defineManifest({
    id: 'acme',
    displayName: 'Acme',
    categories: ['testing'],
    auth: {
      mode: 'oauth2',
      authorizationUrl: 'https://{subdomain}.acme.example/oauth/authorize',
      tokenUrl: 'https://{subdomain}.acme.example/oauth/token',
      ...auth,
    },
    scopes: [{ id: 'read', description: 'Read.' }],
    api: { baseUrl: 'https://api.acme.example' },
  });

describe('buildAuthorizationRequest', () => {
  it('Google: PKCE S256, space-separated scopes, offline access and consent, without any network call', async () => {
    const scopes = ['openid', 'https://www.googleapis.com/auth/calendar.readonly'];
    const { url, codeVerifier } = await build(googleCalendarManifest, scopes);
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      scope: scopes.join(' '),
      redirect_uri: REDIRECT_URI,
      state: 'st4te',
      code_challenge: createHash('sha256').update(codeVerifier!).digest('base64url'),
      code_challenge_method: 'S256',
      client_id: 'client-1',
      response_type: 'code',
    });
  });

  it('Slack: bot scopes in `scope`, user scopes in `user_scope`, both comma-separated', async () => {
    const { url } = await build(slackManifest, ['channels:read', 'chat:write', 'search:read']);
    const params = new URL(url).searchParams;
    expect(params.get('scope')).toBe('channels:read,chat:write');
    expect(params.get('user_scope')).toBe('search:read');
  });

  it('Atlassian: audience and prompt from the manifest, no PKCE where the manifest turns it off', async () => {
    const { url, codeVerifier } = await build(jiraManifest, ['read:jira-work', 'offline_access']);
    const params = new URL(url).searchParams;
    expect(params.get('audience')).toBe('api.atlassian.com');
    expect(params.get('prompt')).toBe('consent');
    expect(params.has('code_challenge')).toBe(false);
    expect(codeVerifier).toBeNull();
  });

  it('fills URL placeholders (encoded), and refuses a missing one', async () => {
    const { url } = await build(custom({}), ['read'], { urlParams: { subdomain: 'tenant-7' } });
    expect(url.startsWith('https://tenant-7.acme.example/oauth/authorize?')).toBe(true);
    const missing = build(custom({}), ['read']);
    await expect(missing).rejects.toBeInstanceOf(OAuthConfigurationError);
    await expect(missing).rejects.toThrow(
      'auth.authorizationUrl of provider "acme" needs a value for {subdomain}',
    );
  });

  it('never lets manifest parameters replace the protocol ones', async () => {
    const manifest = custom({
      authorizationUrl: 'https://acme.example/authorize',
      authorizationParams: { state: 'fixed', redirect_uri: 'https://evil.example' },
    });
    const params = new URL((await build(manifest, ['read'])).url).searchParams;
    expect(params.getAll('state')).toEqual(['st4te']);
    expect(params.getAll('redirect_uri')).toEqual([REDIRECT_URI]);
  });

  it('accepts plain http on loopback only', async () => {
    const loopback = custom({
      authorizationUrl: 'http://127.0.0.1:4555/authorize',
      tokenUrl: 'http://127.0.0.1:4555/token',
    });
    expect((await build(loopback, ['read'])).url.startsWith('http://127.0.0.1:4555/authorize?')).toBe(true);
    const remote = custom({
      authorizationUrl: 'http://acme.example/authorize',
      tokenUrl: 'https://acme.example/token',
    });
    await expect(build(remote, ['read'])).rejects.toBeInstanceOf(OAuthConfigurationError);
  });

  it('refuses modes without an authorization step', async () => {
    const machine = defineManifest({
      id: 'machine',
      displayName: 'Machine',
      categories: ['testing'],
      auth: { mode: 'oauth2_cc', tokenUrl: 'https://machine.example/token' },
      scopes: [],
      api: { baseUrl: 'https://machine.example' },
    });
    await expect(build(machine, [])).rejects.toBeInstanceOf(OAuthConfigurationError);
  });
});

describe('readCallback', () => {
  it('returns the code, the state and the parameters the manifest keeps', () => {
    expect(readCallback(slackManifest, { code: 'c0de', state: 's', ignored: 'x' })).toEqual({
      code: 'c0de',
      state: 's',
      params: {},
    });
  });

  it('treats a callback without a code as unexpected', () => {
    expect(() => readCallback(slackManifest, { state: 's' })).toThrow(ProviderUnexpectedResponseError);
  });

  it('classifies error responses (RFC 6749 §4.1.2.1)', () => {
    const failure = (error: string) => {
      try {
        readCallback(slackManifest, { error, state: 's' });
      } catch (caught) {
        return (caught as { classification: string }).classification;
      }
      return 'none';
    };
    expect(failure('access_denied')).toBe('access_denied');
    expect(failure('temporarily_unavailable')).toBe('transient');
    expect(failure('invalid_scope')).toBe('invalid_client');
    expect(failure('<script>')).toBe('unexpected');
  });
});
