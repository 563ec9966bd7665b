import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionNotUsableError, ReauthRequiredError } from '../../../src/connections/errors.js';
import type { AccessToken, CheckedOutCredentials } from '../../../src/connections/index.js';
import { githubManifest } from '../../../src/connectors/github/manifest.js';
import { defineManifest, type ProviderManifest } from '../../../src/connectors/sdk/manifest.js';
import { ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import { ConnectWithCredentialsDocument } from '../../../src/generated/graphql.js';
import { DependencyError } from '../../../src/shared/errors.js';
import { createProviderHttp, vaultCredentials } from '../../../src/sync/provider-client/index.js';
import {
  API_KEY,
  authorize,
  followCallback,
  KEYS,
  type LoopbackWorld,
  registerTenant,
  startLoopbackWorld,
} from '../../connections/world.js';
import { asOperator } from '../../support/hub.js';
import { json, type ProviderFixture, startProviderFixture } from '../../support/provider-fixture.js';
import { describeWithPostgres } from '../../support/services.js';
import { GITHUB_ISSUES_PATH, githubIssuesPage, onLoopback } from './provider-fakes.js';

type Stored = CheckedOutCredentials['credentials'];

/** The token checkout's two calls, answering what each test scripts, counting refreshes. */
function checkoutOf(script: { stored: () => Stored; refreshed?: (rejected: string) => AccessToken }) {
  const refreshes: string[] = [];
  return {
    refreshes,
    checkout: {
      credentialsFor: async (_tenantId: string, connectionId: string): Promise<CheckedOutCredentials> => ({
        connectionId,
        provider: 'test',
        credentials: script.stored(),
        expiresAt: null,
      }),
      refreshAfterUnauthorized: async (
        _tenantId: string,
        _connectionId: string,
        rejected: string,
      ): Promise<AccessToken> => {
        refreshes.push(rejected);
        if (!script.refreshed) throw new Error('no refresh scripted');
        return script.refreshed(rejected);
      },
    },
  };
}

const oauth = (accessToken: string, tokenType = 'bearer'): Stored => ({
  kind: 'oauth2',
  accessToken,
  refreshToken: 'ghr_refresh',
  tokenType,
});

describe('vault credentials on the request (loopback GitHub and custom providers)', () => {
  let fixture: ProviderFixture;
  beforeAll(async () => {
    fixture = await startProviderFixture();
  });
  afterAll(() => fixture.close());

  function client(manifest: ProviderManifest, checkout: ReturnType<typeof checkoutOf>['checkout']) {
    return createProviderHttp({
      manifest,
      connection: { id: 'conn-1', accountId: null, values: {} },
      credentials: vaultCredentials({ checkout, manifest, tenantId: 't1', connectionId: 'conn-1' }),
      sleep: async () => {},
    });
  }
  const github = () => onLoopback(githubManifest, fixture.origin);
  const failureOf = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ProviderCallError);
    return error as ProviderCallError;
  };

  it('sends an OAuth token as "Authorization: Bearer", whatever case the provider spelled its type in', async () => {
    fixture.reply(() => githubIssuesPage());
    const { checkout } = checkoutOf({ stored: () => oauth('gho_16C7e42F292c6912E7710c838347Ae178B4a') });
    await client(github(), checkout).request({ path: GITHUB_ISSUES_PATH });
    expect(fixture.requests[0]?.headers.authorization).toBe(
      'Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a',
    );
  });

  it('refreshes once after a 401, naming the refused token, and sends the fresh one', async () => {
    fixture.reply((request) =>
      request.headers.authorization === 'Bearer gho_new'
        ? githubIssuesPage()
        : json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }),
    );
    const { checkout, refreshes } = checkoutOf({
      stored: () => oauth('gho_old'),
      refreshed: () => ({
        connectionId: 'conn-1',
        provider: 'github',
        accessToken: 'gho_new',
        tokenType: 'bearer',
        expiresAt: null,
      }),
    });
    await expect(client(github(), checkout).request({ path: GITHUB_ISSUES_PATH })).resolves.toMatchObject({
      status: 200,
    });
    expect(refreshes).toEqual(['gho_old']);
    expect(fixture.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer gho_old',
      'Bearer gho_new',
    ]);
  });

  it("places a personal access token as the manifest's api_key says, and a 401 on it is auth", async () => {
    fixture.reply(() =>
      json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }),
    );
    const { checkout, refreshes } = checkoutOf({
      stored: () => ({ kind: 'api_key', apiKey: 'ghp_example' }),
    });
    const failure = await failureOf(client(github(), checkout).request({ path: GITHUB_ISSUES_PATH }));
    expect(failure).toMatchObject({ failureClass: 'auth', status: 401 });
    expect(fixture.requests[0]?.headers.authorization).toBe('Bearer ghp_example');
    expect(refreshes).toEqual([]);
  });

  it('puts a key the manifest places in the query on the wire only, never in the URL callers see', async () => {
    fixture.reply(() => json(200, { ok: true }));
    const manifest = defineManifest({
      id: 'keys-in-query',
      displayName: 'Keys in the query',
      categories: ['testing'],
      auth: { mode: 'api_key', apiKey: { in: 'query', name: 'api_key' } },
      scopes: [],
      api: { baseUrl: `${fixture.origin}/v2` },
    });
    const { checkout } = checkoutOf({ stored: () => ({ kind: 'api_key', apiKey: 'k-123' }) });
    const response = await client(manifest, checkout).request({ path: '/items', query: { page: 2 } });
    expect(fixture.requests[0]?.path).toBe('/v2/items?page=2&api_key=k-123');
    expect(fixture.requests[0]?.headers.authorization).toBeUndefined();
    expect(response.url).not.toContain('k-123');
  });

  it('sends basic credentials as Basic base64(user:password)', async () => {
    fixture.reply(() => json(200, { ok: true }));
    const manifest = defineManifest({
      id: 'basic-auth',
      displayName: 'Basic auth',
      categories: ['testing'],
      auth: { mode: 'basic' },
      scopes: [],
      api: { baseUrl: fixture.origin },
    });
    const { checkout } = checkoutOf({
      stored: () => ({ kind: 'basic', username: 'ada@example.com', password: 'tok:en' }),
    });
    await client(manifest, checkout).request({ path: '/rest/api/3/myself' });
    expect(fixture.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ada@example.com:tok:en').toString('base64')}`,
    );
  });

  it('turns a connection that must be reconnected into an auth failure before any request', async () => {
    fixture.reply(() => githubIssuesPage());
    for (const refusal of [
      new ReauthRequiredError('conn-1'),
      new ConnectionNotUsableError('conn-1', 'REVOKED'),
    ]) {
      const { checkout } = checkoutOf({
        stored: () => {
          throw refusal;
        },
      });
      const failure = await failureOf(client(github(), checkout).request({ path: GITHUB_ISSUES_PATH }));
      expect(failure.failureClass).toBe('auth');
      expect(failure.cause).toBe(refusal);
    }
    expect(fixture.requests).toHaveLength(0);
  });

  it('turns a refresh the provider refuses with invalid_grant into an auth failure', async () => {
    fixture.reply(() =>
      json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }),
    );
    const { checkout, refreshes } = checkoutOf({
      stored: () => oauth('gho_revoked'),
      refreshed: () => {
        throw new ReauthRequiredError('conn-1');
      },
    });
    const failure = await failureOf(client(github(), checkout).request({ path: GITHUB_ISSUES_PATH }));
    expect(failure.failureClass).toBe('auth');
    expect(refreshes).toEqual(['gho_revoked']);
    expect(fixture.requests).toHaveLength(1);
  });

  it('retries a checkout that failed for a passing reason', async () => {
    fixture.reply(() => githubIssuesPage());
    let calls = 0;
    const { checkout } = checkoutOf({
      stored: () => {
        if (calls++ === 0) throw new DependencyError('The database did not answer');
        return oauth('gho_after');
      },
    });
    await expect(client(github(), checkout).request({ path: GITHUB_ISSUES_PATH })).resolves.toMatchObject({
      status: 200,
    });
    expect(fixture.requests.map((request) => request.headers.authorization)).toEqual(['Bearer gho_after']);
  });
});

/**
 * The same source over a real connection: the hub's token checkout, the vault, a real OAuth server
 * (oidc-provider, rotating refresh tokens; test/connections/world.ts) and a resource server that
 * checks the access tokens it mints (signature and issuer against the server's JWKS) and can be
 * told to refuse one, as a provider does when it revokes a token behind Switchboard's back.
 */
describeWithPostgres('vault credentials over a real connection (PostgreSQL, oidc-provider)', () => {
  const API = 'loopback-api';
  const tenant = 'vault-credentials';
  let world: LoopbackWorld;
  let api: http.Server;
  let apiOrigin: string;
  const refused = new Set<string>();
  const apiRequests: Array<{ token: string | null; status: number }> = [];

  beforeAll(async () => {
    api = http.createServer(async (request, response) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
      let status = 401;
      let body: unknown = { error: 'invalid_token' };
      if (token && !refused.has(token)) {
        try {
          const { payload } = await jwtVerify(
            token,
            createRemoteJWKSet(new URL(`${world.idp.issuer}/jwks`)),
            {
              issuer: world.idp.issuer,
            },
          );
          status = 200;
          body = { sub: payload.sub };
        } catch {
          // Not a token of this server: 401 as above.
        }
      }
      apiRequests.push({ token, status });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiOrigin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    world = await startLoopbackWorld({
      accessTokenTtlSeconds: 3600,
      providers: ({ issuer }) => [
        {
          id: API,
          displayName: 'Loopback API',
          categories: ['testing'],
          auth: {
            mode: 'oauth2',
            authorizationUrl: `${issuer}/auth`,
            tokenUrl: `${issuer}/token`,
            oidcIssuer: issuer,
            tokenResponse: { refreshTokenRotation: 'rotating' },
          },
          scopes: [
            { id: 'openid', description: 'Who the user is.' },
            { id: 'offline_access', description: 'Refresh tokens.' },
            { id: 'files.read', description: 'Read files.' },
          ],
          scopePolicy: {
            internal: {},
            overBroad: {},
            alwaysRequest: ['openid', 'offline_access', 'files.read'],
          },
          api: { baseUrl: `${apiOrigin}/v1` },
        },
      ],
    });
    await registerTenant(world, tenant);
  });
  afterAll(async () => {
    expect(world?.idp.serverErrors).toEqual([]);
    await world?.close();
    await new Promise<void>((resolve) => api.close(() => resolve()));
  });

  const services = () => world.hub.runtime.connections;

  async function connectApi(): Promise<string> {
    const { callbackUrl } = await authorize(world, tenant, { provider: API });
    const landing = await followCallback(callbackUrl);
    const connectionId = landing.kind === 'callback' ? landing.url.searchParams.get('connection_id') : null;
    if (!connectionId) throw new Error('the connection did not complete');
    return connectionId;
  }

  function clientFor(provider: string, connectionId: string) {
    const manifest = world.hub.runtime.catalog.require(provider);
    return createProviderHttp({
      manifest,
      connection: { id: connectionId, accountId: null, values: {} },
      credentials: vaultCredentials({ checkout: services(), manifest, tenantId: tenant, connectionId }),
      sleep: async () => {},
    });
  }

  async function currentToken(connectionId: string) {
    const { credentials } = await services().credentialsFor(tenant, connectionId);
    if (credentials.kind !== 'oauth2') throw new Error(`expected OAuth credentials, got ${credentials.kind}`);
    return credentials;
  }

  it('calls the API with the token from the vault, and refreshes it once when the API refuses it', async () => {
    const connectionId = await connectApi();
    const http = clientFor(API, connectionId);
    await expect(http.request({ path: '/me' })).resolves.toMatchObject({
      status: 200,
      body: { sub: 'alice' },
    });
    const first = (await currentToken(connectionId)).accessToken;
    expect(apiRequests.at(-1)).toEqual({ token: first, status: 200 });

    refused.add(first);
    const before = world.refreshGrants();
    apiRequests.length = 0;
    await expect(http.request({ path: '/me' })).resolves.toMatchObject({ status: 200 });
    expect(world.refreshGrants() - before).toBe(1);
    const second = apiRequests[1]?.token;
    expect(second).not.toBe(first);
    expect(apiRequests).toEqual([
      { token: first, status: 401 },
      { token: second, status: 200 },
    ]);
    // The rotated token is the one of record: the next checkout (once projected) sends it.
    await expect.poll(async () => (await currentToken(connectionId)).accessToken).toBe(second);
  });

  it('fails with auth, and keeps failing before any request, once the grant is gone (invalid_grant)', async () => {
    const connectionId = await connectApi();
    const http = clientFor(API, connectionId);
    const { accessToken, refreshToken } = await currentToken(connectionId);
    // The user removed the app at the provider: the refresh token is revoked, the API refuses the token.
    const revoked = await fetch(`${world.idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${world.client.clientId}:${world.client.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(200);
    refused.add(accessToken);

    const failure = (await http.request({ path: '/me' }).catch((error) => error)) as ProviderCallError;
    expect(failure).toBeInstanceOf(ProviderCallError);
    expect(failure.failureClass).toBe('auth');
    expect(failure.cause).toBeInstanceOf(ReauthRequiredError);

    // Once the read model says REAUTH_REQUIRED, the checkout refuses before anything is sent.
    await expect
      .poll(() =>
        services()
          .credentialsFor(tenant, connectionId)
          .catch((error) => error.code),
      )
      .toBe('PROVIDER_AUTH_ERROR');
    apiRequests.length = 0;
    await expect(http.request({ path: '/me' })).rejects.toMatchObject({ failureClass: 'auth' });
    expect(apiRequests).toEqual([]);
  });

  it("sends an API-key connection's key where the manifest places it", async () => {
    const connected = await world.hub.request(
      ConnectWithCredentialsDocument,
      { input: { provider: KEYS, credentials: { apiKey: API_KEY } } },
      asOperator(tenant),
    );
    expect(connected.errors).toBeUndefined();
    const connectionId = connected.data!.connectWithCredentials.id;
    world.fixture.requests.length = 0;
    await expect(clientFor(KEYS, connectionId).request({ path: '/me' })).resolves.toMatchObject({
      status: 200,
      body: { id: 'me' },
    });
    expect(world.fixture.requests.map((request) => [request.path, request.headers['x-api-key']])).toEqual([
      ['/v1/me', API_KEY],
    ]);
  });
});
